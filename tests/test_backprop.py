"""Ma Algorithm 4 from scratch: every δ^[k] and gradient equals autograd's, in both versions.

The reference is plain torch (torch.relu, F.cross_entropy, …) differentiated by
autograd, with hooks (retain_grad) on every z^[k] for δ^[k]. A correct
implementation agrees to ~1e-15 relative in float64; the tests allow 1e-10.
"""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import cs229nn
from cs229nn.backprop import HEADS, Network, backprop, backprop_per_example, forward
from conftest import DEVICES
from reference import assert_close_rel
from strategies import batch_sizes, seeds, widths

TOL = 1e-10
TORCH_ACTIVATIONS = {
    "relu": (torch.relu, ()),
    "sigmoid": (torch.sigmoid, ()),
    "tanh": (torch.tanh, ()),
    "leaky_relu": (lambda z, s: F.leaky_relu(z, s), (0.1,)),
    "elu": (lambda z, alpha: F.elu(z, alpha), (1.3,)),
    "identity": (lambda z: z, ()),
}
TORCH_LOSSES = {  # summed over examples; divided by n for the mean
    "regression": lambda z, y: 0.5 * ((z - y) ** 2).sum(),
    "binary": lambda z, y: F.binary_cross_entropy_with_logits(z, y, reduction="sum"),
    "multiclass": lambda z, y: F.cross_entropy(z, y, reduction="sum"),
}


def random_problem(sizes, head, activation, n=6, device="cpu", seed=0):
    g = torch.Generator().manual_seed(seed)
    kw = {"dtype": torch.float64}
    weights = [torch.randn(m, d, generator=g, **kw).to(device) / d**0.5 for d, m in zip(sizes[:-1], sizes[1:])]
    biases = [torch.randn(m, generator=g, **kw).to(device) for m in sizes[1:]]
    x = torch.randn(n, sizes[0], generator=g, **kw).to(device)
    k = sizes[-1]
    if head == "regression":
        y = torch.randn(n, k, generator=g, **kw)
    elif head == "binary":
        y = torch.randint(0, 2, (n, k), generator=g).double()
    else:
        y = torch.randint(0, k, (n,), generator=g)
    params = TORCH_ACTIVATIONS[activation][1]
    return Network(weights, biases, activation, params), x, y.to(device)


def autograd_reference(net: Network, x, y, head, reduction="mean"):
    """(J, {k: δ^[k]}, {k: ∂J/∂W^[k]}, {k: ∂J/∂b^[k]}) by torch autograd."""
    g, params = TORCH_ACTIVATIONS[net.activation]
    weights = [W.clone().requires_grad_() for W in net.weights]
    biases = [b.clone().requires_grad_() for b in net.biases]
    zs, a = {}, x
    for k, (W, b) in enumerate(zip(weights, biases), start=1):
        zs[k] = a @ W.T + b
        zs[k].retain_grad()
        a = g(zs[k], *params) if k < len(weights) else zs[k]
    J = TORCH_LOSSES[head](zs[len(weights)], y) / (x.shape[0] if reduction == "mean" else 1)
    J.backward()
    return J.detach(), {k: z.grad for k, z in zs.items()}, dict(enumerate((W.grad for W in weights), 1)), dict(enumerate((b.grad for b in biases), 1))


def assert_matches_autograd(result, net, x, y, head, reduction="mean"):
    J, deltas, grad_W, grad_b = autograd_reference(net, x, y, head, reduction)
    assert_close_rel(result.loss, J, TOL)
    assert sorted(result.deltas) == list(range(1, net.depth + 1))
    for k in deltas:
        assert_close_rel(result.deltas[k], deltas[k], TOL)
        assert_close_rel(result.weight_grads[k], grad_W[k], TOL)
        assert_close_rel(result.bias_grads[k], grad_b[k], TOL)


