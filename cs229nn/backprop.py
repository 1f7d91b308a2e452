r"""Back-propagation from scratch: Ma Algorithm 4 (Ma §3.3), without autograd.

The forward pass stores every pre-activation z^[k] and activation a^[k]; the
backward pass walks k = r, …, 1 and computes

* δ^[r] = ∂J/∂z^[r] from the output head (Ma eq. 3.16 for the squared loss),
* δ^[k] = (W^[k+1]ᵀ δ^[k+1]) ⊙ g′(z^[k])            (Ma Algorithm 4, line 7),
* ∂J/∂W^[k] = δ^[k] a^[k−1]ᵀ,  ∂J/∂b^[k] = δ^[k]     (Ma Algorithm 4, line 8).

It exists twice:

* :func:`backprop_per_example` loops over the examples x^(i) with column
  vectors, exactly as the notes write it (for reading, not for speed);
* :func:`backprop` does the same for all n examples at once with examples in
  rows (Ma §4), the layout the package's layers use (with W kept (m, d), not eq. 4.4's d × m).

Both take g′ and the output δ from the package's one copy of that math (the
activations' and the losses' ``delta``). The vectorized version also uses
:func:`~cs229nn.functional.linear.linear_backward`; the per-example version
spells out δ a^T and W^T δ with column vectors, because that is the lesson.
Everything runs under ``torch.no_grad()``.

>>> net = Network.from_mlp(cs229nn.nn.MLP([2, 4, 1], "tanh"))
>>> result = backprop(net, torch.randn(5, 2), torch.randn(5, 1))
>>> result.deltas[1].shape          # δ^[1]: one row per example
torch.Size([5, 4])
"""

import inspect
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

import torch

from cs229nn.functional.activations import ACTIVATIONS
from cs229nn.functional.linear import check_linear_inputs, linear_backward
from cs229nn.functional.losses import (
    LogisticLossFunction,
    SoftmaxCrossEntropyFunction,
    SquaredLossFunction,
    check_class_labels,
    check_prediction_target,
    check_reduction,
    reduction_scale,
)
from cs229nn.nn.activations import ACTIVATION_MODULES
from cs229nn.nn.linear import Linear


@dataclass(frozen=True)
class Head:
    """The last layer's activation a^[r] = h(z^[r]) fused with its loss, so that δ^[r] is simple."""

    output: Callable[[torch.Tensor], torch.Tensor]  # h on rows (n, k)
    loss: type  # a cs229nn.functional.losses Function with cost(z, y, reduction) and delta(z, y)
    check: Callable[[torch.Tensor, torch.Tensor], None]


HEADS: Dict[str, Head] = {
    # identity + ½‖o − y‖²: δ^[r] = z^[r] − y (Ma eq. 3.16)
    "regression": Head(lambda z: z, SquaredLossFunction, lambda z, y: check_prediction_target(z, "z^[r]", y)),
    # sigmoid + logistic loss: δ^[r] = σ(z^[r]) − y
    "binary": Head(torch.sigmoid, LogisticLossFunction, lambda z, y: check_prediction_target(z, "z^[r]", y)),
    # softmax + cross-entropy: δ^[r] = softmax(z^[r]) − onehot(y)
    "multiclass": Head(lambda z: torch.softmax(z, dim=1), SoftmaxCrossEntropyFunction, check_class_labels),
}


