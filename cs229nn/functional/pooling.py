r"""Max pooling and flattening, the glue between convolutions and a linear output layer.

Max pooling keeps the largest activation of each k × k window (the slides'
LeNet: ``F.max_pool2d(F.relu(self.conv1(x)), (2, 2))``):

    a[n, c, i, j] = max_{u, v} z[n, c, s·i + u, s·j + v].

The max is piecewise the identity on one input, so the backward pass routes
each δ[n, c, i, j] to the input that won its window and sends nothing to the
others:

    ∂J/∂z[n, c, r, t] = Σ_{(i, j): window (i, j) chose (r, t)} δ[n, c, i, j].

Where windows overlap (stride s < k) one input can win several windows and its
gradient is the *sum* of their δ's.

**Tie rule.** When a window holds several equal maxima, the whole δ goes to the
first of them in row-major order (smallest u, then smallest v) and the others
get 0. This is what ``torch.nn.functional.max_pool2d`` does, so the two agree
on ties as well. Splitting δ evenly among the tied inputs would be an equally
valid subgradient; the first-maximum rule matches torch and keeps one nonzero
per window.
"""

from typing import Optional, Tuple

import torch
import torch.nn.functional as F

from cs229nn.functional.function import ManualFunction
from cs229nn.functional.conv import IntPair, check_window_fits, pair
from cs229nn.validate import remember_passing, require_float, shape_str


class MaxPool2dFunction(ManualFunction):
    """a = max over each k × k window (stride s); backward routes δ to each window's first maximum.

    Forward returns the pooled values and, as a second, non-differentiable
    output, the flat index r·W + t of each window's winner in its (H, W) plane.
    Both come from ``torch.nn.functional.max_pool2d(..., return_indices=True)``,
    a forward op whose kernel scans each window in row-major order and keeps a
    value only if it is strictly larger: the first maximum wins, the tie rule.
    """


    @staticmethod
    def forward(z: torch.Tensor, kernel_size: Tuple[int, int], stride: Tuple[int, int]) -> Tuple[torch.Tensor, torch.Tensor]:
        return F.max_pool2d(z, kernel_size, stride, return_indices=True)

    @staticmethod
    def setup_context(ctx, inputs, outputs) -> None:
        z = inputs[0]
        _, where = outputs
        ctx.mark_non_differentiable(where)
        ctx.set_materialize_grads(False)  # where's gradient is never used: no zeros for it
        ctx.z_shape = z.shape
        ctx.save_for_backward(where)

    @staticmethod
    def backward(ctx, delta: torch.Tensor, _grad_where: Optional[torch.Tensor]) -> Tuple[Optional[torch.Tensor], ...]:
        if delta is None or not ctx.needs_input_grad[0]:  # None: the output's gradient is undefined, i.e. zero
            return None, None, None
        (where,) = ctx.saved_tensors
        n, c, h, w = ctx.z_shape
        # scatter_add, not scatter: an input that wins overlapping windows sums their δ's.
        grad_z = delta.new_zeros(n, c, h * w).scatter_add_(2, where.flatten(2), delta.flatten(2))
        return grad_z.view(n, c, h, w), None, None


class FlattenFunction(ManualFunction):
    """(n, C, H, W) → (n, C·H·W), row-major, so a linear layer can follow; backward reshapes δ back."""


    @staticmethod
    def forward(a: torch.Tensor) -> torch.Tensor:
        return a.flatten(1)

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        ctx.a_shape = inputs[0].shape

    @staticmethod
    def backward(ctx, delta: torch.Tensor) -> torch.Tensor:
        return delta.reshape(ctx.a_shape)


@remember_passing
def check_pool_input(z: torch.Tensor, kernel_size: Optional[Tuple[int, int]] = None) -> None:
    """z must be float (n, C, H, W), at least as large as the pooling window if one is given."""
    require_float(z, "z")
    if z.dim() != 4:
        hint = "; for a single image use z.unsqueeze(0)" if z.dim() == 3 else ""
        raise ValueError(f"z must be 4-D (n, C, H, W), got shape {shape_str(z.shape)}{hint}")
    if kernel_size is not None:
        check_window_fits(z.shape[2:], kernel_size, (0, 0), "z", "pooling window")


def check_flatten_input(a: torch.Tensor) -> None:
    require_float(a, "a")
    if a.dim() < 2:
        raise ValueError(f"a must have a batch dimension and at least one more, (n, ...), got shape {shape_str(a.shape)}")


def max_pool2d(z: torch.Tensor, kernel_size: IntPair, stride: Optional[IntPair] = None) -> torch.Tensor:
    """The largest value of each window, with the hand-written backward of :class:`MaxPool2dFunction`.

    Same argument conventions as ``torch.nn.functional.max_pool2d`` (no padding,
    dilation or ceil_mode): windows that would stick out of the input are dropped.

    Args:
        z: feature maps, (n, C, H, W).
        kernel_size: k, the window, an int or (k_H, k_W).
        stride: s, how far the window moves; defaults to ``kernel_size`` (no overlap).

    Shape:
        - Output: (n, C, H_out, W_out) with H_out = ⌊(H − k_H) / s_H⌋ + 1, and likewise W_out.

    Ties: the gradient goes to the first maximum of a window in row-major order
    (see the module docstring), as in torch.
    """
    kernel = pair(kernel_size, "kernel_size", 1)
    stride = kernel if stride is None else pair(stride, "stride", 1)
    check_pool_input(z, kernel)
    a, _ = MaxPool2dFunction.apply(z, kernel, stride)
    return a


def flatten(a: torch.Tensor) -> torch.Tensor:
    """(n, C, H, W) → (n, C·H·W) with a hand-written (reshaping) backward; any (n, ...) works."""
    check_flatten_input(a)
    return FlattenFunction.apply(a)
