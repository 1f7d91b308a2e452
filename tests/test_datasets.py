"""The shipped tabular datasets: checksums, row counts, leak-free splits, features, errors, loading.

Every value check reads the CSV files independently with the csv module and
compares with what the loaders return.
"""

import csv
import hashlib
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.utils.data import DataLoader

import cs229nn.datasets as ds
from conftest import DEVICES
from cs229nn.datasets import checksums, manifest
from cs229nn.datasets.splits import held_out

DATA = Path(__file__).resolve().parents[1] / "datasets"

# The sha256 of each file as published in its upstream PROVENANCE.md (../shared/datasets/): an
# independent record, so a manifest edited to match a damaged file still fails here.
UPSTREAM_SHA256 = {
    "vowels/peterson_barney_1952.csv": "8d4153d2a076470fe3e67c4bef4c475bdc8a09170bbe1b3b6744614ce03c4010",
    "portland/portland_housing_ex1data2.txt": "c19f8051a03d4b73be5bb9a60ace1c2f24adba2947cc0028e0f184d5680d4d21",
    "saratoga/saratoga_houses_2006.csv": "b5f3e596a52cb02fa6f1ebdd07c412d7d3882e6f37b71031e7f2a792eb8ca286",
    "windsor/windsor_housing_1987.csv": "0d532c03050c59a1bc50b54e55d5a8361ac53be67e09e4a735edae633f2543f6",
}
ROWS = {ds.Vowels: 1520, ds.Portland: 47, ds.Saratoga: 1728, ds.Windsor: 546}
HOUSING = [ds.Portland, ds.Saratoga, ds.Windsor]
VOWEL_FILE = DATA / "vowels/peterson_barney_1952.csv"


def copy_datasets(destination: Path) -> Path:
    """A copy of the shipped files and manifest (not a rendered soccer set) to break at will."""
    shutil.copytree(DATA, destination, ignore=shutil.ignore_patterns("soccer"))
    return destination


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_datasets(tmp_path / "datasets")


