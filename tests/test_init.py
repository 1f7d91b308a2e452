"""Initialization: sample std vs the formula, equality with torch.nn.init where the definitions coincide."""

import functools
import math

import pytest
import torch

import cs229nn
from cs229nn import init
from conftest import DEVICES

# With 200 000 samples the sample std is within ~0.3% of σ (its relative sd is 1/sqrt(2N) ≈ 0.16%).
STD_RTOL = 0.01


def sample_std_matches(tensor: torch.Tensor, std: float) -> bool:
    return abs(float(tensor.std()) - std) < STD_RTOL * std and abs(float(tensor.mean())) < 5 * std / math.sqrt(tensor.numel())


@pytest.mark.parametrize("shape", [(400, 500), (64, 32, 5, 5)])
def test_xavier_std_is_sqrt_2_over_fan_in_plus_fan_out(shape):
    W = init.xavier_normal_(torch.empty(shape, dtype=torch.float64))
    fan_in, fan_out = (shape[1], shape[0]) if len(shape) == 2 else (32 * 25, 64 * 25)
    assert sample_std_matches(W, math.sqrt(2 / (fan_in + fan_out)))  # Ng eq. 3.13


@pytest.mark.parametrize("shape", [(400, 500), (64, 32, 5, 5)])
def test_he_std_is_sqrt_2_over_fan_in(shape):
    W = init.he_normal_(torch.empty(shape, dtype=torch.float64))
    fan_in = shape[1] if len(shape) == 2 else 32 * 25
    assert sample_std_matches(W, math.sqrt(2 / fan_in))


def test_normal_uses_the_given_std_and_mean():
    W = init.normal_(torch.empty(500, 400), std=0.1)  # the notes' N(0, 0.1)
    assert sample_std_matches(W, 0.1)
    assert bool((init.normal_(torch.empty(1000), mean=3.0, std=0.0) == 3).all())


def test_same_numbers_as_torch_nn_init():
    W = torch.empty(30, 20)
    torch.manual_seed(1)
    ours = init.xavier_normal_(W.clone(), gain=2.0)
    torch.manual_seed(1)
    assert torch.equal(ours, torch.nn.init.xavier_normal_(W.clone(), gain=2.0))
    torch.manual_seed(1)
    ours = init.he_normal_(W.clone())
    torch.manual_seed(1)
    theirs = torch.nn.init.kaiming_normal_(W.clone(), mode="fan_in", nonlinearity="relu")
    assert torch.allclose(ours, theirs, rtol=1e-6, atol=0)  # σ = sqrt(2/d) vs sqrt(2)/sqrt(d): last bits


def test_generator_makes_it_reproducible():
    a = init.he_normal_(torch.empty(5, 4), generator=torch.Generator().manual_seed(3))
    b = init.he_normal_(torch.empty(5, 4), generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, b)


def test_zeros_and_constant():
    assert torch.equal(init.zeros_(torch.randn(3, 4)), torch.zeros(3, 4))
    assert torch.equal(init.constant_(torch.randn(3), 0.5), torch.full((3,), 0.5))


def test_fans_follow_torch():
    for shape in [(7, 3), (8, 4, 3, 3), (5, 2, 7)]:
        assert init.fans(torch.empty(shape)) == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


def test_works_in_place_on_parameters_that_require_grad():
    layer = cs229nn.nn.Linear(4, 3)
    out = init.xavier_normal_(layer.weight)
    assert out is layer.weight and layer.weight.requires_grad and layer.weight.grad_fn is None


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("scheme", sorted(init.SCHEMES))
def test_initialize_every_weight_of_cs229nn_and_torch_models(scheme, device):
    model = torch.nn.Sequential(
        cs229nn.nn.MLP([6, 5, 4]),
        torch.nn.Linear(4, 4),
        torch.nn.Unflatten(1, (1, 2, 2)),
        torch.nn.Conv2d(1, 3, 2),
        torch.nn.BatchNorm2d(3),
    ).to(device)
    before_bn = model[4].weight.detach().clone()
    init.initialize_(model, scheme)
    for layer in (model[0][0], model[0][2], model[1], model[3]):
        assert not layer.bias.detach().any()
        assert (not layer.weight.detach().any()) == (scheme == "zeros")
    assert torch.equal(model[4].weight, before_bn)  # 1-D weights are not "W^[ℓ]"


def test_initialize_with_a_function_and_a_bias_value():
    model = cs229nn.nn.MLP([3, 4, 1])
    init.initialize_(model, functools.partial(init.constant_, value=0.25), bias=1.0)
    assert all(bool((p.detach() == 0.25).all()) for p in (model[0].weight, model[2].weight))
    assert bool((model[0].bias.detach() == 1).all())
    kept = model[0].bias.detach().clone()
    init.initialize_(model, "he", bias=None)
    assert torch.equal(model[0].bias, kept)


def test_errors():
    with pytest.raises(ValueError, match="unknown scheme"):
        init.initialize_(cs229nn.nn.MLP([2, 1]), "glorot")
    with pytest.raises(ValueError, match=r"W\^\[ℓ\] \(m, d\)"):
        init.xavier_normal_(torch.empty(5))
    with pytest.raises(ValueError, match="std must be ≥ 0"):
        init.normal_(torch.empty(3), std=-1)
    with pytest.raises(TypeError, match="floating-point"):
        init.zeros_(torch.empty(3, dtype=torch.long))
