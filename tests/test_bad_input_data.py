"""Data a TA has edited, with the checksum regenerated so that it passes: malformed files
fail with the file, the line, the column and what was expected; nothing loads silently wrong.

Before: a row cut short raised ``IndexError``; an empty price cell turned the price
column into one-hot columns; a column constant at 0.1 standardized to ±1 (its
computed std is ~1e-17, not 0).
"""

import hashlib
import re
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
import torch

import cs229nn.datasets as ds
from cs229nn.datasets import manifest
from cs229nn.datasets.tabular import train_statistics
from test_datasets import copy_datasets


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_datasets(tmp_path / "datasets")


def edit(root: Path, relpath: str, change: Callable[[str], str]) -> Path:
    """Rewrite ``root/relpath`` with ``change`` and regenerate its SHA256SUMS line, as a TA would."""
    path = root / relpath
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    sums = root / manifest.MANIFEST
    lines = [f"{digest}  {relpath}" if line.endswith(f"  {relpath}") else line for line in sums.read_text().splitlines()]
    sums.write_text("\n".join(lines) + "\n")
    return path


def replace_line(number: int, change: Callable[[str], str]) -> Callable[[str], str]:
    """Change line ``number`` (1-based) of a text."""

    def apply(text: str) -> str:
        lines = text.split("\n")
        lines[number - 1] = change(lines[number - 1])
        return "\n".join(lines)

    return apply


def set_cell(number: int, column: int, value: str) -> Callable[[str], str]:
    return replace_line(number, lambda line: ",".join(value if j == column else cell for j, cell in enumerate(line.split(","))))


SARATOGA, PORTLAND, VOWELS, WINDSOR = ds.Saratoga, ds.Portland, ds.Vowels, ds.Windsor
SARATOGA_NAMES = "price, lotSize, age, landValue, livingArea, pctCollege, bedrooms, fireplaces, bathrooms, rooms, heating, fuel, sewer, waterfront, newConstruction, centralAir"

EDITS = {
    "row cut mid-row": (SARATOGA, lambda text: text[: text.index("\n", 5000) - 20] + "\n", r"line \d+: expected 16 cells \(" + re.escape(SARATOGA_NAMES) + r"\), got \d+; the row is cut short"),
    "row cut, no header": (PORTLAND, replace_line(5, lambda line: line.rsplit(",", 1)[0]), "line 5: expected 3 cells (livingArea, bedrooms, price), got 2; the row is cut short"),
    "extra cell": (WINDSOR, replace_line(3, lambda line: line + ",7"), "line 3: expected 12 cells (price, lotsize, bedrooms"),
    "empty numeric cell": (SARATOGA, set_cell(3, 0, ""), "line 3, column 1 ('price'): expected a finite number, like the rest of the column, got an empty cell"),
    "empty feature cell": (VOWELS, set_cell(10, 9, " "), "line 10, column 10 ('f1'): expected a finite number, like the rest of the column, got an empty cell"),
    "text in numbers": (PORTLAND, set_cell(2, 0, "16OO"), "line 2, column 1 ('livingArea'): expected a finite number, like the rest of the column, got '16OO'"),
    "nan in numbers": (WINDSOR, set_cell(4, 1, "nan"), "line 4, column 2 ('lotsize'): expected a finite number, like the rest of the column, got 'nan'"),
    "not yes/no": (WINDSOR, set_cell(6, 5, "maybe"), "line 6, column 6 ('driveway'): expected yes or no, like the rest of the column, got 'maybe'"),
    "empty text cell": (SARATOGA, set_cell(7, 10, ""), "line 7, column 11 ('heating'): expected a non-empty text, like the rest of the column, got an empty cell"),
    "first problem wins": (SARATOGA, lambda text: set_cell(9, 1, "x")(set_cell(8, 4, "")(text)), "line 8, column 5 ('livingArea')"),
    "repeated column name": (WINDSOR, replace_line(1, lambda line: line.replace("bathrms", "bedrooms")), "line 1: column names must differ, got 'bedrooms' twice"),
    "empty file": (VOWELS, lambda text: "", "is empty; expected a header line with the column names"),
}


@pytest.mark.parametrize("case", EDITS, ids=str)
def test_malformed_file_names_file_line_column_and_what_was_expected(root, case):
    cls, change, message = EDITS[case]
    path = edit(root, cls.RELPATH, change)
    pattern = message if message.startswith("line \\d") else re.escape(message)
    with pytest.raises(ds.MalformedDataError, match=re.escape(str(path)) + ".*" + pattern if "line" in message else pattern):
        cls(root=root)


def test_blank_lines_are_skipped_and_rows_keep_their_meaning(root):
    """An editor's trailing or doubled blank line is not data (pandas skips blank lines too)."""
    edit(root, PORTLAND.RELPATH, lambda text: text.replace("\n", "\n\n", 3) + "\n\n")
    edited, shipped = PORTLAND(root=root, split="all"), PORTLAND(split="all")
    assert torch.equal(edited.data, shipped.data) and torch.equal(edited.targets, shipped.targets)


def test_a_constant_column_standardizes_to_exactly_zero(root):
    """Every house at pctCollege = 0.1: std over the train rows computes to ~1e-17, and x/std was ±1."""
    edit(root, SARATOGA.RELPATH, lambda text: "\n".join(
        line if i == 0 or not line else set_cell(1, 5, "0.1")(line) for i, line in enumerate(text.split("\n"))
    ))
    for split in ("train", "test"):
        houses = SARATOGA(root=root, split=split, features=("pctCollege", "livingArea"), standardize=True, dtype=torch.float64)
        assert torch.equal(houses.data[:, 0], torch.zeros(len(houses), dtype=torch.float64))
        assert houses.std[0] == 1 and houses.mean[0] == 0.1
    values = np.full((35, 1), 0.1)
    assert values.std() > 0  # the trap: not exactly zero
    mean, std = train_statistics(values, np.ones(35, dtype=bool))
    assert std.tolist() == [1.0] and ((values - mean) / std == 0).all()


def test_repair_command_never_copies_from_a_file_that_does_not_exist(tmp_path, monkeypatch, root):
    """The checkout itself lacks the file (deleted): `cp` from there cannot work, so it is not suggested."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shipped = copy_datasets(repo / "datasets")
    (shipped / WINDSOR.RELPATH).unlink()
    monkeypatch.setattr(manifest, "checkout_datasets", lambda: shipped.resolve())
    (root / WINDSOR.RELPATH).unlink()
    with pytest.raises(ds.ChecksumError) as err:
        WINDSOR(root=root)
    assert "cp " not in str(err.value)
    assert f"copy datasets/{WINDSOR.RELPATH} from the cs229nn repository to {(root / WINDSOR.RELPATH).resolve()}" in str(err.value)
