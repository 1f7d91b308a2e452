"""Algorithms 1 and 2: what each step samples, for any dataset."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.utils.data import TensorDataset

from cs229nn.sampling import MiniBatchSampler, UniformSampler, minibatch_loader, sgd_loader


def test_uniform_sampler_draws_with_replacement_uniformly():
    n, draws = 10, 20_000
    indices = list(UniformSampler(n, num_samples=draws, generator=torch.Generator().manual_seed(0)))
    assert len(indices) == draws and min(indices) == 0 and max(indices) == n - 1
    counts = torch.bincount(torch.tensor(indices), minlength=n).double()
    # Pearson's χ² with 9 degrees of freedom: 27.9 is its 0.999 quantile.
    chi2 = float(((counts - draws / n) ** 2 / (draws / n)).sum())
    assert chi2 < 27.9
    # With replacement: n draws from n examples almost surely repeat one (P(no repeat) = n!/n^n).
    assert len(set(list(UniformSampler(n, generator=torch.Generator().manual_seed(1))))) < n


@given(n=st.integers(1, 30), batch_size=st.integers(1, 30), seed=st.integers(0, 1000))
def test_minibatch_sampler_draws_b_distinct_indices_per_batch(n, batch_size, seed):
    if batch_size > n:
        with pytest.raises(ValueError, match="B ≤ n"):
            MiniBatchSampler(n, batch_size)
        return
    sampler = MiniBatchSampler(n, batch_size, generator=torch.Generator().manual_seed(seed))
    batches = list(sampler)
    assert len(batches) == len(sampler) == -(-n // batch_size)
    for batch in batches:
        assert len(batch) == batch_size == len(set(batch))  # without replacement
        assert all(0 <= j < n for j in batch)


def test_minibatch_sampler_is_uniform_over_examples_and_batches_are_independent():
    n, B = 6, 3
    sampler = MiniBatchSampler(n, B, num_batches=6000, generator=torch.Generator().manual_seed(0))
    batches = list(sampler)
    counts = torch.bincount(torch.tensor(batches).flatten(), minlength=n).double()
    expected = 6000 * B / n
    assert float(((counts - expected) ** 2 / expected).sum()) < 20.5  # χ², 5 d.o.f., 0.999 quantile
    # Independent batches: the same example can appear in two consecutive batches
    # (an epoch of shuffle-then-split never repeats an example).
    assert any(set(a) & set(b) for a, b in zip(batches[::2], batches[1::2]))


def test_generators_make_draws_reproducible():
    def draws(seed):
        return list(MiniBatchSampler(20, 4, generator=torch.Generator().manual_seed(seed)))

    assert draws(3) == draws(3) and draws(3) != draws(4)


def test_loaders_work_with_tensor_datasets_and_plain_lists():
    X, y = torch.arange(12.0).view(6, 2), torch.arange(6)
    g = torch.Generator().manual_seed(0)
    for xb, yb in sgd_loader(TensorDataset(X, y), num_samples=5, generator=g):
        assert xb.shape == (1, 2) and torch.equal(xb[0], X[yb[0]])
    batches = list(minibatch_loader(TensorDataset(X, y), batch_size=4, generator=g))
    assert len(batches) == 2
    for xb, yb in batches:
        assert xb.shape == (4, 2) and torch.equal(xb, X[yb]) and len(set(yb.tolist())) == 4
    words = ["a", "b", "c", "d", "e"]
    batch = next(iter(minibatch_loader(words, batch_size=5, generator=g)))
    assert sorted(batch) == words  # B = n: the whole set, in random order


def test_errors():
    with pytest.raises(ValueError, match="n ≥ 1"):
        UniformSampler([])
    with pytest.raises(ValueError, match="batch size B must be a positive integer"):
        MiniBatchSampler(5, 0)
    with pytest.raises(ValueError, match="num_samples must be a positive integer"):
        UniformSampler(5, num_samples=2.5)
