r"""The soccer-ball images of Ng §3.3.2: rendered on first use, verified, loaded torchvision-style.

Logistic regression on the 12 288 flattened pixels has one weight per pixel, so it can only
find balls where training put them; a convolution shares one small θ over every position
(Ng §3.3.2, eq. 3.22) and finds them anywhere. The splits make that measurable:

================  ======  ==============================================================
split             images  ball centres (x right, y down, pixels of the 64×64 frame)
================  ======  ==============================================================
``train``         2000    ``REGIONS["seen"]``: x ∈ [42, 50], y ∈ [36, 46] (right of centre)
``test``          500     same region as ``train``, different images
``shifted``       500     ``REGIONS["held_out"]``: x, y ∈ [10, 22] (top-left quadrant)
================  ======  ==============================================================

Half of every split has a ball (label 1, even and odd indices alternate: odd = ball).
Distractors (orange, tennis ball, white plate, circle markings, black-and-white patches, …)
appear anywhere, in negatives and positives alike, so position alone never decides the label.

On disk (``<root>/soccer/``, gitignored, see docs/soccer.md)::

    <split>/no_ball/<index>.png        label 0   } torchvision.datasets.ImageFolder(<root>/soccer/<split>)
    <split>/soccer_ball/<index>.png    label 1   } reads these with the same labels
    <split>.csv                        file, label, x, y, radius, scene, distractor, occluded, cut, pixels_sha256

Verification is a chain: the sha256 of each ``<split>.csv`` is stored below (EXPECTED_SHA256),
and each CSV row holds the sha256 of that image's *decoded* pixels (PNG bytes depend on the
zlib/pillow version; pixels do not).
"""

import csv
import hashlib
import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

import numpy as np
import torch
from PIL import Image
from torchvision.datasets import VisionDataset
from tqdm.auto import tqdm

from cs229nn.datasets.checksums import ChecksumError, verify_file
from cs229nn.datasets.paths import resolve_root
from cs229nn.datasets.soccer_render import REGIONS, SEED, SIZE, render_scene
from cs229nn.hyperparameters import flag

SPLITS: Dict[str, int] = {"train": 2000, "test": 500, "shifted": 500}
SPLIT_REGION = {"train": "seen", "test": "seen", "shifted": "held_out"}
CLASSES = ("no_ball", "soccer_ball")  # sorted, so ImageFolder's class_to_idx gives 0 and 1 too
FOLDER = "soccer"
REPAIR = "cs229nn data render --force"
COLUMNS = ("file", "label", "x", "y", "radius", "scene", "distractor", "occluded", "cut", "pixels_sha256")

# sha256 of <root>/soccer/<split>.csv for SEED; the CSVs in turn hold every image's pixel hash.
EXPECTED_SHA256 = {
    "train": "e69b4c539c4ba14fe4d553324518a09ba0908eb556bf2fe0cae6e38a031fb86c",
    "test": "04f50a0d81b5e216660d42c4b40456cc61024314b0aa48a4322f6f62df05eec5",
    "shifted": "ebc05fdb88180d3e349cea50e9cb726ce7358232ac397ccaba4bcec756e55d48",
}

PathLike = Union[str, Path]


@dataclass(frozen=True)
class SoccerRecord:
    """One image's metadata; x, y, radius are NaN when there is no ball (label 0)."""

    file: str  # relative to <root>/soccer/<split>/
    label: int
    x: float
    y: float
    radius: float
    scene: str  # grass, sky, crowd, indoor
    distractor: str  # "none" or distractor names joined by "+"
    occluded: bool
    cut: bool  # the ball crosses the frame's border
    pixels_sha256: str


def _check_split(split: str) -> None:
    if split not in SPLITS:
        raise ValueError(f"unknown soccer split {split!r}; valid splits: {', '.join(SPLITS)}")


def label_of(index: int) -> int:
    """Image ``index`` of every split shows a ball iff it is odd: exactly balanced, nothing to shuffle."""
    return index % 2


def pixels_sha256(image: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(image, dtype=np.uint8).tobytes()).hexdigest()


def _format(value: float) -> str:
    return "nan" if math.isnan(value) else f"{value:.4f}"


