"""House prices: the notes' running regression example (Ma §2), on three real data sets."""

from pathlib import Path
from typing import Callable, Iterable, Optional, Tuple, Union

import numpy as np
import torch

from cs229nn.datasets.splits import TEST_FRACTION, held_out
from cs229nn.datasets.tabular import TabularDataset, check_names, encode_columns, train_statistics
from cs229nn.hyperparameters import flag


class HousingDataset(TabularDataset):
    r"""Predict a house's price (or any other numeric column) from named columns.

    The notes' housing example: one feature (size) for the ReLU "kink"
    h_θ(x) = max(w x + b, 0) (Ma §2, eq. 2.1, Fig. 1), several features (size,
    bedrooms, zip code, wealth) for the two-layer network (Ma §2, Fig. 2).

    **Split.** A fixed seeded permutation of the rows (:mod:`cs229nn.datasets.splits`)
    holds out a quarter of the houses for ``"test"``; ``"all"`` is every house.

    **Columns.** Numbers as they are; ``yes``/``no`` columns as 1/0; text columns
    one-hot, one column ``"name=level"`` per level (``feature_names`` lists them).

    Args:
        root: datasets folder (default ``$CS229NN_DATA`` or the checkout's ``datasets/``).
        split: ``"train"``, ``"test"`` or ``"all"``.
        features: column names for x, in this order; default ``DEFAULT_FEATURES``
            (all columns but the target where that is ``None``).
        target: column name(s) of y; ``"price"`` by default. A target cannot also be a feature.
        standardize: x ← (x − μ) / σ with μ, σ (``mean``, ``std``) of the train split.
        standardize_target: y ← (y − μ_y) / σ_y with ``target_mean``, ``target_std`` of
            the train split; a prediction ŷ maps back to dollars as ŷ σ_y + μ_y.
        split_seed: seed of the row permutation.
        transform, target_transform: applied to x and y in ``__getitem__``.
        dtype: floating dtype of ``data`` and ``targets``.

    Shape:
        - ``data``: (n, d); ``targets``: (n, k) for k target columns (k = 1 for price),
          the shape of the output o of a network with k outputs, as the squared loss
          J = ½‖o − y‖² (Ma eq. 3.4) expects.
        - ``dataset[i]``: x (d,), y (k,).
    """

    HEADER: Optional[Tuple[str, ...]] = None  # column names, for a file without a header line
    DEFAULT_FEATURES: Optional[Tuple[str, ...]] = None

    def __init__(
        self,
        root: Optional[Union[str, Path]] = None,
        split: str = "train",
        features: Optional[Iterable[str]] = None,
        target: Union[str, Iterable[str]] = "price",
        standardize: bool = False,
        standardize_target: bool = False,
        split_seed: int = 0,
        transform: Optional[Callable] = None,
        target_transform: Optional[Callable] = None,
        dtype: torch.dtype = torch.float32,
    ) -> None:
        super().__init__(root, split, split_seed, transform, target_transform, dtype)
        owner = type(self).__name__
        flag(standardize, f"{owner}(standardize)")
        flag(standardize_target, f"{owner}(standardize_target)")
        table = self.load_table(self.HEADER)
        self.target_names = check_names("column", target, tuple(table), owner)
        candidates = tuple(name for name in table if name not in self.target_names)
        if features is None:
            features = [name for name in self.DEFAULT_FEATURES or candidates if name not in self.target_names]
        features = (features,) if isinstance(features, str) else tuple(features)
        for name in features:
            if name in self.target_names:
                raise ValueError(f"{owner}: {name!r} is the target, so it cannot be a feature too (x would contain y)")
        self.features = check_names("column", features, candidates, owner)

        target_columns, y = encode_columns(table, self.target_names)
        if target_columns != self.target_names:
            raise ValueError(f"{owner}: a target must be a numeric or yes/no column, got {self.target_names}")
        # Split by row content, not row number: Saratoga lists a few houses twice, and a
        # house in both splits would leak its price from train into test.
        rows = list(zip(*table.values()))
        test_rows = held_out(rows, split_seed, TEST_FRACTION)
        in_test = np.array([row in test_rows for row in rows], dtype=bool)
        target_mean, target_std = train_statistics(y, ~in_test)
        self.target_mean = torch.tensor(target_mean, dtype=dtype)
        self.target_std = torch.tensor(target_std, dtype=dtype)
        if standardize_target:
            y = (y - target_mean) / target_std
        self.set_data(
            *encode_columns(table, self.features),
            torch.tensor(y, dtype=dtype),
            in_test,
            standardize=standardize,
        )
        self.standardized_target = standardize_target

    def extra_repr(self) -> str:
        how = " (standardized with the train split's mean and std)" if self.standardized_target else ""
        return "\n".join(
            [super().extra_repr(), f"Target: {', '.join(self.target_names)}{how}", f"Split seed: {self.split_seed}"]
        )


class Portland(HousingDataset):
    """47 Portland houses of the CS229 notes (ex1data2): ``livingArea`` (sq ft), ``bedrooms``, ``price`` (USD).

    The notes' one-feature example is ``Portland(features="livingArea")``; the
    two-feature one is the default. 35 train, 12 test houses. See
    :class:`HousingDataset` for the arguments.
    """

    NAME = "portland"
    RELPATH = "portland/portland_housing_ex1data2.txt"
    SUMMARY = "47 houses; livingArea (sq ft), bedrooms -> price (USD); the CS229 notes' table"
    HEADER = ("livingArea", "bedrooms", "price")


class Saratoga(HousingDataset):
    """1728 Saratoga County (NY) houses, 2006: the notes' size / bedrooms / zip code / wealth example.

    Default features: ``livingArea`` (size), ``bedrooms``, ``landValue`` (stands in
    for the zip code) and ``pctCollege`` (share of college graduates in the
    neighbourhood, for wealth). Other columns: ``lotSize``, ``age``, ``fireplaces``,
    ``bathrooms``, ``rooms``, ``heating``, ``fuel``, ``sewer`` (one-hot),
    ``waterfront``, ``newConstruction``, ``centralAir`` (yes/no → 1/0).
    1296 train, 432 test houses. See :class:`HousingDataset` for the arguments.
    """

    NAME = "saratoga"
    RELPATH = "saratoga/saratoga_houses_2006.csv"
    SUMMARY = "1728 houses, 15 columns (livingArea, bedrooms, landValue, pctCollege, ...) -> price (USD)"
    DEFAULT_FEATURES = ("livingArea", "bedrooms", "landValue", "pctCollege")


class Windsor(HousingDataset):
    """546 Windsor (Ontario) houses, 1987: ``lotsize``, ``bedrooms``, ``bathrms``, ``stories``, amenity flags, ``prefarea``.

    Default features: all 11 columns but ``price`` (yes/no flags → 1/0).
    410 train, 136 test houses. See :class:`HousingDataset` for the arguments.
    """

    NAME = "windsor"
    RELPATH = "windsor/windsor_housing_1987.csv"
    SUMMARY = "546 houses, 11 columns (lotsize, bedrooms, bathrms, stories, prefarea, ...) -> price (CAD)"
