"""The course's datasets, loaded the way torchvision loads its own.

Shipped real data (``datasets/``, sha256 in ``datasets/SHA256SUMS``, checked once per process):

* :class:`Vowels` — Peterson & Barney (1952) formants, the slides' vowel example; split by speaker.
* :class:`Portland` — the 47 houses of the CS229 notes (size, bedrooms → price).
* :class:`Saratoga` — 1728 houses with size, bedrooms, land value and neighbourhood
  education: the notes' size / bedrooms / zip code / wealth example (Ma §2).
* :class:`Windsor` — 546 houses, a second multi-feature set.

Rendered data: :class:`SoccerBalls` (64×64×3 images with or without a soccer ball, Ng §3.3.2),
rendered deterministically into ``<root>/soccer/`` on first use.

>>> from cs229nn.datasets import Vowels
>>> train = Vowels(features=("f1", "f2"), standardize=True)
>>> x, y = train[0]

See ``docs/datasets.md`` and ``cs229nn data --help``.
"""

from cs229nn.datasets.checksums import ChecksumError, sha256_file
from cs229nn.datasets.housing import HousingDataset, Portland, Saratoga, Windsor
from cs229nn.datasets.manifest import read_manifest, shipped_file
from cs229nn.datasets.paths import default_root, resolve_root
from cs229nn.datasets.registry import NAMES, dataset_class, load_dataset, verify
from cs229nn.datasets.tabular import MalformedDataError, TabularDataset
from cs229nn.datasets.vowels import Vowels

__all__ = [
    "NAMES",
    "ChecksumError",
    "HousingDataset",
    "MalformedDataError",
    "Portland",
    "Saratoga",
    "SoccerBalls",
    "TabularDataset",
    "Vowels",
    "Windsor",
    "dataset_class",
    "default_root",
    "load_dataset",
    "read_manifest",
    "resolve_root",
    "sha256_file",
    "shipped_file",
    "verify",
]


def __getattr__(name: str):
    # The soccer set pulls in its renderer; import it only when someone asks for it (PEP 562).
    if name == "SoccerBalls":
        from cs229nn.datasets.soccer import SoccerBalls

        return SoccerBalls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
