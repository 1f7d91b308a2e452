"""A pytest plugin (see conftest.py): the soccer set, rendered once per test session."""

import pytest

from cs229nn.datasets.soccer import render_soccer


@pytest.fixture(scope="session")
def soccer_root(tmp_path_factory):
    """A datasets root whose ``soccer/`` holds the full rendered set (about 10–15 s on 2 cores)."""
    root = tmp_path_factory.mktemp("datasets")
    render_soccer(root, progress=False)
    return root