def _render_split(split: str, folder: Path, progress: bool) -> None:
    split_index = list(SPLITS).index(split)
    for name in CLASSES:
        (folder / split / name).mkdir(parents=True)
    rows = []
    for index in tqdm(range(SPLITS[split]), desc=f"rendering soccer/{split}", disable=not progress, unit="img"):
        scene = render_scene(SEED, split_index, index, label_of(index), SPLIT_REGION[split])
        file = f"{CLASSES[scene.label]}/{index:04d}.png"
        Image.fromarray(scene.image).save(folder / split / file, compress_level=1)  # noise barely compresses
        rows.append(
            (file, scene.label, _format(scene.x), _format(scene.y), _format(scene.radius), scene.scene,
             scene.distractor, int(scene.occluded), int(scene.cut), pixels_sha256(scene.image))
        )
    with open(folder / f"{split}.csv", "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)


def render_soccer(root: Optional[PathLike] = None, *, force: bool = False, progress: bool = True) -> Path:
    """Render every split into ``<root>/soccer/`` (about 10 s) and return that folder.

    An existing render that verifies is kept as is. One that does not (a modified, missing or
    extra file) is never overwritten unless ``force=True`` (``cs229nn data render --force``).
    The images are rendered into a temporary sibling folder and renamed into place at the
    end, so an interrupted render leaves nothing half-written behind.

    Raises:
        FileExistsError: ``<root>/soccer`` exists, differs from the expected render, and not ``force``.
    """
    base = resolve_root(root)
    target = base / FOLDER
    if target.exists():
        if not force:
            try:
                verify_soccer(base)
                return target
            except ChecksumError as err:
                raise FileExistsError(
                    f"{target} exists but differs from the expected render ({err}). Refusing to overwrite it; "
                    f"re-render with `{REPAIR}` or render_soccer(force=True)."
                ) from err
        shutil.rmtree(target)
    base.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{FOLDER}-rendering-", dir=base))
    try:
        for split in SPLITS:
            _render_split(split, staging, progress)
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target


def _read_records(csv_path: Path) -> List[SoccerRecord]:
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    return [
        SoccerRecord(
            file=r["file"], label=int(r["label"]), x=float(r["x"]), y=float(r["y"]), radius=float(r["radius"]),
            scene=r["scene"], distractor=r["distractor"], occluded=r["occluded"] == "1", cut=r["cut"] == "1",
            pixels_sha256=r["pixels_sha256"],
        )
        for r in rows
    ]


def _load_pixels(path: Path, expected_sha256: str) -> np.ndarray:
    """The decoded (64, 64, 3) uint8 pixels of one image, checked against its row of the CSV."""
    if not path.is_file():
        raise ChecksumError(f"{path} is missing (expected pixel sha256 {expected_sha256}); restore it with: {REPAIR}")
    try:
        with Image.open(path) as im:
            pixels = np.asarray(im.convert("RGB"))
    except (OSError, ValueError) as err:  # truncated or not a PNG at all
        raise ChecksumError(f"{path} cannot be decoded ({err}); restore it with: {REPAIR}") from err
    actual = pixels_sha256(pixels)
    if actual != expected_sha256:
        raise ChecksumError(
            f"{path} is corrupted or modified: expected pixel sha256 {expected_sha256}, got {actual} "
            f"(shape {pixels.shape}); restore it with: {REPAIR}"
        )
    return pixels


def _verified_records(folder: Path, split: str) -> List[SoccerRecord]:
    csv_path = folder / f"{split}.csv"
    verify_file(csv_path, EXPECTED_SHA256[split], REPAIR)
    return _read_records(csv_path)


def verify_soccer(root: Optional[PathLike] = None) -> None:
    """Check every split's CSV against EXPECTED_SHA256 and every image's decoded pixels against its CSV row.

    Also rejects PNGs in the class folders that the CSV does not list (ImageFolder would read them).

    Raises:
        ChecksumError: naming the file, the expected and actual sha256, and ``cs229nn data render --force``.
    """
    folder = resolve_root(root) / FOLDER
    for split in SPLITS:
        records = _verified_records(folder, split)
        for record in records:
            _load_pixels(folder / split / record.file, record.pixels_sha256)
        listed = {r.file for r in records}
        extra = sorted(
            f"{name}/{p.name}" for name in CLASSES if (folder / split / name).is_dir()
            for p in (folder / split / name).iterdir() if f"{name}/{p.name}" not in listed
        )
        if extra:
            raise ChecksumError(
                f"{folder / split} holds {len(extra)} file(s) not in {split}.csv (e.g. {extra[0]}); "
                f"ImageFolder would read them. Remove them or restore with: {REPAIR}"
            )


class SoccerBalls(VisionDataset):
    r"""64×64×3 images with (1) or without (0) a soccer ball (Ng §3.3.2), torchvision-style.

    The images are rendered into ``<root>/soccer/`` on first use (``render=True``) and checked
    against the shipped checksums: the split's CSV when the dataset is created, each image's
    pixels when it is read.

    Args:
        root: the datasets folder (default: ``$CS229NN_DATA`` or ``datasets/`` of the checkout);
            images live in ``<root>/soccer/<split>/``.
        split: ``"train"``, ``"test"`` (balls in the right part of the frame) or ``"shifted"``
            (balls only in the top-left quadrant, never seen in training).
        transform: applied to the PIL image, e.g. ``torchvision.transforms.ToTensor()``.
        target_transform: applied to the label.
        render: render the images if ``<root>/soccer`` does not exist yet; if False, a missing
            render raises ``FileNotFoundError`` naming the command that creates it.

    Attributes:
        records: one :class:`SoccerRecord` per image (file, label, centre, radius, scene, …).
        targets: the labels, a list of ints.
        centers: (N, 2) float32 ball centres (x right, y down, pixels); NaN rows for label 0.
        radii: (N,) float32 ball radii in pixels; NaN for label 0.

    Shape:
        - image: PIL RGB 64×64; after ``ToTensor()`` (3, 64, 64) in [0, 1]; flattened, the
          notes' x ∈ R^{12288}.
        - :meth:`tensors`: ((N, 3, 64, 64) float32, (N,) int64).

    Example::

        >>> train = SoccerBalls(split="train", transform=torchvision.transforms.ToTensor())
        >>> x, y = train[0]                   # (3, 64, 64) tensor, 0
        >>> X, Y = train.tensors()            # the whole split at once
    """

    classes = list(CLASSES)
    class_to_idx = {name: i for i, name in enumerate(CLASSES)}

    def __init__(
        self,
        root: Optional[PathLike] = None,
        split: str = "train",
        transform: Optional[Callable] = None,
        target_transform: Optional[Callable] = None,
        render: bool = True,
    ) -> None:
        _check_split(split)
        flag(render, "SoccerBalls(render)")
        base = resolve_root(root)
        super().__init__(str(base / FOLDER), transform=transform, target_transform=target_transform)
        self.split = split
        if not (base / FOLDER).exists():
            if not render:
                raise FileNotFoundError(
                    f"{base / FOLDER} does not exist; render it with `cs229nn data render` "
                    "or SoccerBalls(..., render=True)"
                )
            render_soccer(base)
        self.records = _verified_records(base / FOLDER, split)
        self.targets = [r.label for r in self.records]
        self.centers = torch.tensor([[r.x, r.y] for r in self.records], dtype=torch.float32)
        self.radii = torch.tensor([r.radius for r in self.records], dtype=torch.float32)

    def __len__(self) -> int:
        return len(self.records)

    def _pixels(self, index: int) -> np.ndarray:
        record = self.records[index]
        return _load_pixels(Path(self.root) / self.split / record.file, record.pixels_sha256)

    def __getitem__(self, index: int) -> Tuple[Any, Any]:
        image, target = Image.fromarray(self._pixels(index)), self.targets[index]
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def tensors(self) -> Tuple[torch.Tensor, torch.Tensor]:
        """The whole split as (N, 3, 64, 64) float32 in [0, 1] and (N,) int64 labels (transforms not applied)."""
        pixels = np.stack([self._pixels(i) for i in range(len(self))])
        images = torch.from_numpy(pixels).permute(0, 3, 1, 2).float().div_(255)
        return images.contiguous(), torch.tensor(self.targets, dtype=torch.int64)

    def extra_repr(self) -> str:
        (xl, xh), (yl, yh) = REGIONS[SPLIT_REGION[self.split]]
        positives = sum(self.targets)
        return "\n".join(
            [
                f"Split: {self.split} ({positives} with a ball, {len(self) - positives} without)",
                f"Ball centres: x ∈ [{xl:g}, {xh:g}], y ∈ [{yl:g}, {yh:g}] ({SPLIT_REGION[self.split]} region)",
                f"Image: {SIZE}×{SIZE}×3, classes {self.classes}",
            ]
        )


def preview_soccer(root: Optional[PathLike] = None, path: Optional[PathLike] = None, per_class: int = 8) -> Path:
    """Write a grid of samples (one row of balls, one of non-balls per split) to ``path`` and return it.

    Default path: ``<root>/soccer/preview.png``. Titles give the ball's radius and centre, or
    the distractor in a negative.
    """
    from cs229nn.plot import figure, save  # matplotlib only when a preview is asked for

    base = resolve_root(root)
    out = Path(path) if path is not None else base / FOLDER / "preview.png"
    fig, axes = figure(2 * len(SPLITS), per_class, size=(1.6, 1.85))
    for s, split in enumerate(SPLITS):
        data = SoccerBalls(base, split)
        for label in (1, 0):
            indices = [i for i, t in enumerate(data.targets) if t == label][:per_class]
            row = 2 * s + (1 - label)
            for ax, i in zip(axes[row], indices):
                r = data.records[i]
                image, _ = data[i]
                ax.imshow(image)
                title = f"ball r={r.radius:.0f}\n({r.x:.0f}, {r.y:.0f})" if label else f"no ball\n{r.distractor}"
                ax.set_title(title, fontsize=7, color="green" if label else "firebrick")
                ax.set_xticks([])
                ax.set_yticks([])
            axes[row][0].set_ylabel(f"{split}\n{CLASSES[label]}", fontsize=9)
    save(fig, out)
    return out