@pytest.mark.parametrize("depth", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("activation", sorted(TORCH_ACTIVATIONS))
@pytest.mark.parametrize("head", sorted(HEADS))
def test_every_delta_and_gradient_equals_autograd(head, activation, depth):
    sizes = [3, 5, 4, 6, 3, 2][: depth] + [3]
    net, x, y = random_problem(sizes, head, activation, seed=depth)
    assert_matches_autograd(backprop(net, x, y, head), net, x, y, head)
    assert_matches_autograd(backprop_per_example(net, x, y, head), net, x, y, head)


@pytest.mark.parametrize("head", sorted(HEADS))
def test_sum_reduction_gives_the_notes_per_example_deltas(head):
    net, x, y = random_problem([4, 5, 3], head, "tanh")
    result = backprop(net, x, y, head, reduction="sum")
    assert_matches_autograd(result, net, x, y, head, reduction="sum")
    # Row i of δ^[r] is ∂J^(i)/∂z^[r] of example i alone.
    single = backprop(net, x[2:3], y[2:3], head, reduction="sum")
    assert torch.allclose(result.deltas[2][2:3], single.deltas[2], rtol=0, atol=1e-15)


@pytest.mark.parametrize("head", sorted(HEADS))
def test_per_example_loop_agrees_with_vectorized(head):
    net, x, y = random_problem([3, 6, 5, 4], head, "elu", n=9)
    fast, slow = backprop(net, x, y, head), backprop_per_example(net, x, y, head)
    assert_close_rel(slow.loss, fast.loss, 1e-14)
    for k in range(1, 4):
        for name in ("pre_activations", "activations", "deltas", "weight_grads", "bias_grads"):
            assert_close_rel(getattr(slow, name)[k], getattr(fast, name)[k], 1e-13)
    assert torch.equal(slow.activations[0], x)


def test_head_outputs_are_identity_sigmoid_softmax():
    for head, h in (("regression", lambda z: z), ("binary", torch.sigmoid), ("multiclass", lambda z: torch.softmax(z, 1))):
        net, x, y = random_problem([3, 4, 3], head, "relu")
        result = backprop(net, x, y, head)
        assert torch.allclose(result.activations[2], h(result.pre_activations[2]), rtol=0, atol=1e-15)
        # The notes' output deltas: a^[r] − y (regression, binary), softmax − onehot (multiclass), times 1/n.
        target = F.one_hot(y, 3).double() if head == "multiclass" else y
        assert torch.allclose(result.deltas[2], (result.activations[2] - target) / len(x), rtol=0, atol=1e-15)


def test_runs_without_autograd_on_plain_tensors():
    net, x, y = random_problem([3, 4, 1], "regression", "sigmoid")
    with torch.no_grad():
        result = backprop(net, x, y)
    assert not any(t.requires_grad for t in result.grads())
    assert result.loss.grad_fn is None


@pytest.mark.parametrize("mode", cs229nn.MODES)
def test_from_mlp_gives_the_gradients_of_the_model(mode):
    torch.manual_seed(0)
    model = cs229nn.nn.MLP([4, 6, 5, 3], "leaky_relu", mode=mode, dtype=torch.float64)
    x, y = torch.randn(7, 4, dtype=torch.float64), torch.randint(0, 3, (7,))
    cs229nn.nn.SoftmaxCrossEntropy(mode=mode)(model(x), y).backward()
    result = backprop(Network.from_mlp(model), x, y.to(torch.uint8), head="multiclass")  # any integer labels
    params = list(model.parameters())
    assert len(result.grads()) == len(params)
    for p, g in zip(params, result.grads()):
        assert_close_rel(g, p.grad, TOL)


def test_from_mlp_without_bias_and_without_hidden_layers():
    model = cs229nn.nn.MLP([3, 2], bias=False, dtype=torch.float64)
    net = Network.from_mlp(model)
    assert net.biases == [None] and net.activation == "identity"
    x, y = torch.randn(4, 3, dtype=torch.float64), torch.randn(4, 2, dtype=torch.float64)
    result = backprop(net, x, y)
    assert result.bias_grads[1] is None and len(result.grads()) == 1
    cs229nn.nn.SquaredLoss()(model(x), y).backward()
    assert_close_rel(result.weight_grads[1], model[0].weight.grad, TOL)


@pytest.mark.parametrize("device", DEVICES)
def test_forward_stores_every_layer_on_any_device(device):
    net, x, _ = random_problem([3, 4, 5, 2], "regression", "relu", device=device)
    result = forward(net, x)
    assert sorted(result.pre_activations) == [1, 2, 3] and sorted(result.activations) == [0, 1, 2, 3]
    assert torch.equal(result.activations[1], torch.relu(result.pre_activations[1]))
    assert result.activations[3].device.type == device


@pytest.mark.parametrize("device", DEVICES)
def test_backprop_on_device(device):
    net, x, y = random_problem([3, 4, 2], "multiclass", "tanh", device=device)
    result = backprop(net, x, y, "multiclass")
    assert result.weight_grads[1].device.type == device
    assert_matches_autograd(result, net, x, y, "multiclass")


@given(
    sizes=st.lists(widths, min_size=2, max_size=6),
    n=batch_sizes,
    activation=st.sampled_from(sorted(TORCH_ACTIVATIONS)),
    seed=seeds,
)
def test_property_random_networks_match_autograd(sizes, n, activation, seed):
    net, x, y = random_problem(sizes, "regression", activation, n=n, seed=seed)
    assert_matches_autograd(backprop(net, x, y), net, x, y, "regression")


def test_errors_speak_the_notes_notation():
    net, x, y = random_problem([3, 4, 2], "regression", "relu")
    with pytest.raises(ValueError, match="head must be one of"):
        backprop(net, x, y, head="poisson")
    with pytest.raises(ValueError, match=r"a\^\[0\] must be \(n, d\) = \(n, 3\)"):
        backprop(net, x[:, :2], y)
    with pytest.raises(ValueError, match=r"y must have the same shape as z\^\[r\]"):
        backprop(net, x, y[:, 0])
    with pytest.raises(ValueError, match=r"W\^\[2\]"):
        backprop(Network(net.weights[:1] + [torch.randn(2, 5, dtype=torch.float64)], net.biases), x, y)
    with pytest.raises(ValueError, match="unknown activation"):
        Network(net.weights, net.biases, "swish")
    with pytest.raises(ValueError, match="ends with its last Linear"):
        Network.from_mlp(cs229nn.nn.MLP([2, 3, 1], output="sigmoid"))
    with pytest.raises(ValueError, match=r"class indices in \[0, k\)"):
        backprop(net, x, torch.tensor([0, 1, 2, 0, 1, 0]), head="multiclass")
    with pytest.raises(ValueError, match="alternate Linear and activation"):
        Network.from_mlp(torch.nn.Sequential(cs229nn.nn.Linear(2, 3), cs229nn.nn.ReLU(), cs229nn.nn.Linear(3, 3), cs229nn.nn.Linear(3, 1)))
    with pytest.raises(ValueError, match=r"'leaky_relu' takes 1 parameter"):
        Network(net.weights, net.biases, "leaky_relu")
    with pytest.raises(ValueError, match=r"'relu' takes 0 parameter"):
        Network(net.weights, net.biases, "relu", (0.1,))
