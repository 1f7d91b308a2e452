"""Tabular datasets: named columns of a shipped CSV file as float tensors, torchvision-style.

:class:`TabularDataset` follows the conventions of
``torchvision.datasets.VisionDataset`` (``root``, ``split``, ``transform``,
``target_transform``, ``__getitem__ -> (x, y)``, the same ``__repr__`` layout)
without depending on torchvision. The whole split is held in two tensors,
``data`` (n, d) and ``targets``, so a lab can move it to a device at once
(``dataset.to(device)``) and write the notes' vectorized ``X`` (rows are
examples, Ma §4) as ``dataset.data``.
"""

import csv
import math
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from torch.utils.data import Dataset

from cs229nn.datasets.manifest import shipped_file
from cs229nn.datasets.paths import existing_root
from cs229nn.hyperparameters import float_dtype

SPLITS = ("train", "test", "all")
YES_NO = {"yes": 1.0, "no": 0.0}


def check_choice(kind: str, value: str, valid: Sequence[str], owner: str) -> str:
    if value not in valid:
        raise ValueError(f"{owner}: unknown {kind} {value!r}; valid {kind}s: {', '.join(map(str, valid))}")
    return value


def check_names(kind: str, names: Union[str, Iterable[str]], valid: Sequence[str], owner: str) -> Tuple[str, ...]:
    """``names`` as a tuple (a single string is one name), each in ``valid``, none twice, at least one."""
    names = (names,) if isinstance(names, str) else tuple(names)
    if not names:
        raise ValueError(f"{owner}: give at least one {kind}; valid {kind}s: {', '.join(valid)}")
    for name in names:
        check_choice(kind, name, valid, owner)
    if len(set(names)) != len(names):
        raise ValueError(f"{owner}: {kind}s {names} name one {kind} twice")
    return names


class MalformedDataError(ValueError):
    """A data file (whose checksum matched) that is not the table it should be: names the file, line and column."""


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _column_problem(path: Path, name: str, j: int, cells: Sequence[str], lines: Sequence[int]) -> Optional[Tuple[int, str]]:
    """(line, message) of the first cell of column ``j`` that does not fit the rest of the column, or None.

    A column is numeric when most of its cells are numbers, yes/no when most are
    yes or no; then every cell must be. A text column is anything else, but no
    cell may be empty (an empty cell would become a level of its own).
    """
    filled = [cell.strip() for cell in cells if cell.strip()]
    if sum(map(_is_number, filled)) * 2 > len(filled):
        expected, fits = "a finite number", lambda cell: _is_number(cell) and math.isfinite(float(cell))
    elif sum(cell.lower() in YES_NO for cell in filled) * 2 > len(filled):
        expected, fits = "yes or no", lambda cell: cell.lower() in YES_NO
    else:
        expected, fits = "a non-empty text", bool
    for cell, line in zip(cells, lines):
        if not fits(cell.strip()):
            got = "an empty cell" if not cell.strip() else repr(cell)
            return line, f"{path}, line {line}, column {j + 1} ({name!r}): expected {expected}, like the rest of the column, got {got}"
    return None


def read_csv(path: Union[str, Path], header: Optional[Sequence[str]] = None) -> Dict[str, List[str]]:
    """Column name -> the column's cells as strings, in file order; blank lines are skipped.

    ``header`` names the columns of a file without a header line.

    Raises:
        MalformedDataError: a row with too few or too many cells, an empty cell, a cell that
            is not a number (or yes/no) in a column of numbers (or yes/no), a repeated column
            name; the message names the file, the line and the column.
    """
    path = Path(path)
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        rows = [(reader.line_num, row) for row in reader if row]
    if header is None:
        if not rows:
            raise MalformedDataError(f"{path} is empty; expected a header line with the column names")
        names = rows.pop(0)[1]
    else:
        names = list(header)
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise MalformedDataError(f"{path}, line 1: column names must differ, got {', '.join(map(repr, repeated))} twice")
    for line, row in rows:
        if len(row) != len(names):
            raise MalformedDataError(
                f"{path}, line {line}: expected {len(names)} cells ({', '.join(names)}), got {len(row)}"
                + ("; the row is cut short" if len(row) < len(names) else "")
            )
    lines = [line for line, _ in rows]
    table = {name: [row[j] for _, row in rows] for j, name in enumerate(names)}
    problems = [_column_problem(path, name, j, cells, lines) for j, (name, cells) in enumerate(table.items())]
    problems = [problem for problem in problems if problem is not None]
    if problems:
        raise MalformedDataError(min(problems)[1])
    return table


def encode_column(name: str, cells: Sequence[str]) -> Tuple[List[str], np.ndarray]:
    """One CSV column as numeric columns: ``(names, values (n, k))``.

    Numbers stay numbers, ``yes``/``no`` (any case) become 1/0 (k = 1), and any
    other text is one-hot encoded with one column ``"name=level"`` per level,
    levels sorted, taken from the whole file so that every split has the same columns.
    """
    try:
        return [name], np.array(cells, dtype=np.float64)[:, None]
    except ValueError:
        pass
    lowered = [cell.lower() for cell in cells]
    if set(lowered) <= set(YES_NO):
        return [name], np.array([YES_NO[cell] for cell in lowered])[:, None]
    levels = sorted(set(cells))
    return [f"{name}={level}" for level in levels], (np.array(cells)[:, None] == np.array(levels)[None, :]).astype(np.float64)


