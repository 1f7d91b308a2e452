"""The notes' claims about training, each reproduced with cs229nn; each test fails if the claim fails in our code.

"Ma" is Ma, Avati, Katanforoosh & Ng, "Deep Learning" notes; "Ng" is Ng & Katanforoosh's older
notes (/work/shared/notes); the two number their equations differently.

1. zero init → ŷ = ½ and nothing learns (Ng §3.1)   6. momentum beats GD on an ill-conditioned problem (Ng eq. 3.16)
2. constant init → symmetry (Ng §3.1)               7. L2: W := (1 − αλ)W − α∇J shrinks ‖W‖ and the gap (Ng eq. 3.17–3.21)
3. Xavier/He keep variance (Ng eq. 3.13)            8. the 3-2-1 network has 3d + 14 parameters (Ng §3.1)
4. no non-linearity → linear model (Ma eq. 2.16–2.20); the last layer is linear (Ma eq. 2.12)
5. XOR: one neuron cannot, two layers can (slides)
9. vectorized backprop = per-example loop, in a number of operations independent of n (Ma §4);
   its speed is in benchmarks/bench_vectorization.py
10. the backward pass costs about the forward pass (Ma §3, Theorem 3.1): counted in FLOPs

Each docstring names the mutation of the code it kills (tools/mutants.py, docs/mutation.md).
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
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import FlopCounterMode

F64 = torch.float64


def gradient_steps(model, loss_fn, x, y, optimizer, steps):
    for _ in range(steps):
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()


# 1 ─────────────────────────────────────────────────────────────────────────────
def test_claim1_zero_initialization_outputs_one_half_for_every_input():
    """Ng §3.1: with W = 0, b = 0 the sigmoid output is σ(0) = ½ whatever x is.

    Kills: ``initialize_`` leaving the biases as they were (σ(z^[r]) = σ(b^[r]) ≠ ½).
    """
    torch.manual_seed(0)  # the Xavier check below: ~2 % of seeds leave this tiny ReLU net dead, output constant
    model = cs229nn.nn.MLP([5, 3, 2, 1], "relu", output="sigmoid", dtype=F64)
    init.initialize_(model, "zeros")
    x = 10 * torch.randn(50, 5, dtype=F64)
    assert torch.equal(model(x), torch.full((50, 1), 0.5, dtype=F64))
    init.initialize_(model, "xavier")  # and the claim is specific to zeros
    assert model(x).std() > 1e-3


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_claim1_from_zeros_no_weight_learns(activation):
    """Ng §3.1: from all-zero weights every unit gets the same, here zero, gradient: training changes no W^[ℓ].

    With g(0) = 0 (ReLU, tanh) every a^[ℓ] is 0, so ∂J/∂W^[ℓ] = δ^[ℓ]ᵀ a^[ℓ−1] = 0 and
    δ^[ℓ−1] = δ^[ℓ] W^[ℓ] ⊙ g′ = 0; only the output bias b^[r] moves, so ŷ stays the
    same for every input (the base rate). Kills: ``initialize_`` leaving the biases as
    they were (then a^[ℓ] = g(b^[ℓ]) ≠ 0 and the weights learn).
    """
    torch.manual_seed(0)
    x = torch.randn(64, 5, dtype=F64)
    y = (x[:, :1] > 0).to(F64)  # depends on x: a network that learned would not be constant
    model = init.initialize_(cs229nn.nn.MLP([5, 3, 2, 1], activation, dtype=F64), "zeros")
    gradient_steps(model, cs229nn.nn.LogisticLoss(), x, y, SGD(model.parameters(), lr=0.5), steps=50)
    assert all(torch.equal(layer.weight, torch.zeros_like(layer.weight)) for layer in model.linear_layers)
    assert model[-1].bias.item() != 0  # the output bias did learn…
    with torch.no_grad():
        assert torch.equal(model(x), model(x[:1]).expand(64, 1))  # …but not x: one output for every input


# 2 ─────────────────────────────────────────────────────────────────────────────
def hidden_units_identical(model) -> bool:
    """Every hidden layer's units have the same incoming weights and bias (rows of W^[ℓ], entries of b^[ℓ]).

    Same up to rounding (1e-12): the rows of δᵀA are summed in different SIMD lanes, so
    they can differ in the last bit; broken symmetry differs by orders of magnitude more.
    """
    hidden = model.linear_layers[:-1]
    return all(torch.allclose(layer.weight, layer.weight[:1].expand_as(layer.weight), rtol=0, atol=1e-12)
               and torch.allclose(layer.bias, layer.bias[:1].expand_as(layer.bias), rtol=0, atol=1e-12)
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
def activation_variances(activation, fill, widths=(128,) * 11, n=256):
    """Var(a^[ℓ]) for ℓ = 1..depth of a network with layer widths ``widths`` fed N(0, 1) inputs (biases 0)."""
    g = torch.Generator().manual_seed(0)
    depth = len(widths) - 1
    weights = [fill(torch.empty(widths[k + 1], widths[k], dtype=F64), generator=g) for k in range(depth)]
    net = Network(weights + [torch.zeros(1, widths[-1], dtype=F64)], [None] * (depth + 1), activation)
    acts = forward(net, torch.randn(n, widths[0], generator=g, dtype=F64)).activations
    return [float(acts[k].var()) for k in range(1, depth + 1)]


@pytest.mark.parametrize("activation, scheme, within", [("relu", init.he_normal_, 2.0), ("tanh", init.xavier_normal_, 10.0)])
def test_claim3_xavier_and_he_keep_the_activation_variance_within_a_small_factor(activation, scheme, within):
    v = activation_variances(activation, scheme)
    # He + ReLU: measured 1.6; Xavier + tanh decays slowly (like 1/ℓ, tanh′ < 1): measured 7.7.
    assert max(v) / min(v) < within


@pytest.mark.parametrize("m, d", [(256, 64), (64, 256)])
def test_claim3_xavier_averages_the_forward_and_backward_variance_gains_to_one(m, d):
    """Ng eq. 3.13, Var(w) = 2 / (n^[ℓ] + n^[ℓ−1]), on a layer that is not square.

    Forward, Var(z)/Var(a) = d·Var(w); backward, Var(∂J/∂a)/Var(δ) = m·Var(w). Xavier
    makes their mean 1 (measured 0.4 and 1.6, or 1.6 and 0.4). Kills: Var(w) = 1/fan_in
    (mean 2.5 or 0.625), or fan_in and fan_out swapped — on a square layer both pass.
    """
    g = torch.Generator().manual_seed(0)
    W = init.xavier_normal_(torch.empty(m, d, dtype=F64), generator=g)
    a, delta = torch.randn(4096, d, generator=g, dtype=F64), torch.randn(4096, m, generator=g, dtype=F64)
    forward_gain, backward_gain = float((a @ W.T).var() / a.var()), float((delta @ W).var() / delta.var())
    assert (forward_gain + backward_gain) / 2 == pytest.approx(1.0, abs=0.05)
    assert forward_gain == pytest.approx(2 * d / (m + d), rel=0.05)


def test_claim3_he_keeps_relu_variance_through_layers_that_change_width():
    """He, Var(w) = 2 / fan_in, on widths 64 → 256 → 64 → …: the ReLU activations keep their variance.

    Kills: He with fan_out (each widening layer would shrink the variance 4×), which
    square layers cannot tell from fan_in.
    """
    v = activation_variances("relu", init.he_normal_, widths=[64, 256] * 5)
    assert max(v) / min(v) < 2.0


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
    # W̃ = W^[r] ⋯ W^[1] (Ma eq. 2.20) and, with biases, b̃ = W^[r] ⋯ W^[2] b^[1] + … + b^[r].
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


def test_claim4_the_output_layer_has_no_activation():
    """Ma eq. 2.12: h_θ(x) = W^[r] a^[r−1] + b^[r], the hidden g only up to layer r − 1 (eq. 2.13).

    :func:`cs229nn.backprop.forward` must agree with the MLP it was built from.
    Kills: ``backprop.forward`` applying the hidden activation to the output layer too.
    """
    torch.manual_seed(0)
    model = cs229nn.nn.MLP([3, 5, 4, 2], "relu", dtype=F64)
    x = torch.randn(30, 3, dtype=F64)
    result = forward(Network.from_mlp(model), x)
    with torch.no_grad():
        assert torch.equal(result.activations[3], result.pre_activations[3])
        assert torch.allclose(result.activations[3], model(x), rtol=1e-12, atol=1e-14)
        assert bool((model(x) < 0).any())  # a ReLU on the output could not have produced this


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


def test_claim7_one_l2_step_is_exactly_the_notes_update():
    """Ng eq. 3.21: W := (1 − αλ)W − α ∂J/∂W for weights; biases are not decayed.

    Kills: (1 − αλ/2)W (the ½ of (λ/2)‖W‖² not cancelled), decayed biases.
    The measurements above pass with either.
    """
    torch.manual_seed(0)
    model = cs229nn.nn.MLP([4, 3, 1], "tanh", dtype=F64)
    x, y = torch.randn(8, 4, dtype=F64), torch.randn(8, 1, dtype=F64)
    alpha, lam = 0.1, 0.3
    cs229nn.nn.SquaredLoss()(model(x), y).backward()
    before = {name: (p.detach().clone(), p.grad.clone()) for name, p in model.named_parameters()}
    SGD(model.parameters(), lr=alpha, weight_decay=lam).step()
    for name, p in model.named_parameters():
        W, grad = before[name]
        expected = (1 - alpha * lam) * W - alpha * grad if p.dim() >= 2 else W - alpha * grad
        assert torch.allclose(p, expected, rtol=1e-14, atol=1e-15), name


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


class OpCounter(TorchDispatchMode):
    """Counts the tensor operations (aten calls) run inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.count += 1
        return func(*args, **(kwargs or {}))


