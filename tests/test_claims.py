"""The notes' claims about training, each reproduced with cs229nn; each test fails if the claim fails in our code.

1. zero init → ŷ = ½ (§3.1)           6. momentum beats GD on an ill-conditioned problem (eq. 3.16)
2. constant init → symmetry (§3.1)    7. L2 shrinks ‖W‖ and the train/test gap (eq. 3.17–3.21)
3. Xavier/He keep variance (eq. 3.13) 8. the 3-2-1 network has 3d + 14 parameters (§3.1, §2)
4. no non-linearity → linear model (eq. 2.16–2.20)
5. XOR: one neuron cannot, two layers can (slides)
9. vectorized backprop = per-example loop (§4); its speed is in benchmarks/bench_vectorization.py
"""

import copy
import functools
import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import cs229nn
from cs229nn import init
from cs229nn.backprop import Network, backprop, backprop_per_example, forward
from cs229nn.optim import SGD, Momentum
from cs229nn.parameters import count_parameters, mlp_parameter_count
from cs229nn.train import fit

F64 = torch.float64


def gradient_steps(model, loss_fn, x, y, optimizer, steps):
    for _ in range(steps):
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()


# 1 ─────────────────────────────────────────────────────────────────────────────
def test_claim1_zero_initialization_outputs_one_half_for_every_input():
    model = cs229nn.nn.MLP([5, 3, 2, 1], "relu", output="sigmoid", dtype=F64)
    init.initialize_(model, "zeros")
    x = 10 * torch.randn(50, 5, dtype=F64)
    assert torch.equal(model(x), torch.full((50, 1), 0.5, dtype=F64))
    init.initialize_(model, "xavier")  # and the claim is specific to zeros
    assert model(x).std() > 1e-3


# 2 ─────────────────────────────────────────────────────────────────────────────
def hidden_units_identical(model) -> bool:
    """Every hidden layer's units have the same incoming weights and bias (rows of W^[ℓ], entries of b^[ℓ])."""
    hidden = model.linear_layers[:-1]
    return all(torch.equal(layer.weight, layer.weight[:1].expand_as(layer.weight)) and bool((layer.bias == layer.bias[0]).all())
               for layer in hidden)


@pytest.mark.parametrize("mode", cs229nn.MODES)
def test_claim2_constant_initialization_keeps_hidden_units_identical(mode):
    torch.manual_seed(0)
    x, y = torch.randn(16, 4, dtype=F64), torch.randn(16, 1, dtype=F64)
    model = cs229nn.nn.MLP([4, 6, 5, 1], "sigmoid", mode=mode, dtype=F64)
    init.initialize_(model, functools.partial(init.constant_, value=0.3), bias=0.1)
    start = copy.deepcopy(model)
    gradient_steps(model, cs229nn.nn.SquaredLoss(), x, y, SGD(model.parameters(), lr=0.5), steps=30)
    assert not torch.equal(model[0].weight, start[0].weight)  # it did learn…
    with torch.no_grad():
        assert hidden_units_identical(model)  # …but every unit of a layer learned the same thing
    # Random initialization breaks the symmetry.
    init.initialize_(model, "xavier")
    gradient_steps(model, cs229nn.nn.SquaredLoss(), x, y, SGD(model.parameters(), lr=0.5), steps=1)
    with torch.no_grad():
        assert not hidden_units_identical(model)


# 3 ─────────────────────────────────────────────────────────────────────────────
def activation_variances(activation, fill, width=128, depth=10, n=256):
    """Var(a^[ℓ]) for ℓ = 1..depth of a width×width network fed N(0, 1) inputs (biases 0)."""
    g = torch.Generator().manual_seed(0)
    weights = [fill(torch.empty(width, width, dtype=F64), generator=g) for _ in range(depth)]
    net = Network(weights + [torch.zeros(1, width, dtype=F64)], [None] * (depth + 1), activation)
    acts = forward(net, torch.randn(n, width, generator=g, dtype=F64)).activations
    return [float(acts[k].var()) for k in range(1, depth + 1)]


@pytest.mark.parametrize("activation, scheme, within", [("relu", init.he_normal_, 2.0), ("tanh", init.xavier_normal_, 10.0)])
def test_claim3_xavier_and_he_keep_the_activation_variance_within_a_small_factor(activation, scheme, within):
    v = activation_variances(activation, scheme)
    # He + ReLU: measured 1.6; Xavier + tanh decays slowly (like 1/ℓ, tanh′ < 1): measured 7.7.
    assert max(v) / min(v) < within


