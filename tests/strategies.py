"""Hypothesis strategies shared by the tests: batch sizes, widths, values, dtypes."""

import torch
from hypothesis import strategies as st

batch_sizes = st.integers(min_value=1, max_value=9)  # includes the easily forgotten n = 1
widths = st.integers(min_value=1, max_value=7)
seeds = st.integers(min_value=0, max_value=2**31 - 1)
scales = st.sampled_from([1e-3, 1.0, 10.0])
float_dtypes = st.sampled_from([torch.float32, torch.float64])


def randn(seed: int, *shape: int, dtype: torch.dtype = torch.float64, scale: float = 1.0, device="cpu") -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(*shape, generator=g, dtype=torch.float64) * scale).to(device=device, dtype=dtype)