def operations(fn, *args) -> int:
    with OpCounter() as counter:
        fn(*args)
    return counter.count


def test_claim9_vectorized_backprop_runs_the_same_operations_for_any_n():
    """Ma §4: vectorizing over the examples turns n per-example passes into one pass of matrix operations.

    The operation count of :func:`backprop` does not depend on n; the loop's grows with n.
    Kills: a vectorized ``backprop`` that calls the per-example loop (the result is
    the same; the equality test above cannot see it). How much faster one pass is
    is measured in ``benchmarks/bench_vectorization.py``, not here.
    """
    torch.manual_seed(0)
    net = Network.from_mlp(cs229nn.nn.MLP([10, 32, 3], "relu", dtype=F64))
    data = {n: (torch.randn(n, 10, dtype=F64), torch.randint(0, 3, (n,))) for n in (10, 40)}
    vectorized = {n: operations(backprop, net, x, y, "multiclass") for n, (x, y) in data.items()}
    looped = {n: operations(backprop_per_example, net, x, y, "multiclass") for n, (x, y) in data.items()}
    assert vectorized[10] == vectorized[40]
    assert looped[40] > 3 * looped[10]


# 10 ────────────────────────────────────────────────────────────────────────────
def flops(fn, *args) -> int:
    with FlopCounterMode(display=False) as counter:
        fn(*args)
    return counter.get_total_flops()


