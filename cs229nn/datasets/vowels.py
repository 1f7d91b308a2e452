"""Peterson & Barney (1952) vowels: which of 10 vowels was spoken, from its formants."""

from pathlib import Path
from typing import Callable, Iterable, Optional, Union

import numpy as np
import torch

from cs229nn.datasets.splits import TEST_FRACTION, held_out
from cs229nn.datasets.tabular import TabularDataset, check_choice, check_names, encode_columns
from cs229nn.hyperparameters import flag

NORMALIZATIONS = ("speaker",)


def lobanov(values: np.ndarray, speakers: np.ndarray) -> np.ndarray:
    r"""Per-speaker z-scores (Lobanov 1971): x ← (x − μ_s) / σ_s within each speaker s.

    μ_s and σ_s (population std) are taken over speaker s's own rows only, column
    by column, so normalizing a test speaker needs no labels and nothing from any
    other speaker. A column constant within a speaker gets σ_s = 1.

    Shape: values (n, d), speakers (n,) -> (n, d).
    """
    out = np.empty_like(values, dtype=np.float64)
    for speaker in np.unique(speakers):
        rows = speakers == speaker
        mean, std = values[rows].mean(axis=0), values[rows].std(axis=0)
        out[rows] = (values[rows] - mean) / np.where(std > 0, std, 1.0)
    return out


class Vowels(TabularDataset):
    r"""Vowel formants of 76 speakers: predict the vowel y from x = (F0, F1, F2, F3) in Hz.

    The lecture slides' "2-layer neural network trained to distinguish vowel sounds
    using 2 formants" is ``Vowels(features=("f1", "f2"))``: a K-class problem with a
    softmax output and cross-entropy loss. Each of 76 speakers (33 men, 28 women,
    15 children) said each of 10 /hVd/ words twice: 1520 tokens, 152 per vowel.

    **Split by speaker.** Men, women and children sit in shifted regions of the
    formant plane, and one speaker's two tokens are near-duplicates, so a random
    split of tokens would leak. Instead, within each group (men / women /
    children) a quarter of the speakers — 8 men, 7 women, 4 children, 19 of 76,
    380 tokens — is held out for ``"test"``, chosen by the seeded permutation of
    :mod:`cs229nn.datasets.splits`; no speaker is in both splits. ``"all"`` is every
    token. Every vowel has the same number of tokens in each split.

    Args:
        root: datasets folder (default ``$CS229NN_DATA`` or the checkout's ``datasets/``).
        split: ``"train"``, ``"test"`` or ``"all"``.
        features: formants to use, in this order, from ``("f0", "f1", "f2", "f3")``.
        vowels: ARPAbet labels of the classes, e.g. ``("iy", "aa")`` for a two-vowel
            problem; class k is ``vowels[k]``. Default: all 10 in the file's order
            ``iy ih eh ae ah aa ao uh uw er`` (heed hid head had hud hod hawed hood
            who'd heard).
        standardize: x ← (x − μ) / σ with μ, σ of the train split (of the chosen vowels).
        normalize: ``"speaker"``: Lobanov normalization, z-scores of each formant within
            each speaker (:func:`lobanov`), with μ_s, σ_s over that speaker's tokens of
            the chosen vowels. It removes what differs between talkers (vocal-tract
            length: children's formants are higher than men's) and keeps where a
            vowel sits in the speaker's own vowel space. Legitimate at test time: it
            uses the test speaker's unlabeled tokens, never a label. Default None (Hz).
        split_seed: seed of the speaker split.
        transform, target_transform: applied to x and y in ``__getitem__``.
        dtype: floating dtype of ``data``.

    Shape:
        - ``data``: (n, d) with d = ``len(features)``; ``targets``: (n,) long in {0, …, K−1}.
        - ``dataset[i]``: x (d,), y () — a DataLoader batch is (B, d), (B,).

    Attributes: ``classes``, ``class_to_idx``, ``speakers`` ((n,) speaker numbers),
    ``speaker_types`` (n strings: ``"m"`` man, ``"w"`` woman, ``"c"`` child),
    and those of :class:`~cs229nn.datasets.tabular.TabularDataset` (``mean``, ``std``, ``rows``).

    Example::

        >>> train = Vowels(features=("f1", "f2"), standardize=True)
        >>> test = Vowels(split="test", features=("f1", "f2"), standardize=True)
        >>> train.data.shape, test.data.shape, bool((test.mean == train.mean).all())
        (torch.Size([1140, 2]), torch.Size([380, 2]), True)
    """

    NAME = "vowels"
    RELPATH = "vowels/peterson_barney_1952.csv"
    SUMMARY = "1520 tokens = 76 speakers × 10 vowels × 2; x = F0, F1, F2, F3 (Hz); y = vowel (10 classes)"
    FEATURES = ("f0", "f1", "f2", "f3")

    def __init__(
        self,
        root: Optional[Union[str, Path]] = None,
        split: str = "train",
        features: Iterable[str] = FEATURES,
        vowels: Optional[Iterable[str]] = None,
        standardize: bool = False,
        normalize: Optional[str] = None,
        split_seed: int = 0,
        transform: Optional[Callable] = None,
        target_transform: Optional[Callable] = None,
        dtype: torch.dtype = torch.float32,
    ) -> None:
        super().__init__(root, split, split_seed, transform, target_transform, dtype)
        flag(standardize, "Vowels(standardize)")
        features = check_names("feature", features, self.FEATURES, "Vowels")
        if normalize is not None:
            check_choice("normalization", normalize, NORMALIZATIONS, "Vowels")
            if standardize:
                raise ValueError(
                    "Vowels: give standardize=True or normalize='speaker', not both "
                    "(per-speaker z-scores already have mean 0 and std 1 over the train split)"
                )
        self.normalize = normalize
        table = self.load_table()
        in_file_order = sorted(zip(map(int, table["vowel_index"]), table["vowel"]))
        all_vowels = tuple(dict.fromkeys(label for _, label in in_file_order))
        self.classes = list(check_names("vowel", all_vowels if vowels is None else vowels, all_vowels, "Vowels"))
        if len(self.classes) < 2:
            raise ValueError(f"Vowels: a classifier needs at least 2 vowels, got {self.classes}")
        self.class_to_idx = {vowel: k for k, vowel in enumerate(self.classes)}

        speakers = np.array(table["speaker"], dtype=np.int64)
        test_speakers = held_out(
            speakers.tolist(), split_seed, TEST_FRACTION, strata=dict(zip(speakers.tolist(), table["speaker_type"]))
        )
        labels = torch.tensor([self.class_to_idx.get(vowel, -1) for vowel in table["vowel"]])
        usable = labels.numpy() >= 0
        names, values = encode_columns(table, features)
        if normalize == "speaker":  # over the chosen vowels' tokens only: rows the dataset leaves out play no part
            values = values.copy()
            values[usable] = lobanov(values[usable], speakers[usable])
        self.set_data(
            names,
            values,
            labels,
            np.isin(speakers, sorted(test_speakers)),
            standardize=standardize,
            usable=usable,
        )
        self.speakers = torch.from_numpy(speakers)[self.rows]
        self.speaker_types = tuple(table["speaker_type"][int(r)] for r in self.rows)

    def extra_repr(self) -> str:
        return "\n".join(
            [
                super().extra_repr(),
                *(["Normalized per speaker (Lobanov z-scores of each formant within each speaker)"] if self.normalize else []),
                f"Classes: {', '.join(self.classes)}",
                f"Speakers: {len(self.speakers.unique())} (split by speaker, split_seed={self.split_seed})",
            ]
        )
