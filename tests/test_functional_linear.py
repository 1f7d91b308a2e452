"""LinearFunction: forward = torch.nn.functional.linear, backward = Ma Claims 3.2 and 3.4."""

import importlib

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given

from conftest import DEVICES
from cs229nn.functional import LinearFunction, linear, linear_backward
from reference import assert_close_rel, grads_of
from strategies import batch_sizes, randn, seeds, widths


@given(n=batch_sizes, d=widths, m=widths, seed=seeds)
def test_linear_matches_torch_forward_and_backward(n, d, m, seed):
    a, W, b = randn(seed, n, d), randn(seed + 1, m, d), randn(seed + 2, m)
    upstream = randn(seed + 3, n, m)
    out, grads = grads_of(linear, [a, W, b], upstream)
    ref_out, ref_grads = grads_of(F.linear, [a, W, b], upstream)
    assert_close_rel(out, ref_out, 1e-12)
    for g, r in zip(grads, ref_grads):
        assert_close_rel(g, r, 1e-12)


def test_linear_backward_is_the_notes_formulas():
    """dW = δᵀ a, db = Σ δ, da = δ W written out element by element (Ma eq. 3.10, 3.11, 3.14)."""
    a, W, delta = randn(0, 3, 2), randn(1, 4, 2), randn(2, 3, 4)
    grad_a, grad_W, grad_b = linear_backward(delta, a, W)
    for i in range(4):
        for j in range(2):
            assert torch.isclose(grad_W[i, j], sum(delta[k, i] * a[k, j] for k in range(3)))
    assert torch.allclose(grad_b, delta.sum(0))
    assert torch.allclose(grad_a, torch.stack([W.t() @ delta[k] for k in range(3)]))


@pytest.mark.parametrize("bias", [True, False])
def test_linear_gradcheck(bias):
    a = randn(0, 4, 3).requires_grad_()
    W = randn(1, 2, 3).requires_grad_()
    b = randn(2, 2).requires_grad_() if bias else None
    assert torch.autograd.gradcheck(LinearFunction.apply, (a, W, b))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype,rel", [(torch.float32, 1e-5), (torch.float64, 1e-12)])
def test_linear_on_device(device, dtype, rel):
    a, W, b = (randn(s, *shape, dtype=dtype, device=device) for s, shape in [(0, (8, 5)), (1, (3, 5)), (2, (3,))])
    upstream = randn(3, 8, 3, dtype=dtype, device=device)
    out, grads = grads_of(linear, [a, W, b], upstream)
    ref_out, ref_grads = grads_of(F.linear, [a, W, b], upstream)
    assert out.device.type == device and out.dtype == dtype
    assert_close_rel(out, ref_out, rel)
    for g, r in zip(grads, ref_grads):
        assert_close_rel(g, r, rel)


def test_needs_input_grad_skips_unrequested_gradients(monkeypatch):
    """Only ∂J/∂W is requested: backward must not compute δ W (it would be wasted work)."""
    calls = []
    linear_module = importlib.import_module("cs229nn.functional.linear")  # the name `linear` is the function

    real = linear_module.linear_backward
    monkeypatch.setattr(linear_module, "linear_backward", lambda d, a, W, needed: calls.append(tuple(needed)) or real(d, a, W, needed))
    a, W = randn(0, 4, 3), randn(1, 2, 3).requires_grad_()
    LinearFunction.apply(a, W, None).sum().backward()
    assert calls == [(False, True, False)]
    assert W.grad is not None
