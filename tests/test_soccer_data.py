"""The rendered soccer-ball set (Ng §3.3.2): determinism, regions, layout, loading, error paths."""

import math
import shutil

import numpy as np
import pytest
import torch
import torchvision
from PIL import Image

from conftest import DEVICES

import cs229nn.datasets.soccer as soccer
from cs229nn.datasets.checksums import ChecksumError, sha256_file
from cs229nn.datasets.soccer import SPLITS, SoccerBalls, preview_soccer, render_soccer, verify_soccer
from cs229nn.datasets.soccer_render import (
    DISTRACTORS,
    FACES,
    RADIUS_RANGE,
    REGIONS,
    SEED,
    Stream,
    in_held_out_quadrant,
    render_scene,
)


def test_full_render_matches_the_shipped_checksums(soccer_root):
    # The CSV hashes in the package were recorded from a render on another run: passing
    # means this render is byte-identical (pixels and metadata) to that one.
    verify_soccer(soccer_root)


def test_rendering_twice_gives_identical_pixels(soccer_root):
    for split_index, split in enumerate(SPLITS):
        data = SoccerBalls(soccer_root, split)
        for index in range(4):
            region = soccer.SPLIT_REGION[split]
            first = render_scene(SEED, split_index, index, soccer.label_of(index), region)
            second = render_scene(SEED, split_index, index, soccer.label_of(index), region)
            assert np.array_equal(first.image, second.image)
            assert soccer.pixels_sha256(first.image) == data.records[index].pixels_sha256
        other_seed = render_scene(SEED + 1, split_index, 1, 1, soccer.SPLIT_REGION[split])
        assert not np.array_equal(other_seed.image, render_scene(SEED, split_index, 1, 1, soccer.SPLIT_REGION[split]).image)


def test_truncated_icosahedron_geometry():
    # Independent of how FACES was built: at each of the 60 vertices of the truncated
    # icosahedron (edge 2) exactly three faces meet, one pentagon and two hexagons, and the
    # vertex lies on their planes (score p·n_f/d_f = 1) and inside every other face's half-space.
    phi = (1 + math.sqrt(5)) / 2
    bases = [(0, 1, 3 * phi), (1, 2 + phi, 2 * phi), (phi, 2, phi**3)]
    verts = {
        (sx * b[i % 3], sy * b[(i + 1) % 3], sz * b[(i + 2) % 3])
        for b in bases for i in range(3) for sx in (1, -1) for sy in (1, -1) for sz in (1, -1)
    }
    verts = np.array(sorted(verts))
    assert verts.shape == (60, 3) and FACES.shape == (32, 3)
    scores = verts @ FACES.T
    on_face = np.isclose(scores, 1.0, atol=1e-12)
    assert np.all(scores < 1 + 1e-12)
    assert np.all(on_face[:, :12].sum(1) == 1) and np.all(on_face[:, 12:].sum(1) == 2)


def test_stream_is_uniform_and_reproducible():
    a, b = Stream(1, 2, 3), Stream(1, 2, 3)
    u = a.uniform(size=(20000,))
    assert np.array_equal(u, b.uniform(size=(20000,)))
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.01
    v = Stream(4).unit_vector(4)
    assert math.isclose(float(np.sum(v * v)), 1.0, rel_tol=1e-12)


def test_splits_sizes_and_label_balance(soccer_root):
    for split, n in SPLITS.items():
        data = SoccerBalls(soccer_root, split)
        assert len(data) == n
        assert sum(data.targets) == n // 2


def test_ball_centres_lie_in_their_regions(soccer_root):
    for split in SPLITS:
        data = SoccerBalls(soccer_root, split)
        balls = [r for r in data.records if r.label == 1]
        (xl, xh), (yl, yh) = REGIONS[soccer.SPLIT_REGION[split]]
        assert all(xl <= r.x <= xh and yl <= r.y <= yh for r in balls)
        assert all(RADIUS_RANGE[0] <= r.radius <= RADIUS_RANGE[1] for r in balls)
        held_out = [in_held_out_quadrant(r.x, r.y) for r in balls]
        assert all(held_out) if split == "shifted" else not any(held_out)
        negatives = [r for r in data.records if r.label == 0]
        assert all(math.isnan(r.x) and math.isnan(r.y) and math.isnan(r.radius) for r in negatives)
        assert torch.equal(data.centers.isnan().all(1), torch.tensor(data.targets) == 0)


def test_metadata_variety(soccer_root):
    records = SoccerBalls(soccer_root, "train").records
    assert {r.scene for r in records} == {"grass", "sky", "crowd", "indoor"}
    negatives = [r for r in records if r.label == 0]
    distractors = {name for r in negatives for name in r.distractor.split("+")}
    assert distractors == set(DISTRACTORS) | {"none"}
    assert 0.8 < np.mean([r.distractor != "none" for r in negatives]) < 0.97
    # Distractors in positives too, so their presence does not give the label away.
    assert np.mean([r.distractor != "none" for r in records if r.label == 1]) > 0.25
    assert any(r.occluded for r in records) and any(r.cut for r in records)


def test_image_folder_reads_the_same_data(soccer_root):
    data = SoccerBalls(soccer_root, "test")
    folder = torchvision.datasets.ImageFolder(soccer_root / "soccer" / "test")
    assert folder.class_to_idx == SoccerBalls.class_to_idx == {"no_ball": 0, "soccer_ball": 1}
    assert len(folder) == len(data)
    by_file = {r.file: (i, r.label) for i, r in enumerate(data.records)}
    for path, label in folder.samples[::97]:
        i, expected = by_file["/".join(path.split("/")[-2:])]
        assert label == expected
        assert np.array_equal(np.asarray(folder.loader(path)), np.asarray(data[i][0]))


