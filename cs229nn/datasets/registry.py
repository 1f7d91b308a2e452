"""The datasets by name: ``load_dataset("vowels", split="test")`` and the ``cs229nn data`` command."""

from pathlib import Path
from typing import Any, Dict, Optional, Type, Union

from cs229nn.datasets.housing import Portland, Saratoga, Windsor
from cs229nn.datasets.manifest import shipped_file
from cs229nn.datasets.tabular import TabularDataset, check_choice
from cs229nn.datasets.vowels import Vowels

TABULAR: Dict[str, Type[TabularDataset]] = {cls.NAME: cls for cls in (Vowels, Portland, Saratoga, Windsor)}
SOCCER = "soccer"  # rendered, not shipped: cs229nn.datasets.soccer, imported only when asked for
NAMES = (*TABULAR, SOCCER)


def check_dataset_name(name: str) -> str:
    return check_choice("dataset", name, NAMES, "cs229nn.datasets")


def dataset_class(name: str) -> type:
    """The class of dataset ``name`` (one of :data:`NAMES`)."""
    if check_dataset_name(name) == SOCCER:
        from cs229nn.datasets.soccer import SoccerBalls

        return SoccerBalls
    return TABULAR[name]


def load_dataset(name: str, **kwargs: Any) -> Any:
    """``dataset_class(name)(**kwargs)``, e.g. ``load_dataset("saratoga", split="test", standardize=True)``."""
    return dataset_class(name)(**kwargs)


def verify(name: str, root: Optional[Union[str, Path]] = None) -> None:
    """Check dataset ``name``'s files against their sha256 now, even if this process checked them before.

    Raises:
        ChecksumError: naming the file, both checksums and the command that restores it.
    """
    if check_dataset_name(name) == SOCCER:
        from cs229nn.datasets.soccer import verify_soccer

        verify_soccer(root)
    else:
        shipped_file(TABULAR[name].RELPATH, root, recheck=True)