def read_rows(path: Path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------------------------------- files


def test_manifest_lists_every_shipped_file_with_its_upstream_sha256():
    assert ds.read_manifest(DATA) == UPSTREAM_SHA256
    for relpath, digest in UPSTREAM_SHA256.items():
        assert hashlib.sha256((DATA / relpath).read_bytes()).hexdigest() == digest
        assert (DATA / relpath).parent.joinpath("PROVENANCE.md").is_file()
    assert {cls.RELPATH for cls in ROWS} == set(UPSTREAM_SHA256)


@pytest.mark.parametrize("cls", list(ROWS), ids=lambda c: c.NAME)
def test_row_counts(cls):
    with open(DATA / cls.RELPATH, encoding="utf-8") as f:
        lines = f.read().splitlines()
    header = 0 if cls is ds.Portland else 1
    assert len(lines) - header == ROWS[cls]
    train, test, everything = (cls(split=split) for split in ("train", "test", "all"))
    assert len(everything) == ROWS[cls]
    assert len(train) + len(test) == ROWS[cls]
    assert not set(train.rows.tolist()) & set(test.rows.tolist())
    assert str(ROWS[cls]) in cls.SUMMARY


# --------------------------------------------------------------------------------------- vowels


def test_vowel_values_and_labels_match_the_file():
    rows = read_rows(VOWEL_FILE)
    vowels = ds.Vowels(split="all", features=("f2", "f0"))
    expected = torch.tensor([[float(r["f2"]), float(r["f0"])] for r in rows])
    assert torch.equal(vowels.data, expected)
    assert vowels.targets.dtype == torch.long
    assert vowels.targets.tolist() == [int(r["vowel_index"]) - 1 for r in rows]
    assert vowels.classes == ["iy", "ih", "eh", "ae", "ah", "aa", "ao", "uh", "uw", "er"]
    assert vowels.speakers.tolist() == [int(r["speaker"]) for r in rows]


def test_vowels_are_split_by_speaker_with_every_group_in_both_splits():
    train, test = ds.Vowels(split="train"), ds.Vowels(split="test")
    train_speakers, test_speakers = set(train.speakers.tolist()), set(test.speakers.tolist())
    assert not train_speakers & test_speakers
    assert train_speakers | test_speakers == set(range(1, 77))
    group = {int(r["speaker"]): r["speaker_type"] for r in read_rows(VOWEL_FILE)}
    # a quarter of each group held out: 33 men -> 8, 28 women -> 7, 15 children -> 4
    assert Counter(group[s] for s in test_speakers) == {"m": 8, "w": 7, "c": 4}
    assert len(test) == 19 * 20 and len(train) == 57 * 20


def test_vowel_labels_are_balanced_in_each_split():
    for split, speakers in (("train", 57), ("test", 19), ("all", 76)):
        counts = ds.Vowels(split=split).targets.bincount(minlength=10)
        assert counts.tolist() == [2 * speakers] * 10


def test_vowel_split_is_fixed_by_the_seed():
    def test_speakers(seed):
        return set(ds.Vowels(split="test", split_seed=seed).speakers.tolist())

    assert test_speakers(0) == test_speakers(0)
    assert test_speakers(0) != test_speakers(1)


def test_vowel_subset_relabels_in_the_order_given():
    rows = read_rows(VOWEL_FILE)
    two = ds.Vowels(split="all", features="f1", vowels=("aa", "iy"))
    assert two.classes == ["aa", "iy"] and two.class_to_idx == {"aa": 0, "iy": 1}
    chosen = [r for r in rows if r["vowel"] in ("aa", "iy")]
    assert two.targets.tolist() == [0 if r["vowel"] == "aa" else 1 for r in chosen]
    assert two.data[:, 0].tolist() == [float(r["f1"]) for r in chosen]


@given(
    features=st.lists(st.sampled_from(ds.Vowels.FEATURES), min_size=1, max_size=4, unique=True),
    seed=st.integers(min_value=-(10**6), max_value=10**6),
)
def test_any_feature_subset_and_seed_gives_disjoint_speakers_and_file_columns(features, seed):
    train, test = (ds.Vowels(split=s, features=features, split_seed=seed) for s in ("train", "test"))
    assert not set(train.speakers.tolist()) & set(test.speakers.tolist())
    everything = ds.Vowels(split="all", features=features)
    assert train.feature_names == tuple(features)
    assert torch.equal(train.data, everything.data[train.rows])
    assert torch.equal(test.data, everything.data[test.rows])


@given(
    n=st.integers(min_value=0, max_value=60),
    strata=st.integers(min_value=1, max_value=4),
    fraction=st.sampled_from([0.0, 0.25, 0.5, 1.0]),
    seed=st.integers(),
)
def test_held_out_takes_the_fraction_of_every_stratum(n, strata, fraction, seed):
    stratum = {i: i % strata for i in range(n)}
    test = held_out(range(n), seed, fraction, stratum)
    assert test == held_out(reversed(range(n)), seed, fraction, stratum)  # order of items does not matter
    for s in range(strata):
        members = [i for i in range(n) if stratum[i] == s]
        assert len(test & set(members)) == round(fraction * len(members))


# -------------------------------------------------------------------------------------- housing


def test_portland_is_the_notes_table():
    portland = ds.Portland(split="all", dtype=torch.float64)
    assert portland.feature_names == ("livingArea", "bedrooms") and portland.target_names == ("price",)
    with open(DATA / ds.Portland.RELPATH) as f:
        expected = torch.tensor([[float(v) for v in line.split(",")] for line in f], dtype=torch.float64)
    assert torch.equal(portland.data, expected[:, :2])
    assert torch.equal(portland.targets, expected[:, 2:])
    assert portland.data[0].tolist() == [2104.0, 3.0] and portland.targets[0].item() == 399900.0  # notes: 2104 -> 400


def test_housing_columns_yes_no_and_one_hot_match_the_file():
    rows = read_rows(DATA / ds.Saratoga.RELPATH)
    houses = ds.Saratoga(split="all", features=("heating", "waterfront", "pctCollege"), target=("price", "lotSize"))
    levels = sorted({r["heating"] for r in rows})
    assert houses.feature_names == (*(f"heating={lv}" for lv in levels), "waterfront", "pctCollege")
    expected = torch.tensor(
        [[float(r["heating"] == lv) for lv in levels] + [float(r["waterfront"] == "Yes"), float(r["pctCollege"])] for r in rows]
    )
    assert torch.equal(houses.data, expected)
    assert houses.targets.shape == (1728, 2)
    assert torch.equal(houses.targets[:, 1], torch.tensor([float(r["lotSize"]) for r in rows]))
    assert ds.Saratoga().feature_names == ("livingArea", "bedrooms", "landValue", "pctCollege")
    windsor = ds.Windsor(split="all", target="prefarea")
    assert "price" in windsor.feature_names and "prefarea" not in windsor.feature_names
    assert windsor.targets.sum().item() == 128  # 128 "yes" in the file


@pytest.mark.parametrize("cls", HOUSING, ids=lambda c: c.NAME)
def test_housing_split_is_a_fixed_quarter(cls):
    n = ROWS[cls]
    test = ds.load_dataset(cls.NAME, split="test")
    assert abs(len(test) - n / 4) <= 2  # a quarter of the distinct houses; repeated rows go together
    assert test.rows.tolist() == cls(split="test").rows.tolist()
    assert test.rows.tolist() != cls(split="test", split_seed=1).rows.tolist()


def assert_close32(actual: torch.Tensor, expected: torch.Tensor) -> None:
    """float32 results against a float64 reference: float32's rounding, no more."""
    torch.testing.assert_close(actual.double(), expected, rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("cls, kwargs", [(ds.Vowels, {"vowels": ("iy", "aa")}), (ds.Saratoga, {})], ids=["vowels", "saratoga"])
def test_standardization_uses_train_statistics_only(cls, kwargs):
    raw = {split: cls(split=split, **kwargs) for split in ("train", "test")}
    mean = raw["train"].data.double().mean(0)
    std = raw["train"].data.double().std(0, correction=0)
    for split in ("train", "test"):
        scaled = cls(split=split, standardize=True, **kwargs)
        assert_close32(scaled.mean, mean)
        assert_close32(scaled.std, std)
        assert_close32(scaled.data, (raw[split].data.double() - mean) / std)
    train = cls(split="train", standardize=True, **kwargs).data.double()
    assert_close32(train.mean(0), torch.zeros_like(mean))
    assert_close32(train.std(0, correction=0), torch.ones_like(std))


def test_target_standardization_uses_train_prices_only():
    prices = ds.Saratoga(split="train").targets.double()
    mean, std = prices.mean(0), prices.std(0, correction=0)
    for split in ("train", "test"):
        scaled = ds.Saratoga(split=split, standardize_target=True)
        assert_close32(scaled.target_mean, mean)
        assert_close32(scaled.target_std, std)
        assert_close32(scaled.targets, (ds.Saratoga(split=split).targets.double() - mean) / std)


def test_constant_feature_is_not_divided_by_zero():
    # Saratoga's sewer "none" level is rare; a column constant over train rows must stay finite
    houses = ds.Saratoga(features=("sewer",), standardize=True)
    assert torch.isfinite(houses.data).all() and (houses.std > 0).all()


# ------------------------------------------------------------------------------ loading conventions


def test_getitem_transforms_repr_and_dtype():
    vowels = ds.Vowels(
        features=("f1", "f2"),
        standardize=True,
        transform=lambda x: x * 2,
        target_transform=lambda y: y + 100,
        dtype=torch.float64,
    )
    x, y = vowels[3]
    assert x.dtype == torch.float64 and x.shape == (2,)
    torch.testing.assert_close(x, vowels.data[3] * 2)
    assert y.item() == vowels.targets[3].item() + 100
    text = repr(vowels)
    for piece in ("Dataset Vowels", "Number of datapoints: 1140", "Split: train", "f1, f2", "standardized", "Transform:", "Classes: iy"):
        assert piece in text
    assert "Target: price" in repr(ds.Portland())


def test_dataloader_with_workers_yields_the_whole_split():
    vowels = ds.Vowels(split="test")
    batches = list(DataLoader(vowels, batch_size=64, num_workers=2))
    assert torch.equal(torch.cat([x for x, _ in batches]), vowels.data)
    assert torch.equal(torch.cat([y for _, y in batches]), vowels.targets)
    x, y = next(iter(DataLoader(ds.Portland(), batch_size=5, num_workers=2)))
    assert x.shape == (5, 2) and y.shape == (5, 1)


@pytest.mark.parametrize("device", DEVICES)
def test_to_device_moves_every_tensor(device):
    houses = ds.Saratoga(split="test", standardize=True).to(device)
    for tensor in (houses.data, houses.targets, houses.mean, houses.std, houses.target_mean, houses[0][0]):
        assert tensor.device.type == device
    vowels = ds.Vowels(split="test").to(device)
    w = torch.randn(4, 10, device=device)
    assert (vowels.data @ w).argmax(1).shape == vowels.targets.shape  # usable as a batch X on the device


def test_environment_variable_chooses_the_root(root, monkeypatch):
    monkeypatch.setenv("CS229NN_DATA", str(root))
    assert ds.Vowels().root == root
    assert ds.default_root() == root


def test_soccer_is_exported_lazily():
    assert "SoccerBalls" in ds.__all__
    with pytest.raises(AttributeError, match="no attribute 'NoSuchSet'"):
        ds.NoSuchSet  # noqa: B018
    soccer = pytest.importorskip("cs229nn.datasets.soccer")
    assert ds.SoccerBalls is soccer.SoccerBalls


# ------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: ds.Vowels(split="validation"), "unknown split 'validation'; valid splits: train, test, all"),
        (lambda: ds.Vowels(features=("f1", "f5")), "unknown feature 'f5'; valid features: f0, f1, f2, f3"),
        (lambda: ds.Vowels(features=()), "give at least one feature"),
        (lambda: ds.Vowels(features=("f1", "f1")), "name one feature twice"),
        (lambda: ds.Vowels(vowels=("iy", "ee")), "unknown vowel 'ee'; valid vowels: iy, ih, eh, ae, ah, aa, ao, uh, uw, er"),
        (lambda: ds.Vowels(vowels=("iy",)), "at least 2 vowels"),
        (lambda: ds.Portland(features=("area",)), "unknown column 'area'; valid columns: livingArea, bedrooms"),
        (lambda: ds.Portland(target="cost"), "unknown column 'cost'; valid columns: livingArea, bedrooms, price"),
        (lambda: ds.Saratoga(features=("price", "bedrooms")), "'price' is the target"),
        (lambda: ds.Saratoga(target="heating"), "a target must be a numeric or yes/no column"),
        (lambda: ds.Windsor(split="shifted"), "unknown split 'shifted'"),
        (lambda: ds.load_dataset("mnist"), "unknown dataset 'mnist'; valid datasets: vowels, portland, saratoga, windsor, soccer"),
    ],
)
def test_unknown_names_raise_value_error_listing_the_valid_ones(make, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make()


def test_bad_dtype_and_seed_raise_type_error():
    with pytest.raises(TypeError, match="floating-point torch.dtype"):
        ds.Vowels(dtype=torch.int64)
    with pytest.raises(TypeError, match="split_seed must be an int, got str"):
        ds.Portland(split_seed="0")


def test_corrupted_file_names_file_both_checksums_and_the_repair(root):
    path = root / ds.Saratoga.RELPATH
    path.write_bytes(path.read_bytes().replace(b"132500", b"132501", 1))
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(ds.ChecksumError) as err:
        ds.Saratoga(root=root)
    message = str(err.value)
    assert str(path) in message and UPSTREAM_SHA256[ds.Saratoga.RELPATH] in message and actual in message
    assert f"cp {DATA / ds.Saratoga.RELPATH} {path.resolve()}" in message  # a copy outside the checkout


def test_missing_file_and_missing_or_broken_manifest(root):
    (root / ds.Windsor.RELPATH).unlink()
    with pytest.raises(ds.ChecksumError, match=re.escape(f"{root / ds.Windsor.RELPATH} is missing") + ".*restore it with: cp "):
        ds.Windsor(root=root)
    (root / "SHA256SUMS").write_text("not a checksum line\n")
    with pytest.raises(ds.ChecksumError, match="line 1, is not '<sha256>  <path>'"):
        ds.Portland(root=root)
    (root / "SHA256SUMS").write_text(f"{UPSTREAM_SHA256[ds.Vowels.RELPATH]}  {ds.Vowels.RELPATH}\n")
    with pytest.raises(ds.ChecksumError, match="has no entry for portland/portland_housing_ex1data2.txt"):
        ds.Portland(root=root)
    (root / "SHA256SUMS").unlink()
    with pytest.raises(ds.ChecksumError, match="SHA256SUMS is missing"):
        ds.Vowels(root=root)


def test_repair_in_the_checkout_is_git_checkout(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shipped = copy_datasets(repo / "datasets")
    monkeypatch.setattr(manifest, "checkout_datasets", lambda: shipped.resolve())
    (shipped / ds.Vowels.RELPATH).write_text("speaker\n1\n")
    repair = f"restore it with: git -C {repo.resolve()} checkout -- datasets/vowels/peterson_barney_1952.csv"
    with pytest.raises(ds.ChecksumError, match=re.escape(repair) + "$"):
        ds.Vowels(root=shipped)


def test_each_file_is_hashed_once_per_process_and_verify_rechecks(root, monkeypatch):
    calls = []
    real = checksums.sha256_file
    monkeypatch.setattr(checksums, "sha256_file", lambda path: calls.append(Path(path).name) or real(path))
    train = ds.Vowels(root=root)
    ds.Vowels(root=root, split="test", features="f1")
    for i in range(5):
        train[i]
    assert calls == ["peterson_barney_1952.csv"]
    # A file changed after the first check: loaders trust the cache, verify() looks again.
    (root / ds.Vowels.RELPATH).write_text("speaker\n1\n")
    with pytest.raises(ds.ChecksumError, match="corrupted or modified"):
        ds.verify("vowels", root)
    assert len(calls) == 2


@pytest.mark.parametrize("cls", HOUSING, ids=lambda c: c.NAME)
def test_no_house_is_in_both_splits(cls):
    """Saratoga lists 7 houses twice (every column equal); both copies must land in the same split."""
    whole = cls(split="all")
    table = whole.load_table(cls.HEADER)
    line = lambda i: tuple(column[i] for column in table.values())  # noqa: E731
    train, test = ({line(i) for i in cls(split=split).rows.tolist()} for split in ("train", "test"))
    assert not train & test
    assert len(cls(split="train")) + len(cls(split="test")) == len(whole)