@dataclass
class Network:
    r"""The parameters of a fully connected network (Ma eq. 2.12–2.13), as plain tensors.

    a^[0] = x, a^[k] = g(W^[k] a^[k−1] + b^[k]) for k < r; the output layer's
    activation belongs to the head chosen in :func:`backprop`.

    Args:
        weights: [W^[1], …, W^[r]], W^[k] of shape (m_k, m_{k−1}) as in Ma eq. 2.9.
        biases: [b^[1], …, b^[r]], b^[k] of shape (m_k,), or None entries for no bias.
        activation: the hidden activation g, a key of
            :data:`cs229nn.functional.ACTIVATIONS` ("relu", "tanh", …).
        activation_params: extra arguments of g (the slope of "leaky_relu",
            α of "elu").
    """

    weights: List[torch.Tensor]
    biases: List[Optional[torch.Tensor]]
    activation: str = "relu"
    activation_params: Tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if len(self.weights) == 0 or len(self.weights) != len(self.biases):
            raise ValueError(
                f"a network needs r ≥ 1 weights W^[1..r] and as many biases b^[1..r] (None for none), "
                f"got {len(self.weights)} weights and {len(self.biases)} biases"
            )
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}; choose one of {sorted(ACTIVATIONS)}")
        wanted = len(inspect.signature(ACTIVATIONS[self.activation].forward).parameters) - 1  # beyond z
        if len(self.activation_params) != wanted:
            raise ValueError(
                f"activation {self.activation!r} takes {wanted} parameter(s) (e.g. the slope of leaky_relu, α of elu), "
                f"got activation_params={tuple(self.activation_params)}"
            )

    @property
    def depth(self) -> int:
        """r, the number of layers."""
        return len(self.weights)

    @classmethod
    def from_mlp(cls, mlp: torch.nn.Module) -> "Network":
        """The (detached, shared-storage) parameters of a :class:`cs229nn.nn.MLP`.

        The MLP must end with its last Linear (``output="identity"``): the output
        activation belongs to the head of :func:`backprop`.
        """
        layers = list(mlp.children())
        linears = [m for m in layers if isinstance(m, Linear)]
        hidden = [m for m in layers if not isinstance(m, Linear)]
        if not linears or not isinstance(layers[-1], Linear):
            raise ValueError(
                "backprop needs an MLP that ends with its last Linear layer (output='identity'); "
                "the output activation is chosen by head='regression' | 'binary' | 'multiclass'"
            )
        # Linear, g, Linear, g, …, Linear: anything else (two Linears in a row) is not Ma eq. 2.12.
        if any(isinstance(m, Linear) != (i % 2 == 0) for i, m in enumerate(layers)):
            raise ValueError(
                "backprop needs layers that alternate Linear and activation (Ma eq. 2.12), got "
                f"{[type(m).__name__ for m in layers]}"
            )
        names = {module_cls: name for name, module_cls in ACTIVATION_MODULES.items()}
        kinds = {(names.get(type(m)), _activation_params(m)) for m in hidden}
        if len(kinds) > 1 or None in {k for k, _ in kinds}:
            raise ValueError(f"backprop needs one hidden activation from {sorted(ACTIVATION_MODULES)}, got {[type(m).__name__ for m in hidden]}")
        activation, params = kinds.pop() if kinds else ("identity", ())
        return cls(
            [lin.weight.detach() for lin in linears],
            [None if lin.bias is None else lin.bias.detach() for lin in linears],
            activation,
            params,
        )


def _activation_params(module: torch.nn.Module) -> Tuple[float, ...]:
    if hasattr(module, "negative_slope"):
        return (module.negative_slope,)
    if hasattr(module, "alpha"):
        return (module.alpha,)
    return ()


@dataclass
class Backprop:
    r"""Everything Ma Algorithm 4 computes, indexed by the notes' layer number k.

    Attributes:
        loss: J, the cost (mean or sum over the examples).
        pre_activations: {k: z^[k]} for k = 1, …, r.
        activations: {k: a^[k]} for k = 0, …, r (a^[0] = x, a^[r] = h(z^[r])).
        deltas: {k: δ^[k] = ∂J/∂z^[k]} for k = 1, …, r. With ``reduction="sum"``
            row i is the notes' per-example δ^[k] of x^(i); "mean" divides by n.
        weight_grads: {k: ∂J/∂W^[k]}, shaped like W^[k].
        bias_grads: {k: ∂J/∂b^[k]} (None where the layer has no bias).

    Tensors are (n, m_k), examples in rows, in both versions of the algorithm.
    """

    loss: torch.Tensor
    pre_activations: Dict[int, torch.Tensor] = field(default_factory=dict)
    activations: Dict[int, torch.Tensor] = field(default_factory=dict)
    deltas: Dict[int, torch.Tensor] = field(default_factory=dict)
    weight_grads: Dict[int, torch.Tensor] = field(default_factory=dict)
    bias_grads: Dict[int, Optional[torch.Tensor]] = field(default_factory=dict)

    def grads(self) -> List[torch.Tensor]:
        """[∂J/∂W^[1], ∂J/∂b^[1], …]: the order of ``MLP.parameters()``, to compare with ``p.grad``."""
        out = []
        for k in sorted(self.weight_grads):
            out.append(self.weight_grads[k])
            if self.bias_grads[k] is not None:
                out.append(self.bias_grads[k])
        return out