def test_claim3_fixed_std_explodes_or_vanishes():
    exploding = activation_variances("relu", functools.partial(init.normal_, std=1.0))
    vanishing = activation_variances("relu", functools.partial(init.normal_, std=0.01))
    # Var multiplies by fan_in·σ²/2 per ReLU layer: 64 for N(0, 1), 0.0064 for N(0, 0.01²).
    assert all(b > 10 * a for a, b in zip(exploding, exploding[1:])) and exploding[-1] > 1e15
    assert all(b < a / 10 for a, b in zip(vanishing, vanishing[1:])) and vanishing[-1] < 1e-15
    assert activation_variances("tanh", functools.partial(init.normal_, std=0.01))[-1] < 1e-15
    # tanh cannot explode: with N(0, 1) it saturates instead (|a| ≈ 1, so g′ ≈ 0).
    assert min(activation_variances("tanh", functools.partial(init.normal_, std=1.0))) > 0.9


# 4 ─────────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize("sizes", [[3, 4, 2], [5, 7, 6, 3, 1]])
def test_claim4_without_non_linearity_a_deep_network_is_one_linear_map(sizes):
    torch.manual_seed(0)
    model = cs229nn.nn.MLP(sizes, "identity", dtype=F64)
    # W̃ = W^[r] ⋯ W^[1] (eq. 2.20) and, with biases, b̃ = W^[r] ⋯ W^[2] b^[1] + … + b^[r].
    W_tilde, b_tilde = torch.eye(sizes[0], dtype=F64), torch.zeros(sizes[0], dtype=F64)
    with torch.no_grad():
        for layer in model.linear_layers:
            W_tilde, b_tilde = layer.weight @ W_tilde, layer.weight @ b_tilde + layer.bias
        x = torch.randn(20, sizes[0], dtype=F64)
        assert torch.allclose(model(x), x @ W_tilde.T + b_tilde, rtol=1e-12, atol=1e-12)
        # The same weights with ReLU in between are not that linear map.
        relu_model = cs229nn.nn.MLP(sizes, "relu", dtype=F64)
        relu_model.load_state_dict(model.state_dict())
        assert not torch.allclose(relu_model(x), x @ W_tilde.T + b_tilde, atol=1e-3)


# 5 ─────────────────────────────────────────────────────────────────────────────
XOR_X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=F64)
XOR_Y = torch.tensor([[0.0], [1.0], [1.0], [0.0]], dtype=F64)


def train_xor(sizes, seed=0):
    torch.manual_seed(seed)
    model = cs229nn.nn.MLP(sizes, "relu", dtype=F64)
    return fit(model, cs229nn.nn.LogisticLoss(), [(XOR_X, XOR_Y)], epochs=300,
               optimizer=Momentum(model.parameters(), lr=0.5, beta=0.9), device="cpu", progress=False)


def test_claim5_a_single_neuron_cannot_fit_xor_but_two_layers_can():
    one_neuron = train_xor([2, 1])
    # No line separates XOR: at most 3 of the 4 points are right, and the best
    # logistic loss is log 2 (at w = 0, b = 0), which training approaches.
    assert one_neuron.train_accuracy[-1] <= 0.75
    assert one_neuron.train_loss[-1] > math.log(2) - 1e-6
    two_layers = train_xor([2, 16, 1])  # 16 ReLU units: 10 of 10 seeds reach 100% (8 units: 9 of 10)
    assert two_layers.train_accuracy[-1] == 1.0 and two_layers.train_loss[-1] < 0.1


# 6 ─────────────────────────────────────────────────────────────────────────────
def steps_to_reach(optimizer_cls, max_steps=2000, **hyper):
    """Steps of full-batch training until J ≤ 1e-8 J(0) on a quadratic with Hessian eigenvalues 1 and 0.01 (κ = 100)."""
    g = torch.Generator().manual_seed(0)
    n = 64
    Q, _ = torch.linalg.qr(torch.randn(n, 2, generator=g, dtype=F64))
    X = Q * torch.tensor([1.0, 0.1], dtype=F64) * math.sqrt(n)  # XᵀX/n = diag(1, 0.01)
    y = X @ torch.tensor([[1.0], [-2.0]], dtype=F64)
    model = cs229nn.nn.Linear(2, 1, bias=False, dtype=F64)
    init.zeros_(model.weight)
    opt, loss_fn = optimizer_cls(model.parameters(), **hyper), cs229nn.nn.SquaredLoss()
    J0 = loss_fn(model(X), y).item()
    for step in range(max_steps):
        loss = loss_fn(model(X), y)
        if not loss.item() > 1e-8 * J0:  # also stops on NaN (divergence)
            return step if math.isfinite(loss.item()) else math.inf
        opt.zero_grad()
        loss.backward()
        opt.step()
    return math.inf


