"""Vowels(normalize="speaker"): Lobanov z-scores within each speaker, from that speaker's tokens only."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cs229nn.datasets import Vowels
from cs229nn.datasets.vowels import lobanov


def per_speaker_moments(dataset: Vowels):
    """(max |mean|, max |std − 1|) of each column over each speaker's rows."""
    worst_mean = worst_std = 0.0
    for speaker in dataset.speakers.unique():
        x = dataset.data[dataset.speakers == speaker].double()
        worst_mean = max(worst_mean, float(x.mean(0).abs().max()))
        worst_std = max(worst_std, float((x.std(0, unbiased=False) - 1).abs().max()))
    return worst_mean, worst_std


@pytest.mark.parametrize("split", ["train", "test", "all"])
def test_every_speaker_has_mean_0_and_std_1_in_every_formant(split):
    """Kills: normalizing by the split's (not the speaker's) statistics, or forgetting to divide by σ_s."""
    data = Vowels(split=split, normalize="speaker", dtype=torch.float64)
    mean, std = per_speaker_moments(data)
    assert mean < 1e-12 and std < 1e-12


def test_values_are_the_speakers_z_scores_of_the_hz_values():
    """Kills: the sample std (ddof=1) instead of the population std, or rows paired with the wrong speaker."""
    hz = Vowels(split="test", features=("f1", "f2"), dtype=torch.float64)
    z = Vowels(split="test", features=("f1", "f2"), normalize="speaker", dtype=torch.float64)
    speaker = int(hz.speakers[0])
    x = hz.data[hz.speakers == speaker]
    expected = (x - x.mean(0)) / x.std(0, unbiased=False)
    torch.testing.assert_close(z.data[z.speakers == speaker], expected, rtol=1e-12, atol=1e-12)


def test_a_speakers_values_do_not_depend_on_the_split_or_other_speakers():
    """No leakage: a test speaker's normalized tokens are the same whether loaded with the test split or all data."""
    test = Vowels(split="test", normalize="speaker", dtype=torch.float64)
    everything = Vowels(split="all", normalize="speaker", dtype=torch.float64)
    position = {int(r): i for i, r in enumerate(everything.rows)}
    torch.testing.assert_close(test.data, everything.data[[position[int(r)] for r in test.rows]], rtol=0, atol=0)


def test_statistics_use_the_chosen_vowels_only():
    """With vowels=("iy", "aa") each speaker's 4 tokens are z-scored among themselves."""
    two = Vowels(split="all", vowels=("iy", "aa"), normalize="speaker", dtype=torch.float64)
    mean, std = per_speaker_moments(two)
    assert mean < 1e-12 and std < 1e-12
    assert len(two) == 76 * 4


@settings(max_examples=30, deadline=None)
@given(scale=st.floats(0.5, 2.0), shift=st.floats(-300, 300), seed=st.integers(0, 2**16))
def test_lobanov_removes_a_speakers_scale_and_offset(scale, shift, seed):
    """A longer vocal tract scales a speaker's formants; Lobanov values are unchanged by x → a·x + c (a > 0)."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(200, 3000, size=(12, 2))
    speakers = np.repeat([3, 7, 9], 4)
    moved = values.copy()
    moved[speakers == 7] = scale * moved[speakers == 7] + shift
    np.testing.assert_allclose(lobanov(moved, speakers), lobanov(values, speakers), rtol=1e-9, atol=1e-9)


def test_a_formant_constant_within_a_speaker_becomes_zero_not_nan():
    assert np.array_equal(lobanov(np.array([[500.0], [500.0]]), np.array([1, 1])), np.zeros((2, 1)))


def test_unknown_normalization_and_standardize_together_are_refused():
    with pytest.raises(ValueError, match="unknown normalization 'speakers'; valid normalizations: speaker"):
        Vowels(normalize="speakers")
    with pytest.raises(ValueError, match="standardize=True or normalize='speaker', not both"):
        Vowels(normalize="speaker", standardize=True)


def test_speaker_types_follow_the_file():
    """Speakers 1–33 are men, 34–61 women, 62–76 children (Peterson & Barney's numbering)."""
    data = Vowels(split="all")
    expected = ["m" if s <= 33 else "w" if s <= 61 else "c" for s in data.speakers.tolist()]
    assert list(data.speaker_types) == expected
