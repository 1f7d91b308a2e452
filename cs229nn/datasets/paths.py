"""Where datasets live on disk."""

import os
from pathlib import Path
from typing import Optional, Union

DATA_ENV = "CS229NN_DATA"


def checkout_datasets() -> Path:
    """``datasets/`` of the checkout this package was imported from (it may not exist when installed)."""
    return Path(__file__).resolve().parents[2] / "datasets"


def default_root() -> Path:
    """The datasets folder: ``$CS229NN_DATA`` if set, else ``datasets/`` of this checkout.

    An installed (non-editable) package has no checkout next to it; then pass
    ``root=`` explicitly or set ``$CS229NN_DATA``.
    """
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV]).expanduser()
    return checkout_datasets()


def resolve_root(root: Optional[Union[str, Path]]) -> Path:
    return default_root() if root is None else Path(root).expanduser()
