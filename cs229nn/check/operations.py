"""The operations the labs ask students to write, as the trusted side knows them.

For each: the notes' symbols of its inputs, which inputs need a gradient, a few
input shapes (batch 1 and non-square weights among them), how to draw inputs
that expose the catalogue's mistakes (exact zeros for ReLU′(0), huge logits for
an unstable softmax, p = 0 and 1 for log(0), ties for max-pooling), an autograd
reference, and the gradients recomputed *under* named mistakes (the
``variants`` of :class:`cs229nn.check.catalogue.Context`).

Nothing here runs student code.
"""

from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

from cs229nn.functional.conv import filter_gradient, input_gradient

Shapes = Tuple[Tuple[int, ...], ...]
Variants = Dict[int, Dict[str, List[Tuple[str, torch.Tensor]]]]  # input index -> mistake id -> [(detail, gradient)]


@dataclass(frozen=True)
class Case:
    """One draw: the shapes of the tensor inputs and the non-tensor arguments that follow them."""

    shapes: Shapes
    args: Tuple = ()


@dataclass(frozen=True)
class Operation:
    name: str
    symbols: Tuple[str, ...]
    needs_grad: Tuple[bool, ...]
    cases: Tuple[Case, ...]
    reference: Callable[..., torch.Tensor]  # (*tensors, *args) -> output, differentiated by autograd
    draw: Callable[[torch.Generator, Shapes, torch.dtype], List[torch.Tensor]]
    variants: Callable[[Sequence[torch.Tensor], torch.Tensor, Tuple], Variants] = lambda inputs, upstream, args: {}
    params: Callable[[Tuple], Dict[str, float]] = lambda args: {}
    elementwise: bool = False  # an activation: the Context gets z and the upstream


def _randn(g: torch.Generator, shape: Sequence[int], dtype: torch.dtype, scale: float = 1.0) -> torch.Tensor:
    return scale * torch.randn(*shape, generator=g, dtype=torch.float64).to(dtype)


def _gaussians(scale: float = 1.0, zeros: bool = False):
    def draw(g, shapes, dtype):
        tensors = [_randn(g, s, dtype, scale) for s in shapes]
        if zeros:  # exact zeros, where ReLU′ is a convention
            tensors[0].view(-1)[::4] = 0
        return tensors

    return draw


# ---- element-wise activations -----------------------------------------------------------------

ACTIVATION_CASES = (Case(((5, 4),)), Case(((1, 3),)), Case(((2, 3, 4),)))


def _activation_variants(wrong_points: Callable[[torch.Tensor, torch.Tensor], List[Tuple[str, torch.Tensor]]] = lambda z, G: [],
                         convention: Callable[[torch.Tensor, torch.Tensor], Optional[torch.Tensor]] = lambda z, G: None):
    def variants(inputs, G, args):
        (z,) = inputs[:1]
        found: Dict[str, List[Tuple[str, torch.Tensor]]] = {"missing_g_prime": [("", G)], "g_prime_wrong_point": wrong_points(z, G)}
        accepted = convention(z, G)
        if accepted is not None:
            found["relu_zero_convention"] = [("", accepted)]
        return {0: found}

    return variants


def _sigmoid_points(z, G):
    a = torch.sigmoid(z)
    return [
        ("σ(a)(1 − σ(a)) with a = σ(z); σ′(z) = a(1 − a) uses the saved a itself", G * torch.sigmoid(a) * (1 - torch.sigmoid(a))),
        ("z(1 − z): z used where a = σ(z) is needed, σ′(z) = a(1 − a)", G * z * (1 - z)),
    ]


def _tanh_points(z, G):
    a = torch.tanh(z)
    return [
        ("1 − tanh(a)² with a = tanh(z); tanh′(z) = 1 − a² uses the saved a itself", G * (1 - torch.tanh(a) ** 2)),
        ("1 − z²: z used where a = tanh(z) is needed, tanh′(z) = 1 − a²", G * (1 - z**2)),
    ]


def _activation(name, reference, draw, wrong_points=lambda z, G: [], convention=lambda z, G: None, args=(), params=lambda a: {}):
    return Operation(name, ("z",), (True,), tuple(Case(c.shapes, args) for c in ACTIVATION_CASES), reference, draw,
                     _activation_variants(wrong_points, convention), params, elementwise=True)


# ---- linear, losses, convolution, pooling ---------------------------------------------------


def _linear_variants(inputs, delta, args):
    return {2: {"bias_summed_wrong_dim": [("", delta.sum(1))]}} if delta.dim() == 2 else {}


def _softmax_draw(g, shapes, dtype):
    (n, k), _ = shapes
    z = _randn(g, (n, k), dtype, 3.0)
    z[0] += 1000  # large logits: exp overflows unless the max is subtracted
    return [z, torch.randint(0, k, (n,), generator=g)]


def _bce_draw(g, shapes, dtype):
    (shape, _) = shapes
    p = (0.1 + 0.8 * torch.rand(*shape, generator=g, dtype=torch.float64)).to(dtype)
    y = (torch.rand(*shape, generator=g, dtype=torch.float64) > 0.5).to(dtype)
    # p exactly 0 and 1 where the label agrees: the loss is 0 there, but log(0) is not
    p.view(-1)[0], y.view(-1)[0] = 0.0, 0.0
    if p.numel() > 1:
        p.view(-1)[-1], y.view(-1)[-1] = 1.0, 1.0
    return [p, y]


