"""Comparing a manual Function with its autograd reference, used by several test files."""

from typing import Callable, Sequence

import torch


def grads_of(fn: Callable[..., torch.Tensor], inputs: Sequence[torch.Tensor], upstream: torch.Tensor = None):
    """(output, gradients of Σ output ⊙ upstream w.r.t. the floating inputs) on fresh leaf copies."""
    leaves = [t.detach().clone().requires_grad_(t.is_floating_point()) for t in inputs]
    out = fn(*leaves)
    J = out if out.dim() == 0 else (out * upstream).sum()
    wrt = [t for t in leaves if t.requires_grad]
    return out.detach(), torch.autograd.grad(J, wrt)


def assert_close_rel(got: torch.Tensor, expected: torch.Tensor, rel: float) -> None:
    """max |got − expected| ≤ rel · max(|expected|, tiny): a relative error over the whole tensor."""
    assert got.shape == expected.shape, (got.shape, expected.shape)
    scale = expected.abs().max().clamp_min(1e-300) if expected.numel() else 1.0
    err = (got - expected).abs().max() / scale if expected.numel() else 0.0
    assert err <= rel, f"relative error {float(err):.3g} > {rel:g}"
