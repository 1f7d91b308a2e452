"""Activations: forward = torch op, backward = Ma Claim 3.3 (δ = ∂J/∂a ⊙ g′(z))."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from conftest import DEVICES
from cs229nn import functional as manual
from reference import assert_close_rel, grads_of
from strategies import batch_sizes, randn, scales, seeds, widths

# (manual wrapper, torch reference, the Function for gradcheck, extra args)
ACTIVATIONS = {
    "relu": (manual.relu, torch.relu, manual.ReLUFunction, ()),
    "sigmoid": (manual.sigmoid, torch.sigmoid, manual.SigmoidFunction, ()),
    "tanh": (manual.tanh, torch.tanh, manual.TanhFunction, ()),
    "leaky_relu": (lambda z: manual.leaky_relu(z, 0.1), lambda z: F.leaky_relu(z, 0.1), manual.LeakyReLUFunction, (0.1,)),
    "leaky_relu_0.3": (lambda z: manual.leaky_relu(z, 0.3), lambda z: F.leaky_relu(z, 0.3), manual.LeakyReLUFunction, (0.3,)),
    "elu": (manual.elu, F.elu, manual.ELUFunction, (1.0,)),
    "elu_alpha_0.5": (lambda z: manual.elu(z, 0.5), lambda z: F.elu(z, 0.5), manual.ELUFunction, (0.5,)),
    "identity": (manual.identity, lambda z: z * 1, manual.IdentityFunction, ()),
}
NAMES = sorted(ACTIVATIONS)


@given(name=st.sampled_from(NAMES), n=batch_sizes, m=widths, seed=seeds, scale=scales)
def test_activation_matches_torch(name, n, m, seed, scale):
    mine, ref, _, _ = ACTIVATIONS[name]
    z, upstream = randn(seed, n, m, scale=scale), randn(seed + 1, n, m)
    out, (grad,) = grads_of(mine, [z], upstream)
    ref_out, (ref_grad,) = grads_of(ref, [z], upstream)
    assert_close_rel(out, ref_out, 1e-12)
    assert_close_rel(grad, ref_grad, 1e-12)


def test_activations_at_zero_and_large_values_match_torch():
    """The kink (g′(0) follows torch: 0 for ReLU) and saturation, where formulas break first."""
    z = torch.tensor([[0.0, -0.0, 1e-300, -1e-300, 50.0, -50.0, 800.0, -800.0]], dtype=torch.float64)
    for name in NAMES:
        mine, ref, _, _ = ACTIVATIONS[name]
        out, (grad,) = grads_of(mine, [z], torch.ones_like(z))
        ref_out, (ref_grad,) = grads_of(ref, [z], torch.ones_like(z))
        assert torch.equal(out, ref_out), name
        assert torch.allclose(grad, ref_grad, rtol=1e-12, atol=0), name


@pytest.mark.parametrize("name", NAMES)
def test_activation_gradcheck(name):
    _, _, function, params = ACTIVATIONS[name]
    z = randn(0, 3, 4).requires_grad_()
    assert torch.autograd.gradcheck(lambda t: function.apply(t, *params), (z,))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", NAMES)
def test_activation_float32_on_device(name, device):
    mine, ref, _, _ = ACTIVATIONS[name]
    z, upstream = randn(0, 16, 5, dtype=torch.float32, device=device), randn(1, 16, 5, dtype=torch.float32, device=device)
    out, (grad,) = grads_of(mine, [z], upstream)
    ref_out, (ref_grad,) = grads_of(ref, [z], upstream)
    assert_close_rel(out, ref_out, 1e-6)
    assert_close_rel(grad, ref_grad, 1e-6)


def test_activation_functions_compose_with_torch_func():
    """setup_context style: torch.func.grad and vmap work through the manual Functions."""
    z = randn(0, 6)
    for name in NAMES:
        mine, ref, _, _ = ACTIVATIONS[name]
        assert torch.allclose(torch.func.grad(lambda t: mine(t).sum())(z), torch.func.grad(lambda t: ref(t).sum())(z))
    batched = torch.func.vmap(manual.sigmoid)(randn(1, 3, 4))
    assert batched.shape == (3, 4)