def encode_columns(table: Dict[str, List[str]], names: Sequence[str]) -> Tuple[Tuple[str, ...], np.ndarray]:
    """:func:`encode_column` of each of ``names``, side by side."""
    encoded = [encode_column(name, table[name]) for name in names]
    return tuple(n for names_k, _ in encoded for n in names_k), np.concatenate([values for _, values in encoded], axis=1)


def train_statistics(values: np.ndarray, train: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Per-column mean and (population) standard deviation over the training rows only.

    A column constant over the training rows gets mean = that value and std = 1, so
    standardizing leaves it at exactly 0. Its computed std is not always 0: the
    mean of 35 copies of 0.1 is off in the last bit, so the std comes out ~1e-17
    and dividing by it would turn the constant into ±1.
    """
    rows = values[train]
    constant = (rows == rows[:1]).all(axis=0)
    mean = np.where(constant, rows[0], rows.mean(axis=0))
    std = np.where(constant, 1.0, rows.std(axis=0))
    return mean, std


class TabularDataset(Dataset):
    """Base of the tabular datasets: one shipped CSV file, a fixed train/test split, named features.

    Subclasses load their file with :meth:`load_table` and hand the encoded columns
    to :meth:`set_data` (the ``(names, values)`` of :func:`encode_columns`). Attributes after construction:

    * ``data``: (n, d) float tensor of the split's features x^(i) (rows are examples);
    * ``targets``: the split's labels y^(i);
    * ``feature_names``: the d column names of ``data``;
    * ``mean``, ``std``: (d,) in ``dtype``, statistics of the features over the **train** split,
      the same for every split (``data`` is ``(raw − mean) / std`` if ``standardize``);
    * ``rows``: (n,) the examples' row numbers in the file (0-based, header excluded).
    """

    NAME: str = ""
    RELPATH: str = ""
    SUMMARY: str = ""

    def __init__(
        self,
        root: Optional[Union[str, Path]],
        split: str,
        split_seed: int,
        transform: Optional[Callable],
        target_transform: Optional[Callable],
        dtype: torch.dtype,
    ) -> None:
        self.root = existing_root(root)
        self.split = check_choice("split", split, SPLITS, type(self).__name__)
        self.split_seed = split_seed
        self.transform = transform
        self.target_transform = target_transform
        self.dtype = float_dtype(dtype)

    def load_table(self, header: Optional[Sequence[str]] = None) -> Dict[str, List[str]]:
        """The shipped file's columns, after verifying its sha256 (once per process)."""
        return read_csv(shipped_file(self.RELPATH, self.root), header)

    def set_data(
        self,
        feature_names: Sequence[str],
        features: np.ndarray,
        targets: torch.Tensor,
        in_test: np.ndarray,
        *,
        standardize: bool,
        usable: Optional[np.ndarray] = None,
    ) -> None:
        """Select this split's rows of the whole file and standardize with train statistics.

        Args:
            feature_names: the d column names.
            features: (N, d) float64 features of all N rows of the file.
            targets: (N, ...) targets of all rows.
            in_test: (N,) bool, True for the rows of the test split.
            standardize: replace x by (x − mean) / std, mean and std of the train rows.
            usable: (N,) bool, rows the dataset uses at all (e.g. the chosen vowels); default all.
        """
        usable = np.ones(len(features), dtype=bool) if usable is None else usable
        train = usable & ~in_test
        keep = {"train": train, "test": usable & in_test, "all": usable}[self.split]
        mean, std = train_statistics(features, train)
        x = (features - mean) / std if standardize else features
        self.rows = torch.from_numpy(np.flatnonzero(keep))
        self.data = torch.tensor(x[keep], dtype=self.dtype)
        self.targets = targets[self.rows]
        self.feature_names = tuple(feature_names)
        self.mean = torch.tensor(mean, dtype=self.dtype)
        self.std = torch.tensor(std, dtype=self.dtype)
        self.standardized = standardize

    def __getitem__(self, index: int) -> Tuple[Any, Any]:
        x, y = self.data[index], self.targets[index]
        if self.transform is not None:
            x = self.transform(x)
        if self.target_transform is not None:
            y = self.target_transform(y)
        return x, y

    def __len__(self) -> int:
        return self.data.shape[0]

    def to(self, device: Union[str, torch.device]) -> "TabularDataset":
        """Move every tensor of the dataset to ``device``, in place; returns ``self``."""
        for name, value in vars(self).items():
            if isinstance(value, torch.Tensor):
                setattr(self, name, value.to(device))
        return self

    def extra_repr(self) -> str:
        how = " (standardized with the train split's mean and std)" if self.standardized else ""
        return f"Features: {', '.join(self.feature_names)}{how}"

    def __repr__(self) -> str:
        body = [f"Number of datapoints: {len(self)}", f"Root location: {self.root}", f"Split: {self.split}"]
        body += self.extra_repr().splitlines()
        if self.transform is not None:
            body.append(f"Transform: {self.transform!r}")
        if self.target_transform is not None:
            body.append(f"Target transform: {self.target_transform!r}")
        return "\n".join([f"Dataset {type(self).__name__}"] + ["    " + line for line in body])
