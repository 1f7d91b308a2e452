"""The notes' optimizers: one step equals the hand formula; momentum equals torch's reparametrized; L2 equals (λ/2)‖W‖²."""

import copy

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import cs229nn
from cs229nn.optim import SGD, Momentum
from conftest import DEVICES


def problem(seed=0, device="cpu"):
    """A small MLP in float64 and a batch of regression data."""
    torch.manual_seed(seed)
    model = cs229nn.nn.MLP([3, 5, 2], "sigmoid", dtype=torch.float64).to(device)
    x = torch.randn(8, 3, dtype=torch.float64, device=device)
    y = torch.randn(8, 2, dtype=torch.float64, device=device)
    return model, x, y


def loss_of(model, x, y, l2=0.0, weights_only=True):
    J = cs229nn.nn.SquaredLoss()(model(x), y)
    penalized = [p for p in model.parameters() if p.dim() >= 2 or not weights_only]
    return J + l2 / 2 * sum((p**2).sum() for p in penalized)  # Ng eq. 3.17


def gradient_step(model, x, y, optimizer):
    optimizer.zero_grad()
    loss_of(model, x, y).backward()
    optimizer.step()


@pytest.mark.parametrize("device", DEVICES)
def test_sgd_step_is_the_hand_formula(device):
    model, x, y = problem(device=device)
    before = [p.detach().clone() for p in model.parameters()]
    opt = SGD(model.parameters(), lr=0.3)
    gradient_step(model, x, y, opt)
    for p, p0 in zip(model.parameters(), before):
        assert torch.allclose(p.detach(), p0 - 0.3 * p.grad, rtol=0, atol=1e-15)  # θ := θ − α∇J (Ma eq. 1.3); FMA may round differently


def test_sgd_with_l2_is_eq_3_21_on_weights_and_plain_on_biases():
    alpha, lam = 0.2, 0.05
    model, x, y = problem()
    before = [p.detach().clone() for p in model.parameters()]
    gradient_step(model, x, y, SGD(model.parameters(), lr=alpha, weight_decay=lam))
    for p, p0 in zip(model.parameters(), before):
        expected = (1 - alpha * lam) * p0 - alpha * p.grad if p.dim() >= 2 else p0 - alpha * p.grad
        assert torch.allclose(p.detach(), expected, rtol=1e-14, atol=1e-15)


def test_decay_biases_per_group_matches_torch_sgd_weight_decay():
    model, x, y = problem()
    twin = copy.deepcopy(model)
    ours = SGD([{"params": model.parameters(), "decay_biases": True}], lr=0.1, weight_decay=0.3)
    theirs = torch.optim.SGD(twin.parameters(), lr=0.1, weight_decay=0.3)
    for _ in range(5):
        gradient_step(model, x, y, ours)
        gradient_step(twin, x, y, theirs)
    for p, q in zip(model.parameters(), twin.parameters()):
        assert torch.allclose(p, q, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("optimizer", [SGD, Momentum])
def test_l2_as_weight_decay_equals_adding_half_lambda_norm_squared_to_the_loss(optimizer):
    lam = 0.1
    model, x, y = problem()
    twin, unregularized = copy.deepcopy(model), copy.deepcopy(model)
    decayed = optimizer(model.parameters(), lr=0.1, weight_decay=lam)
    plain = optimizer(twin.parameters(), lr=0.1)
    free = optimizer(unregularized.parameters(), lr=0.1)
    for _ in range(20):
        gradient_step(model, x, y, decayed)
        gradient_step(unregularized, x, y, free)
        plain.zero_grad()
        loss_of(twin, x, y, l2=lam).backward()  # J + (λ/2)‖W‖², weights only
        plain.step()
    for p, q in zip(model.parameters(), twin.parameters()):
        assert torch.allclose(p, q, rtol=1e-12, atol=1e-14)
    # The L2 term did act: it shrank W^[1] relative to training without it.
    assert model[0].weight.norm().item() < unregularized[0].weight.norm().item() - 1e-3


def test_momentum_step_is_eq_3_16():
    alpha, beta = 0.1, 0.8
    model, x, y = problem()
    opt = Momentum(model.parameters(), lr=alpha, beta=beta)
    v = [torch.zeros_like(p) for p in model.parameters()]
    for _ in range(3):
        before = [p.detach().clone() for p in model.parameters()]
        gradient_step(model, x, y, opt)
        for i, (p, p0) in enumerate(zip(model.parameters(), before)):
            v[i] = beta * v[i] + (1 - beta) * p.grad  # v := βv + (1 − β)∇J
            assert torch.allclose(p.detach(), p0 - alpha * v[i], rtol=1e-14, atol=1e-15)  # W := W − αv


@pytest.mark.parametrize("device", DEVICES)
@settings(max_examples=10)
@given(alpha=st.floats(0.01, 0.5), beta=st.floats(0.05, 0.95))  # β = 0 is plain SGD: torch keeps no buffer
def test_momentum_trajectory_equals_torch_sgd_with_lr_alpha_times_one_minus_beta(device, alpha, beta):
    model, x, y = problem(device=device)
    twin = copy.deepcopy(model)
    ours = Momentum(model.parameters(), lr=alpha, beta=beta)
    theirs = torch.optim.SGD(twin.parameters(), lr=alpha * (1 - beta), momentum=beta)  # dampening = 0
    for _ in range(40):
        gradient_step(model, x, y, ours)
        gradient_step(twin, x, y, theirs)
    for p, q in zip(model.parameters(), twin.parameters()):
        assert torch.allclose(p, q, rtol=1e-10, atol=1e-12)
    # torch's buffer holds v / (1 − β)
    for p, q in zip(model.parameters(), twin.parameters()):
        assert torch.allclose(ours.state[p]["velocity"], (1 - beta) * theirs.state[q]["momentum_buffer"], rtol=1e-10, atol=1e-12)


def test_parameters_without_gradient_are_left_alone_and_closure_is_supported():
    model, x, y = problem()
    model[0].weight.requires_grad_(False)
    frozen = model[0].weight.detach().clone()
    opt = Momentum(model.parameters(), lr=0.1, weight_decay=0.1)

    def closure():
        opt.zero_grad()
        loss = loss_of(model, x, y)
        loss.backward()
        return loss

    assert opt.step(closure).item() > 0
    assert torch.equal(model[0].weight, frozen)


def test_state_dict_round_trip():
    model, x, y = problem()
    opt = Momentum(model.parameters(), lr=0.1, beta=0.5)
    gradient_step(model, x, y, opt)
    other = Momentum(model.parameters(), lr=0.1, beta=0.5)
    other.load_state_dict(opt.state_dict())
    p = next(model.parameters())
    assert torch.equal(other.state[p]["velocity"], opt.state[p]["velocity"])


def test_errors():
    params = [torch.nn.Parameter(torch.zeros(2, 2))]
    with pytest.raises(ValueError, match="learning rate α must be ≥ 0"):
        SGD(params, lr=-1)
    with pytest.raises(ValueError, match="λ must be ≥ 0"):
        Momentum(params, lr=0.1, weight_decay=-0.1)
    with pytest.raises(ValueError, match=r"β must be in \[0, 1\)"):
        Momentum(params, lr=0.1, beta=1.0)