def test_getitem_tensors_and_transforms_agree(soccer_root):
    data = SoccerBalls(soccer_root, "shifted", transform=torchvision.transforms.ToTensor(), target_transform=float)
    images, labels = data.tensors()
    assert images.shape == (500, 3, 64, 64) and images.dtype == torch.float32 and labels.dtype == torch.int64
    assert 0 <= images.min() and images.max() <= 1
    x, y = data[7]
    assert torch.equal(x, images[7]) and y == float(labels[7]) and isinstance(y, float)
    plain = SoccerBalls(soccer_root, "shifted")
    assert isinstance(plain[0][0], Image.Image) and plain[0][0].size == (64, 64)
    text = repr(plain)
    assert "SoccerBalls" in text and "shifted" in text and "250 with a ball" in text and "500" in text


@pytest.mark.parametrize("device", DEVICES)
def test_dataloader_with_workers(soccer_root, device):
    data = SoccerBalls(soccer_root, "test", transform=torchvision.transforms.ToTensor())
    images, labels = data.tensors()
    loader = torch.utils.data.DataLoader(data, batch_size=125, num_workers=2)
    xs, ys = zip(*[(x.to(device), y.to(device)) for x, y in loader])
    assert torch.equal(torch.cat(xs).cpu(), images) and torch.equal(torch.cat(ys).cpu(), labels)
    assert torch.cat(xs).device.type == device


def test_unknown_split_lists_valid_ones(soccer_root):
    with pytest.raises(ValueError, match="train, test, shifted"):
        SoccerBalls(soccer_root, "validation")


def test_missing_render_without_permission_to_render(tmp_path):
    with pytest.raises(FileNotFoundError, match="cs229nn data render"):
        SoccerBalls(tmp_path, "train", render=False)


def test_preview_writes_a_png(soccer_root, tmp_path):
    path = preview_soccer(soccer_root, tmp_path / "grid.png", per_class=2)
    with Image.open(path) as im:
        assert im.format == "PNG" and im.size[0] > 100


@pytest.fixture
def tiny_render(tmp_path, monkeypatch):
    """A 4 + 2 + 2 image render whose expected checksums are its own: cheap to corrupt and repair."""
    monkeypatch.setattr(soccer, "SPLITS", {"train": 4, "test": 2, "shifted": 2})
    render_soccer(tmp_path, progress=False)
    expected = {s: sha256_file(tmp_path / "soccer" / f"{s}.csv") for s in soccer.SPLITS}
    monkeypatch.setattr(soccer, "EXPECTED_SHA256", expected)
    return tmp_path


def test_modified_image_is_caught_and_not_overwritten_without_force(tiny_render):
    png = tiny_render / "soccer" / "train" / "soccer_ball" / "0001.png"
    pixels = np.asarray(Image.open(png)).copy()
    pixels[0, 0] ^= 1
    Image.fromarray(pixels).save(png)
    with pytest.raises(ChecksumError, match=r"0001\.png.*expected pixel sha256 [0-9a-f]{64}, got [0-9a-f]{64}.*cs229nn data render --force"):
        verify_soccer(tiny_render)
    with pytest.raises(ChecksumError, match="0001.png"):
        SoccerBalls(tiny_render, "train")[1]
    with pytest.raises(FileExistsError, match="--force"):
        render_soccer(tiny_render, progress=False)
    assert np.array_equal(np.asarray(Image.open(png)), pixels)  # still the user's file
    render_soccer(tiny_render, force=True, progress=False)
    verify_soccer(tiny_render)


def test_modified_metadata_missing_and_extra_files(tiny_render):
    folder = tiny_render / "soccer"
    (folder / "train" / "no_ball" / "stray.png").write_bytes(b"")
    with pytest.raises(ChecksumError, match=r"not in train\.csv \(e\.g\. no_ball/stray\.png\).*render --force"):
        verify_soccer(tiny_render)
    (folder / "train" / "no_ball" / "stray.png").unlink()
    (folder / "test" / "no_ball" / "0000.png").unlink()
    with pytest.raises(ChecksumError, match="0000.png is missing.*render --force"):
        verify_soccer(tiny_render)
    csv = folder / "shifted.csv"
    csv.write_text(csv.read_text().replace("soccer_ball/0001.png,1", "soccer_ball/0001.png,0"))
    with pytest.raises(ChecksumError, match=r"shifted\.csv.*expected sha256.*got.*render --force"):
        SoccerBalls(tiny_render, "shifted")
    shutil.rmtree(folder / "test")
    (folder / "test.csv").unlink()
    with pytest.raises(ChecksumError, match=r"test\.csv is missing.*render --force"):
        SoccerBalls(tiny_render, "test")
    with pytest.raises(FileExistsError, match="--force"):
        render_soccer(tiny_render, progress=False)


def test_undecodable_image_is_a_checksum_error_that_render_force_repairs(tiny_render):
    png = tiny_render / "soccer" / "train" / "no_ball" / "0000.png"
    png.write_bytes(png.read_bytes()[:100])  # truncated: PIL cannot decode it
    with pytest.raises(ChecksumError, match=r"0000\.png cannot be decoded .*render --force"):
        SoccerBalls(tiny_render, "train")[0]
    with pytest.raises(FileExistsError, match="--force"):
        render_soccer(tiny_render, progress=False)
    render_soccer(tiny_render, force=True, progress=False)
    verify_soccer(tiny_render)