def _check_layers(net: Network, x: torch.Tensor) -> None:
    """x must be (n, d) and each W^[k] must take the m_{k−1} outputs of the layer below."""
    check_linear_inputs(x, net.weights[0], net.biases[0], layer=1)
    for k in range(2, net.depth + 1):
        a_below = x.new_empty(0, net.weights[k - 2].shape[0])  # a^[k−1] has m_{k−1} columns
        check_linear_inputs(a_below, net.weights[k - 1], net.biases[k - 1], layer=k)


def _head(head: str, reduction: str) -> Head:
    if head not in HEADS:
        raise ValueError(f"head must be one of {sorted(HEADS)}, got {head!r}")
    check_reduction(reduction)
    return HEADS[head]


def forward(net: Network, x: torch.Tensor) -> Backprop:
    r"""The forward pass of Ma Algorithm 4 (line 1) for all examples at once, storing every z^[k], a^[k].

    z^[k] = a^[k−1] W^[k]ᵀ + b^[k] with examples in rows (Ma §4; eq. 4.4 with W^[k] kept (m, d));
    a^[k] = g(z^[k]) for k < r and a^[r] = z^[r] (Ma eq. 2.12; the head's h is applied by
    :func:`backprop`). The returned ``loss`` is empty (NaN): no targets yet.

    Shape:
        - x: (n, d). Every z^[k], a^[k]: (n, m_k).
    """
    _check_layers(net, x)
    g = ACTIVATIONS[net.activation]
    result = Backprop(loss=x.new_tensor(float("nan")), activations={0: x})
    with torch.no_grad():
        a = x
        for k, (W, b) in enumerate(zip(net.weights, net.biases), start=1):
            z = a.mm(W.t()) if b is None else torch.addmm(b, a, W.t())
            a = g.forward(z, *net.activation_params) if k < net.depth else z
            result.pre_activations[k], result.activations[k] = z, a
    return result


def backprop(net: Network, x: torch.Tensor, y: torch.Tensor, head: str = "regression", reduction: str = "mean") -> Backprop:
    r"""Ma Algorithm 4 vectorized over the n examples (rows, Ma §4).

    δ^[r] = ∂J/∂z^[r] comes from the head's loss ``delta`` (times 1/n for the
    mean); then for k = r, …, 1, :func:`linear_backward` gives
    ∂J/∂W^[k] = δ^[k]ᵀ a^[k−1], ∂J/∂b^[k] = Σ_i δ^[k]_i and ∂J/∂a^[k−1] = δ^[k] W^[k],
    and the activation's ``delta`` turns the last into δ^[k−1] = ∂J/∂a^[k−1] ⊙ g′(z^[k−1]).

    Args:
        net: the parameters, e.g. ``Network.from_mlp(model)``.
        x: inputs, (n, d).
        y: targets: (n, k) floats for "regression" and "binary" (labels in {0, 1}),
            (n,) class indices (long) for "multiclass".
        head: "regression" (identity + squared loss, δ^[r] = z^[r] − y, Ma eq. 3.16),
            "binary" (sigmoid + logistic loss, δ^[r] = a^[r] − y) or
            "multiclass" (softmax + cross-entropy, δ^[r] = softmax(z^[r]) − onehot(y)).
        reduction: "mean" for J = (1/n) Σ_i J^(i) (the notes' cost), or "sum".
    """
    spec = _head(head, reduction)
    g = ACTIVATIONS[net.activation]
    result = forward(net, x)
    r = net.depth
    with torch.no_grad():
        z_r = result.pre_activations[r]
        spec.check(z_r, y)
        if head == "multiclass":
            y = y.long()  # any integer dtype is accepted; gather needs int64
        result.activations[r] = spec.output(z_r)
        result.loss = spec.loss.cost(z_r, y, reduction)
        delta = spec.loss.delta(z_r, y) * reduction_scale(z_r, reduction)
        for k in range(r, 0, -1):
            result.deltas[k] = delta
            W, b = net.weights[k - 1], net.biases[k - 1]
            grad_a, result.weight_grads[k], result.bias_grads[k] = linear_backward(
                delta, result.activations[k - 1], W, (k > 1, True, b is not None)
            )
            if k > 1:
                z, a = result.pre_activations[k - 1], result.activations[k - 1]
                delta = g.delta(grad_a, z, a, *net.activation_params)
    return result


