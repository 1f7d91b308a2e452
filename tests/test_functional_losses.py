"""Losses: forward = the torch op at the notes' scaling, backward = the fused δ's."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from conftest import DEVICES
from cs229nn import functional as manual
from reference import assert_close_rel, grads_of
from strategies import batch_sizes, randn, seeds, widths

REDUCTIONS = ["mean", "sum"]


def per_example(reduction, n):
    return 1.0 / n if reduction == "mean" else 1.0


def torch_squared(o, y, reduction):
    return 0.5 * F.mse_loss(o, y, reduction="sum") * per_example(reduction, o.shape[0])


def torch_logistic(z, y, reduction):
    return F.binary_cross_entropy_with_logits(z, y, reduction="sum") * per_example(reduction, z.shape[0])


def torch_bce(p, y, reduction):
    return F.binary_cross_entropy(p, y, reduction="sum") * per_example(reduction, p.shape[0])


def soft_labels(seed, *shape, dtype=torch.float64, device="cpu"):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(*shape, generator=g, dtype=torch.float64).to(device=device, dtype=dtype)


def check_pair(mine, ref, inputs, rel):
    out, grads = grads_of(mine, inputs)
    ref_out, ref_grads = grads_of(ref, inputs)
    assert_close_rel(out, ref_out, rel)
    for g, r in zip(grads, ref_grads):
        assert_close_rel(g, r, rel)


@given(n=batch_sizes, k=widths, seed=seeds, reduction=st.sampled_from(REDUCTIONS))
def test_squared_loss_matches_half_mse(n, k, seed, reduction):
    check_pair(lambda o, y: manual.squared_loss(o, y, reduction), lambda o, y: torch_squared(o, y, reduction),
               [randn(seed, n, k), randn(seed + 1, n, k)], 1e-12)


@given(n=batch_sizes, seed=seeds, reduction=st.sampled_from(REDUCTIONS), scale=st.sampled_from([1.0, 30.0, 1e3]))
def test_logistic_loss_matches_bce_with_logits(n, seed, reduction, scale):
    """Includes |z| up to thousands, where log(σ(z)) computed naively is -inf."""
    check_pair(lambda z, y: manual.logistic_loss(z, y, reduction), lambda z, y: torch_logistic(z, y, reduction),
               [randn(seed, n, scale=scale), soft_labels(seed + 1, n)], 1e-12)


@given(n=batch_sizes, k=st.integers(2, 7), seed=seeds, reduction=st.sampled_from(REDUCTIONS), scale=st.sampled_from([1.0, 100.0, 1e4]))
def test_softmax_cross_entropy_matches_cross_entropy(n, k, seed, reduction, scale):
    z = randn(seed, n, k, scale=scale)
    y = torch.randint(0, k, (n,), generator=torch.Generator().manual_seed(seed))
    check_pair(lambda z, y: manual.softmax_cross_entropy(z, y, reduction), lambda z, y: F.cross_entropy(z, y, reduction="sum") * per_example(reduction, n),
               [z, y], 1e-12)


@given(n=batch_sizes, k=widths, seed=seeds, reduction=st.sampled_from(REDUCTIONS))
def test_binary_cross_entropy_matches_torch(n, k, seed, reduction):
    p = 0.01 + 0.98 * soft_labels(seed, n, k)
    check_pair(lambda p, y: manual.binary_cross_entropy(p, y, reduction), lambda p, y: torch_bce(p, y, reduction),
               [p, soft_labels(seed + 1, n, k)], 1e-12)


def test_binary_cross_entropy_at_exact_zero_and_one_matches_torch_clamping():
    p = torch.tensor([0.0, 1.0, 0.5], dtype=torch.float64)
    y = torch.tensor([1, 0, 1], dtype=torch.float64).requires_grad_(False)
    out, (grad,) = grads_of(lambda p: manual.binary_cross_entropy(p, y), [p])
    ref_out, (ref_grad,) = grads_of(lambda p: torch_bce(p, y, "mean"), [p])
    assert torch.equal(out, ref_out) and torch.equal(grad, ref_grad)


def test_fused_losses_are_finite_at_extreme_logits():
    z = torch.tensor([[1e4, -1e4, 0.0]], dtype=torch.float64, requires_grad=True)
    J = manual.softmax_cross_entropy(z, torch.tensor([1]))
    (grad,) = torch.autograd.grad(J, z)
    assert J.item() == pytest.approx(2e4) and torch.allclose(grad, torch.tensor([[1.0, -1.0, 0.0]], dtype=torch.float64))
    z = torch.tensor([800.0, -800.0], dtype=torch.float64, requires_grad=True)
    J = manual.logistic_loss(z, torch.tensor([0.0, 1.0], dtype=torch.float64), reduction="sum")
    (grad,) = torch.autograd.grad(J, z)
    assert J.item() == pytest.approx(1600.0) and torch.equal(grad, torch.tensor([1.0, -1.0], dtype=torch.float64))


@pytest.mark.parametrize(
    "function,make_inputs",
    [
        (manual.SquaredLossFunction, lambda: (randn(0, 3, 2), randn(1, 3, 2))),
        (manual.LogisticLossFunction, lambda: (randn(0, 4), soft_labels(1, 4))),
        (manual.SoftmaxCrossEntropyFunction, lambda: (randn(0, 4, 3), torch.tensor([0, 2, 1, 2]))),
        (manual.BinaryCrossEntropyFunction, lambda: (0.1 + 0.8 * soft_labels(0, 4), soft_labels(1, 4))),
    ],
)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_loss_gradcheck(function, make_inputs, reduction):
    inputs = [t.requires_grad_() if t.is_floating_point() else t for t in make_inputs()]
    assert torch.autograd.gradcheck(lambda *ts: function.apply(*ts, reduction), inputs)


@pytest.mark.parametrize("device", DEVICES)
def test_losses_float32_on_device(device):
    kw = {"dtype": torch.float32, "device": device}
    z, y = randn(0, 16, 5, **kw), torch.randint(0, 5, (16,), device=device)
    check_pair(manual.softmax_cross_entropy, lambda z, y: F.cross_entropy(z, y), [z, y], 1e-5)
    check_pair(manual.logistic_loss, lambda z, y: torch_logistic(z, y, "mean"), [randn(1, 16, **kw), soft_labels(2, 16, **kw)], 1e-5)
    check_pair(manual.squared_loss, lambda o, y: torch_squared(o, y, "mean"), [randn(3, 16, 2, **kw), randn(4, 16, 2, **kw)], 1e-5)
