r"""Which examples each step of SGD sees: Ma Algorithms 1 and 2, for any dataset.

* Ma Algorithm 1 (SGD): each step samples one index j uniformly from {1, …, n},
  *with* replacement across steps: :class:`UniformSampler`, :func:`sgd_loader`.
* Ma Algorithm 2 (mini-batch SGD): each step samples B indices j_1, …, j_B
  uniformly *without* replacement (distinct within the batch), independently
  of the other steps: :class:`MiniBatchSampler`, :func:`minibatch_loader`.

This differs from the usual "shuffle, then cut into batches" epoch
(``DataLoader(shuffle=True)``), where every example is seen exactly once per
epoch. By default both samplers draw as many examples per "epoch" as that
would (n single examples; ⌈n/B⌉ batches) so that epochs are comparable.

Indices are 0-based, as in Python.
"""

import math
from typing import Iterator, List, Optional, Sized, Union

import torch
from torch.utils.data import DataLoader, Dataset, Sampler


def _size(data: Union[int, Sized]) -> int:
    if isinstance(data, bool) or not isinstance(data, (int, Sized)):
        raise TypeError(f"data must be a dataset (anything with a len) or the number of examples n, got {type(data).__name__}")
    n = data if isinstance(data, int) else len(data)
    if n < 1:
        raise ValueError(f"the training set must have n ≥ 1 examples, got n = {n}")
    return n


def _positive(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return value


def _generator(generator: Optional[torch.Generator]) -> Optional[torch.Generator]:
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator (torch.Generator().manual_seed(0)) or None, got {generator!r}")
    return generator


class UniformSampler(Sampler[int]):
    r"""Ma Algorithm 1: ``num_samples`` indices j drawn uniformly from {0, …, n − 1}, with replacement.

    Args:
        data: the dataset (anything with ``len``) or n itself.
        num_samples: draws per pass (one "epoch"); default n.
        generator: a ``torch.Generator`` for reproducible draws (default: torch's global RNG).
    """

    def __init__(self, data: Union[int, Sized], num_samples: Optional[int] = None, generator: Optional[torch.Generator] = None) -> None:
        self.n = _size(data)
        self.num_samples = self.n if num_samples is None else _positive(num_samples, "num_samples")
        self.generator = _generator(generator)

    def __iter__(self) -> Iterator[int]:
        yield from torch.randint(self.n, (self.num_samples,), generator=self.generator).tolist()

    def __len__(self) -> int:
        return self.num_samples


class MiniBatchSampler(Sampler[List[int]]):
    r"""Ma Algorithm 2: each batch is B distinct indices drawn uniformly from {0, …, n − 1}.

    Batches are drawn independently of each other, so an example can appear in
    several batches of one pass, or in none. Use it as a DataLoader's ``batch_sampler``.

    Args:
        data: the dataset (anything with ``len``) or n itself.
        batch_size: B ≤ n.
        num_batches: batches per pass; default ⌈n / B⌉.
        generator: a ``torch.Generator`` for reproducible draws.
    """

    def __init__(
        self,
        data: Union[int, Sized],
        batch_size: int,
        num_batches: Optional[int] = None,
        generator: Optional[torch.Generator] = None,
    ) -> None:
        self.n = _size(data)
        self.batch_size = _positive(batch_size, "the batch size B")
        if self.batch_size > self.n:
            raise ValueError(f"B examples without replacement need B ≤ n, got B = {batch_size} > n = {self.n}")
        self.num_batches = math.ceil(self.n / self.batch_size) if num_batches is None else _positive(num_batches, "num_batches")
        self.generator = _generator(generator)

    def __iter__(self) -> Iterator[List[int]]:
        for _ in range(self.num_batches):
            # The first B entries of a uniform random permutation are a uniform B-subset.
            yield torch.randperm(self.n, generator=self.generator)[: self.batch_size].tolist()

    def __len__(self) -> int:
        return self.num_batches


def sgd_loader(dataset: Dataset, num_samples: Optional[int] = None, generator: Optional[torch.Generator] = None, **loader_kwargs) -> DataLoader:
    """A DataLoader for Ma Algorithm 1: batches of one example drawn with replacement.

    ``loader_kwargs`` go to ``DataLoader`` (e.g. ``num_workers``, ``collate_fn``).
    """
    return DataLoader(dataset, batch_size=1, sampler=UniformSampler(dataset, num_samples, generator), **loader_kwargs)


def minibatch_loader(
    dataset: Dataset,
    batch_size: int,
    num_batches: Optional[int] = None,
    generator: Optional[torch.Generator] = None,
    **loader_kwargs,
) -> DataLoader:
    """A DataLoader for Ma Algorithm 2: each batch is B distinct examples, batches drawn independently."""
    return DataLoader(dataset, batch_sampler=MiniBatchSampler(dataset, batch_size, num_batches, generator), **loader_kwargs)