@pytest.mark.parametrize("mode", cs229nn.MODES)
@pytest.mark.parametrize("sizes", [[10, 32, 3], [20, 64, 64, 16, 5]])
def test_claim10_the_backward_pass_costs_two_forward_passes_at_most(sizes, mode):
    """Ma §3, Theorem 3.1: the gradient costs O(N) for a circuit of size N; for a network, ≤ 2 forward passes.

    Counting the multiply-adds of the matrix products: each layer's forward
    Z = A Wᵀ + b costs F_ℓ; its backward costs F_ℓ for ∂J/∂W = δᵀ A and F_ℓ for
    ∂J/∂A = δ W, except at layer 1, where ∂J/∂x is not needed. So backward =
    2·forward − F_1 exactly, for the modules (either mode) and for Ma Algorithm 4.
    Kills: the input gradient computed although nobody needs it (``needs_input_grad``
    ignored in the linear backward, or Ma Algorithm 4 computing ∂J/∂a^[0]).
    """
    torch.manual_seed(0)
    model = cs229nn.nn.MLP(sizes, "relu", mode=mode, dtype=F64)
    n = 50
    x, y = torch.randn(n, sizes[0], dtype=F64), torch.randint(0, sizes[-1], (n,))
    first_layer = 2 * n * sizes[0] * sizes[1]
    with FlopCounterMode(display=False) as counter:
        loss = cs229nn.nn.SoftmaxCrossEntropy(mode=mode)(model(x), y)
    forward_flops = counter.get_total_flops()
    assert flops(loss.backward) == 2 * forward_flops - first_layer
    net = Network.from_mlp(model)
    assert flops(forward, net, x) == forward_flops
    assert flops(backprop, net, x, y, "multiclass") - forward_flops == 2 * forward_flops - first_layer
