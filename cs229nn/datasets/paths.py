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


def describe_root(root: Optional[Union[str, Path]], argument: str = "root=") -> str:
    """Where the datasets folder came from, for messages: "root='…'" (``argument``), "$CS229NN_DATA='…'" or the checkout's."""
    if root is not None:
        return f"{argument}{str(root)!r}"
    if os.environ.get(DATA_ENV):
        return f"${DATA_ENV}={os.environ[DATA_ENV]!r}"
    return f"the checkout's datasets folder {checkout_datasets()}"


def existing_root(root: Optional[Union[str, Path]], argument: str = "root=") -> Path:
    """:func:`resolve_root`, checked to be an existing folder; ``argument`` names ``root`` in the message.

    Raises:
        FileNotFoundError: it does not exist (``NotADirectoryError`` if it is a file); the message
            says where the path came from (an argument or ``$CS229NN_DATA``).
    """
    path = resolve_root(root)
    if not path.is_dir():
        error = NotADirectoryError if path.exists() else FileNotFoundError
        what = "is a file" if path.exists() else "does not exist"
        raise error(
            f"the datasets folder {path} ({describe_root(root, argument)}) {what}; "
            f"it must be the folder that holds SHA256SUMS and the data, such as {checkout_datasets()}"
        )
    return path