def _neighbours(stride: Tuple[int, int], padding: Tuple[int, int]) -> List[Tuple[Tuple[int, int], Tuple[int, int]]]:
    s, p = stride[0], padding[0]
    out = [((s2, s2), (p, p)) for s2 in (s - 1, s + 1) if s2 >= 1]
    return out + [((s, s), (p2, p2)) for p2 in (p - 1, p + 1) if p2 >= 0]


def _conv_variants(inputs, delta, args):
    x, W, _ = inputs
    stride, padding = args
    off = lambda s2, p2: f": it matches a backward with stride {s2[0]} and padding {p2[0]} instead of {stride[0]} and {padding[0]}"  # noqa: E731
    x_variants, W_variants = [], []
    for s2, p2 in _neighbours(stride, padding):
        for into, compute in ((x_variants, lambda: input_gradient(delta, W, x.shape[2:], s2, p2)),
                              (W_variants, lambda: filter_gradient(delta, x, W.shape[2:], s2, p2))):
            try:
                into.append((off(s2, p2), compute()))
            except RuntimeError:  # this stride/padding cannot even produce a gradient here
                pass
    not_flipped = input_gradient(delta, W.flip(2, 3), x.shape[2:], stride, padding)
    return {0: {"conv_input_not_flipped": [("", not_flipped)], "conv_stride_padding": x_variants},
            1: {"conv_stride_padding": W_variants}}


def _tie_draw(g, shapes, dtype):
    # small integers: many windows have two or more equal maxima
    return [torch.randint(0, 3, shapes[0], generator=g).to(dtype)]


def _pool_variants(inputs, delta, args):
    """δ sent to every position equal to its window's maximum (ties included)."""
    (z,) = inputs
    kernel, stride = args
    n, c, h, w = z.shape
    windows = F.unfold(z, kernel, stride=stride).view(n, c, kernel[0] * kernel[1], -1)
    winners = windows == windows.amax(dim=2, keepdim=True)
    cols = (winners * delta.reshape(n, c, 1, -1)).view(n, c * kernel[0] * kernel[1], -1)
    return {0: {"pool_all_ties": [("", F.fold(cols, (h, w), kernel, stride=stride))]}}


def _pool_reference(z, kernel, stride):
    return F.max_pool2d(z, kernel, stride)


OPERATIONS: Dict[str, Operation] = {
    "linear": Operation(
        "linear", ("a^[0]", "W^[1]", "b^[1]"), (True, True, True),
        # non-square W, batch 1, and n = m (where a bias summed over the wrong dim keeps its shape)
        (Case(((5, 3), (4, 3), (4,))), Case(((1, 3), (2, 3), (2,))), Case(((4, 6), (4, 6), (4,)))),
        lambda a, W, b: a @ W.t() + b, _gaussians(), _linear_variants,
    ),
    "relu": _activation("relu", torch.relu, _gaussians(zeros=True), convention=lambda z, G: G * (z >= 0)),
    "sigmoid": _activation("sigmoid", torch.sigmoid, _gaussians(2.0), _sigmoid_points),
    "tanh": _activation("tanh", torch.tanh, _gaussians(), _tanh_points),
    "leaky_relu": _activation("leaky_relu", lambda z, s: F.leaky_relu(z, s), _gaussians(), args=(0.1,), params=lambda a: {"slope": a[0]}),
    "elu": _activation("elu", lambda z, alpha: F.elu(z, alpha), _gaussians(), args=(1.0,), params=lambda a: {"alpha": a[0]}),
    "squared_loss": Operation(
        "squared_loss", ("o", "y"), (True, False), (Case(((5, 2), (5, 2)), ("mean",)), Case(((1, 3), (1, 3)), ("mean",))),
        lambda o, y, reduction: 0.5 * ((o - y) ** 2).sum() / (o.shape[0] if reduction == "mean" else 1), _gaussians(),
    ),
    "softmax_cross_entropy": Operation(
        "softmax_cross_entropy", ("z", "y"), (True, False), (Case(((5, 4), (5,)), ("mean",)), Case(((1, 3), (1,)), ("mean",))),
        lambda z, y, reduction: F.cross_entropy(z, y, reduction="sum") / (z.shape[0] if reduction == "mean" else 1), _softmax_draw,
    ),
    "binary_cross_entropy": Operation(
        "binary_cross_entropy", ("p", "y"), (True, False), (Case(((6,), (6,)), ("mean",)), Case(((4, 2), (4, 2)), ("mean",))),
        lambda p, y, reduction: F.binary_cross_entropy(p, y, reduction="sum") / (p.shape[0] if reduction == "mean" else 1), _bce_draw,
    ),
    "conv2d": Operation(
        "conv2d", ("x", "θ", "b"), (True, True, True),
        (Case(((2, 2, 5, 5), (3, 2, 3, 3), (3,)), ((1, 1), (1, 1))), Case(((1, 1, 6, 5), (2, 1, 2, 3), (2,)), ((2, 2), (0, 0)))),
        lambda x, W, b, stride, padding: F.conv2d(x, W, b, stride, padding), _gaussians(), _conv_variants,
    ),
    "max_pool2d": Operation(
        "max_pool2d", ("z",), (True,), (Case(((2, 2, 4, 4),), ((2, 2), (2, 2))), Case(((1, 1, 5, 5),), ((3, 3), (2, 2)))),
        _pool_reference, _tie_draw, _pool_variants,
    ),
}