def test_claim6_momentum_needs_fewer_steps_than_gradient_descent_on_an_ill_conditioned_problem():
    gd_best = steps_to_reach(SGD, lr=2 / (1 + 0.01))  # the best constant step for GD, 2/(L + μ)
    momentum = steps_to_reach(Momentum, lr=5.0, beta=0.9)  # measured: 150 steps vs GD's 457
    assert momentum < gd_best / 2
    assert steps_to_reach(SGD, lr=5.0) == math.inf  # the same α without momentum diverges


# 7 ─────────────────────────────────────────────────────────────────────────────
def test_claim7_l2_reduces_the_weight_norm_and_the_train_test_gap():
    g = torch.Generator().manual_seed(0)
    d, n_train, n_test = 20, 15, 200  # fewer examples than inputs: easy to overfit
    X = torch.randn(n_train + n_test, d, generator=g, dtype=F64)
    y = X @ torch.randn(d, 1, generator=g, dtype=F64) / math.sqrt(d) + 0.5 * torch.randn(n_train + n_test, 1, generator=g, dtype=F64)
    (X_train, X_test), (y_train, y_test) = X.split([n_train, n_test]), y.split([n_train, n_test])
    loss_fn = cs229nn.nn.SquaredLoss()
    results = {}
    for lam in (0.0, 0.3):
        torch.manual_seed(0)
        model = cs229nn.nn.MLP([d, 50, 1], "relu", dtype=F64)
        gradient_steps(model, loss_fn, X_train, y_train, SGD(model.parameters(), lr=0.1, weight_decay=lam), steps=300)
        with torch.no_grad():
            train, test = loss_fn(model(X_train), y_train).item(), loss_fn(model(X_test), y_test).item()
            norm = math.sqrt(sum(float((W**2).sum()) for W in (model[0].weight, model[2].weight)))
        results[lam] = {"gap": test - train, "norm": norm, "train": train}
    # measured: ‖W‖ 4.4 → 1.3, gap 0.38 → 0.33, train loss 6e-14 → 0.06
    assert results[0.3]["norm"] < 0.5 * results[0.0]["norm"]
    assert results[0.3]["gap"] < results[0.0]["gap"]
    assert results[0.0]["train"] < 1e-6 < results[0.3]["train"]  # without L2 it interpolates the noise


# 8 ─────────────────────────────────────────────────────────────────────────────
@given(d=st.integers(1, 12288))
def test_claim8_the_3_2_1_network_has_3d_plus_14_parameters(d):
    assert mlp_parameter_count([d, 3, 2, 1]) == 3 * d + 14
    if d <= 64:  # building the module for every d would be slow; the formula is checked for all
        assert count_parameters(cs229nn.nn.MLP([d, 3, 2, 1])) == 3 * d + 14


@given(sizes=st.lists(st.integers(1, 20), min_size=2, max_size=6), bias=st.booleans())
def test_claim8_the_general_formula_counts_every_parameter(sizes, bias):
    assert count_parameters(cs229nn.nn.MLP(sizes, bias=bias)) == mlp_parameter_count(sizes, bias=bias)


# 9 ─────────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize("head", ["regression", "binary", "multiclass"])
def test_claim9_vectorized_backprop_equals_the_per_example_loop(head):
    torch.manual_seed(0)
    net = Network.from_mlp(cs229nn.nn.MLP([10, 32, 3], "relu", dtype=F64))  # the benchmark's 2-layer shape
    x = torch.randn(100, 10, dtype=F64)
    y = {"regression": torch.randn(100, 3, dtype=F64), "binary": torch.randint(0, 2, (100, 3)).to(F64),
         "multiclass": torch.randint(0, 3, (100,))}[head]
    fast, slow = backprop(net, x, y, head), backprop_per_example(net, x, y, head)
    for a, b in zip(fast.grads() + [fast.loss], slow.grads() + [slow.loss]):
        assert torch.allclose(a, b, rtol=1e-12, atol=1e-15)
