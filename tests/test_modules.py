"""Module twins: one set of parameters, identical results in "manual" and "autograd" mode."""

import copy

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import cs229nn
from conftest import DEVICES
from cs229nn import nn
from reference import assert_close_rel
from strategies import seeds


def train_steps(model, loss_fn, x, y, mode, steps=5, lr=0.1):
    """A few plain SGD steps; returns the losses and the final parameters."""
    model = copy.deepcopy(model)
    cs229nn.set_mode(model, mode)
    losses = []
    for _ in range(steps):
        loss = loss_fn(model(x), y)
        grads = torch.autograd.grad(loss, list(model.parameters()))
        with torch.no_grad():
            for p, g in zip(model.parameters(), grads):
                p -= lr * g
        losses.append(loss.detach())
    return torch.stack(losses), [p.detach() for p in model.parameters()], grads


@given(
    activation=st.sampled_from(sorted(nn.ACTIVATION_MODULES)),
    hidden=st.lists(st.integers(1, 6), min_size=0, max_size=3),
    n=st.integers(1, 8),
    seed=seeds,
)
def test_mlp_manual_and_autograd_agree_after_several_steps(activation, hidden, n, seed):
    torch.manual_seed(seed % 1000)
    sizes = [3, *hidden, 4]
    model = nn.MLP(sizes, activation=activation, dtype=torch.float64)
    x, y = torch.randn(n, 3, dtype=torch.float64), torch.randint(0, 4, (n,))
    loss_fn = nn.SoftmaxCrossEntropy()
    manual = train_steps(model, loss_fn, x, y, "manual")
    auto = train_steps(model, loss_fn, x, y, "autograd")
    assert_close_rel(manual[0], auto[0], 1e-12)
    for got, expected in zip(manual[1] + list(manual[2]), auto[1] + list(auto[2])):
        assert_close_rel(got, expected, 1e-12)


@pytest.mark.parametrize(
    "loss_fn,target",
    [
        (nn.SquaredLoss(), lambda n: torch.randn(n, 1, dtype=torch.float64)),
        (nn.LogisticLoss(), lambda n: torch.randint(0, 2, (n, 1)).double()),
    ],
)
def test_regression_and_binary_heads_agree(loss_fn, target):
    torch.manual_seed(0)
    model = nn.MLP([5, 4, 3, 1], activation="tanh", dtype=torch.float64)
    x = torch.randn(7, 5, dtype=torch.float64)
    y = target(7)
    manual, auto = (train_steps(model, loss_fn, x, y, mode) for mode in ("manual", "autograd"))
    assert_close_rel(manual[0], auto[0], 1e-12)
    for got, expected in zip(manual[1], auto[1]):
        assert_close_rel(got, expected, 1e-12)


def test_manual_mode_really_uses_the_manual_functions():
    model = nn.MLP([3, 4, 2])
    x = torch.randn(2, 3)
    assert type(model(x).grad_fn).__name__ == "LinearFunctionBackward"
    with cs229nn.backprop_mode("autograd"):
        assert type(model(x).grad_fn).__name__ == "AddmmBackward0"
    cs229nn.set_mode(model, "autograd")
    assert all(m.mode == "autograd" for m in model)
    with cs229nn.backprop_mode("manual"):  # the block wins over the module's own mode
        assert type(model(x).grad_fn).__name__ == "LinearFunctionBackward"


def test_backprop_mode_nests_and_restores():
    assert cs229nn.current_mode() is None
    with cs229nn.backprop_mode("autograd"):
        with cs229nn.backprop_mode("manual"):
            assert cs229nn.current_mode() == "manual"
        assert cs229nn.current_mode() == "autograd"
    assert cs229nn.current_mode() is None
    with pytest.raises(ValueError, match="mode must be one of"):
        with cs229nn.backprop_mode("numeric"):
            pass
    with pytest.raises(ValueError, match="mode must be one of"):
        nn.ReLU(mode="auto")


def test_linear_initialization_equals_torch_linear_under_the_same_seed():
    torch.manual_seed(3)
    ours = nn.Linear(5, 4)
    torch.manual_seed(3)
    theirs = torch.nn.Linear(5, 4)
    assert torch.equal(ours.weight, theirs.weight) and torch.equal(ours.bias, theirs.bias)
    before = ours.weight.clone()
    ours.reset_parameters()
    assert not torch.equal(before, ours.weight)


def test_module_conventions_state_dict_repr_factory_kwargs():
    model = nn.MLP([3, 4, 2], activation="leaky_relu", dtype=torch.float64)
    assert all(p.dtype == torch.float64 for p in model.parameters())
    clone = nn.MLP([3, 4, 2], activation="leaky_relu", dtype=torch.float64)
    clone.load_state_dict(model.state_dict())
    x = torch.randn(2, 3, dtype=torch.float64)
    assert torch.equal(clone(x), model(x))
    assert set(model.state_dict()) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    text = repr(model)
    assert "Linear(in_features=3, out_features=4, bias=True, mode='manual')" in text
    assert "LeakyReLU(negative_slope=0.1, mode='manual')" in text
    assert nn.notes_names(model) == {"0.weight": "W^[1]", "0.bias": "b^[1]", "2.weight": "W^[2]", "2.bias": "b^[2]"}


def test_mlp_structure_follows_eq_2_12():
    model = nn.MLP([2, 3, 3, 1], activation="sigmoid", output="sigmoid", bias=False)
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "Sigmoid", "Linear", "Sigmoid", "Linear", "Sigmoid"]
    assert [m.layer for m in model.linear_layers] == [1, 2, 3]
    assert all(m.bias is None for m in model.linear_layers)
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        nn.MLP([2, 3, 1], activation="swish")
    with pytest.raises(ValueError, match="sizes must list at least two positive integers"):
        nn.MLP([3])


@pytest.mark.parametrize("device", DEVICES)
def test_model_moves_to_device_and_both_modes_agree_there(device):
    torch.manual_seed(0)
    model = nn.MLP([4, 8, 3], activation="elu").to(device)
    x, y = torch.randn(6, 4, device=device), torch.randint(0, 3, (6,), device=device)
    loss_fn = nn.SoftmaxCrossEntropy()
    manual, auto = (train_steps(model, loss_fn, x, y, mode) for mode in ("manual", "autograd"))
    assert manual[0].device.type == device
    assert_close_rel(manual[0], auto[0], 1e-5)


def test_torch_compile_does_not_break_import_or_eager_use():
    """torch.compile need not be supported, but wrapping a model must not crash at definition time."""
    model = nn.MLP([3, 2])
    compiled = torch.compile(model)  # lazy: nothing is compiled until called
    assert compiled is not None
    assert model(torch.randn(1, 3)).shape == (1, 2)


def test_device_defaults_to_cpu_without_cuda_and_env_overrides(monkeypatch):
    monkeypatch.delenv("CS229NN_DEVICE", raising=False)
    assert cs229nn.device().type == ("cuda" if torch.cuda.is_available() else "cpu")
    monkeypatch.setenv("CS229NN_DEVICE", "cpu")
    assert cs229nn.device() == torch.device("cpu")
    monkeypatch.setenv("CS229NN_DEVICE", "tpu-please")
    with pytest.raises(ValueError, match="is not a device name"):
        cs229nn.device()
    if not torch.cuda.is_available():
        monkeypatch.setenv("CS229NN_DEVICE", "cuda")
        with pytest.raises(ValueError, match="CUDA"):
            cs229nn.device()