def backprop_per_example(
    net: Network, x: torch.Tensor, y: torch.Tensor, head: str = "regression", reduction: str = "mean"
) -> Backprop:
    r"""Ma Algorithm 4 written literally: one example x^(i) at a time, as column vectors.

    For each i: z^[k] = W^[k] a^[k−1] + b^[k] ∈ R^{m_k×1}, then
    δ^[k] = (W^[k+1]ᵀ δ^[k+1]) ⊙ g′(z^[k]), ∂J^(i)/∂W^[k] = δ^[k] a^[k−1]ᵀ and
    ∂J^(i)/∂b^[k] = δ^[k]; the gradients of J are the average (or sum) over i.

    Same arguments and result as :func:`backprop` (stored tensors are stacked
    back into rows so that the two can be compared); it is hundreds of times
    slower (``benchmarks/bench_vectorization.py``) and exists to be read next to
    the notes and to check :func:`backprop`.
    """
    spec = _head(head, reduction)
    _check_layers(net, x)
    g = ACTIVATIONS[net.activation]
    r, n = net.depth, x.shape[0]
    scale = reduction_scale(x, reduction)
    stored: Dict[str, Dict[int, List[torch.Tensor]]] = {"z": {}, "a": {}, "delta": {}}
    with torch.no_grad():
        spec.check(x.new_empty(n, net.weights[-1].shape[0]), y)
        weight_grads = {k: torch.zeros_like(W) for k, W in enumerate(net.weights, start=1)}
        bias_grads = {k: None if b is None else torch.zeros_like(b) for k, b in enumerate(net.biases, start=1)}
        loss = x.new_zeros(())
        for i in range(n):
            a = {0: x[i].unsqueeze(1)}  # a^[0] = x^(i) ∈ R^{d×1}
            z = {}
            for k in range(1, r + 1):
                W, b = net.weights[k - 1], net.biases[k - 1]
                z[k] = W.mm(a[k - 1]) if b is None else W.mm(a[k - 1]) + b.unsqueeze(1)
                a[k] = g.forward(z[k], *net.activation_params) if k < r else z[k]
            # The losses work on rows: z^[r]ᵀ is the 1×k row of example i.
            y_i = y[i : i + 1]
            loss += spec.loss.cost(z[r].t(), y_i, "sum") * scale
            a[r] = spec.output(z[r].t()).t()
            delta = {r: spec.loss.delta(z[r].t(), y_i).t() * scale}
            for k in range(r, 0, -1):
                weight_grads[k] += delta[k].mm(a[k - 1].t())  # δ^[k] a^[k−1]ᵀ
                if bias_grads[k] is not None:
                    bias_grads[k] += delta[k].squeeze(1)
                if k > 1:
                    grad_a = net.weights[k - 1].t().mm(delta[k])  # W^[k]ᵀ δ^[k]
                    delta[k - 1] = g.delta(grad_a, z[k - 1], a[k - 1], *net.activation_params)
            for key, columns in (("z", z), ("a", a), ("delta", delta)):
                for k, column in columns.items():
                    stored[key].setdefault(k, []).append(column.t())
    rows = {key: {k: torch.cat(stored[key][k]) for k in sorted(stored[key])} for key in stored}
    return Backprop(loss, rows["z"], rows["a"], rows["delta"], weight_grads, bias_grads)
