"""Session fixture: the whole soccer set rendered once (~12 s) for every test that needs it.

Registered for every test module by ``pytest_plugins`` in conftest.py, so all of them share one render.
"""

from pathlib import Path

import pytest

from cs229nn.datasets.soccer import render_soccer


@pytest.fixture(scope="session")
def soccer_root(tmp_path_factory) -> Path:
    """A datasets root whose ``soccer/`` holds the full, verified render (treat it as read-only)."""
    root = tmp_path_factory.mktemp("soccer_data")
    render_soccer(root, progress=False)
    return root
