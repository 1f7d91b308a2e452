"""The rendered soccer-ball set: deterministic, regions that make notes §3.3.2 measurable, loud failures."""

import math
import shutil

import numpy as np
import pytest
import torch
import torchvision
from PIL import Image
from torch.utils.data import DataLoader

from cs229nn.datasets.checksums import ChecksumError
from cs229nn.datasets.soccer import (
    SPLIT_REGION,
    SPLITS,
    SoccerBalls,
    pixels_sha256,
    preview_soccer,
    render_soccer,
    verify_soccer,
)
from cs229nn.datasets.soccer_render import REGIONS, SEED, in_held_out_quadrant, render_scene


def in_region(x, y, region):
    (x_lo, x_hi), (y_lo, y_hi) = REGIONS[region]
    return x_lo <= x <= x_hi and y_lo <= y <= y_hi


def test_rendering_is_deterministic_and_matches_the_shipped_hashes(soccer_root):
    """Same seed ⇒ identical pixels: re-render a few images and compare with the verified CSV rows."""
    for split_index, split in enumerate(SPLITS):
        data = SoccerBalls(soccer_root, split)
        for index in (0, 1, 2, 3, len(data) - 1):
            first = render_scene(SEED, split_index, index, data.targets[index], SPLIT_REGION[split]).image
            second = render_scene(SEED, split_index, index, data.targets[index], SPLIT_REGION[split]).image
            assert first.dtype == np.uint8 and first.shape == (64, 64, 3)
            assert np.array_equal(first, second)
            assert pixels_sha256(first) == data.records[index].pixels_sha256
    other_seed = render_scene(SEED + 1, 0, 1, 1, "seen").image
    assert not np.array_equal(other_seed, render_scene(SEED, 0, 1, 1, "seen").image)
    verify_soccer(soccer_root)  # the whole render equals the expected one, bit for bit


def test_shifted_balls_lie_only_in_the_held_out_region_and_train_test_never_do(soccer_root):
    for split in SPLITS:
        data = SoccerBalls(soccer_root, split)
        positives = [r for r in data.records if r.label == 1]
        assert positives
        for r in positives:
            assert in_region(r.x, r.y, SPLIT_REGION[split])
            assert in_held_out_quadrant(r.x, r.y) == (split == "shifted")
            assert 5 <= r.radius <= 28
        for r in data.records:
            if r.label == 0:
                assert math.isnan(r.x) and math.isnan(r.y) and math.isnan(r.radius)


def test_labels_are_balanced_and_sizes_as_documented(soccer_root):
    for split, size in SPLITS.items():
        data = SoccerBalls(soccer_root, split)
        assert len(data) == size
        assert sum(data.targets) == size // 2
        assert data.centers.shape == (size, 2) and data.radii.shape == (size,)


def test_negatives_include_distractors_everywhere(soccer_root):
    """A lazy detector must not get away with "round thing" or "position": distractors are common."""
    data = SoccerBalls(soccer_root, "train")
    negatives = [r for r in data.records if r.label == 0]
    with_distractor = [r for r in negatives if r.distractor != "none"]
    assert len(with_distractor) > len(negatives) // 2
    kinds = {name for r in with_distractor for name in r.distractor.split("+")}
    assert {"orange", "tennis_ball", "white_plate"} <= kinds or len(kinds) >= 4
    assert len({r.scene for r in data.records}) >= 4  # grass, sky, crowd, indoor


def test_getitem_tensors_and_imagefolder_agree(soccer_root):
    to_tensor = torchvision.transforms.ToTensor()
    data = SoccerBalls(soccer_root, "test", transform=to_tensor)
    x, y = data[5]
    assert x.shape == (3, 64, 64) and x.dtype == torch.float32 and y == 1
    X, Y = data.tensors()
    assert X.shape == (500, 3, 64, 64) and Y.dtype == torch.int64
    assert torch.equal(X[5], x) and Y.tolist() == data.targets
    folder = torchvision.datasets.ImageFolder(str(soccer_root / "soccer" / "test"))
    assert folder.class_to_idx == data.class_to_idx == {"no_ball": 0, "soccer_ball": 1}
    assert sorted(folder.targets) == sorted(data.targets)
    assert "Split: test (250 with a ball, 250 without)" in repr(data)


def test_dataloader_with_workers(soccer_root):
    data = SoccerBalls(soccer_root, "shifted", transform=torchvision.transforms.ToTensor())
    loader = DataLoader(torch.utils.data.Subset(data, range(64)), batch_size=16, num_workers=2)
    batches = list(loader)
    assert len(batches) == 4 and batches[0][0].shape == (16, 3, 64, 64)
    assert torch.cat([y for _, y in batches]).tolist() == data.targets[:64]


def test_unknown_split_and_missing_render(tmp_path):
    with pytest.raises(ValueError, match="unknown soccer split 'val'; valid splits: train, test, shifted"):
        SoccerBalls(tmp_path, "val")
    with pytest.raises(FileNotFoundError, match="cs229nn data render"):
        SoccerBalls(tmp_path, "train", render=False)


@pytest.fixture
def soccer_copy(soccer_root, tmp_path):
    shutil.copytree(soccer_root / "soccer", tmp_path / "soccer")
    return tmp_path


def test_a_modified_image_fails_its_checksum_with_the_repair_command(soccer_copy):
    data = SoccerBalls(soccer_copy, "train")
    path = soccer_copy / "soccer" / "train" / data.records[3].file
    pixels = np.array(Image.open(path).convert("RGB"))
    pixels[10, 10, 0] ^= 1  # one bit of one pixel
    Image.fromarray(pixels).save(path)
    with pytest.raises(ChecksumError, match=r"train/soccer_ball/0003.png is corrupted or modified: expected pixel sha256 \w+, got \w+ .*cs229nn data render --force"):
        data[3]
    with pytest.raises(ChecksumError, match="0003.png"):
        verify_soccer(soccer_copy)


def test_a_modified_csv_or_extra_file_is_refused_and_never_overwritten(soccer_copy):
    csv_path = soccer_copy / "soccer" / "test.csv"
    csv_path.write_text(csv_path.read_text().replace(",1,", ",0,", 1))
    with pytest.raises(ChecksumError, match=r"test.csv is corrupted or modified: expected sha256 \w+, got \w+; restore it with: cs229nn data render --force"):
        SoccerBalls(soccer_copy, "test")
    edited = csv_path.read_text()
    with pytest.raises(FileExistsError, match="Refusing to overwrite it"):
        render_soccer(soccer_copy, progress=False)
    assert csv_path.read_text() == edited  # the user's change is still there


def test_extra_image_in_a_class_folder_is_refused(soccer_copy):
    extra = soccer_copy / "soccer" / "shifted" / "soccer_ball" / "9999.png"
    shutil.copy(soccer_copy / "soccer" / "shifted" / "soccer_ball" / "0001.png", extra)
    with pytest.raises(ChecksumError, match="not in shifted.csv"):
        verify_soccer(soccer_copy)


def test_preview_writes_a_png(soccer_root, tmp_path):
    path = preview_soccer(soccer_root, tmp_path / "preview.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
