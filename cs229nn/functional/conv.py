r"""Convolution: one small filter θ slid over the image (Ng §3.3.2, eq. 3.22).

For one filter θ ∈ R^{4×4} on one channel the notes define the activation at
the top-left window as a = Σ_{i=1}^4 Σ_{j=1}^4 θ_ij x_ij (Ng eq. 3.22), then move
the window right and down. With C_in input channels, C_out filters, stride s
and zero padding p (x̃ is x padded with p zeros on every side), every output is

    z[n, o, i, j] = b_o + Σ_c Σ_u Σ_v θ[o, c, u, v] · x̃[n, c, s·i + u, s·j + v].

The same θ is used at every output position (i, j): *parameter sharing*. The
backward pass follows from that sum. With δ = ∂J/∂z,

* ∂J/∂θ[o, c, u, v] = Σ_n Σ_{i,j} δ[n, o, i, j] · x̃[n, c, s·i + u, s·j + v]:
  a shared weight's gradient is the sum over every position where it was
  applied. As a function of (u, v) this is a correlation of x̃ with the error
  map δ, i.e. a convolution whose "filter" is δ, taken with dilation s.
* ∂J/∂x̃[n, c, r, t] = Σ_o Σ_{(i,j,u,v): s·i+u = r, s·j+v = t} δ[n, o, i, j] · θ[o, c, u, v]:
  every output that read pixel (r, t) sends its error back through the weight
  that read it. This is the error map convolved back with the filter: a "full"
  convolution with θ rotated by 180° for stride 1, a *transposed* convolution
  in general; the p border rows/columns of x̃ are cropped off.
* ∂J/∂b_o = Σ_n Σ_{i,j} δ[n, o, i, j].

So the backward of a convolution is itself made of convolutions, and
:class:`Conv2dFunction` computes it with ``conv2d`` (an ordinary forward op,
see :func:`input_gradient` and :func:`filter_gradient`),
never with a gradient helper such as torch's ``conv2d_weight`` (from its nn grad module).
"""

from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F

from cs229nn.functional.function import ManualFunction
from cs229nn.validate import remember_passing, layer_symbol, require_bias, require_float, require_same_dtype_device, shape_str

IntPair = Union[int, Tuple[int, int]]


def pair(value: IntPair, name: str, minimum: int) -> Tuple[int, int]:
    """An int or a pair of ints (height, width), as torch's ``conv2d`` accepts, checked to be ≥ ``minimum``."""
    values = (value, value) if isinstance(value, int) else tuple(value) if isinstance(value, (tuple, list)) else None
    if values is None or len(values) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise TypeError(f"{name} must be an int or a pair of ints (height, width), got {value!r}")
    if min(values) < minimum:
        raise ValueError(f"{name} must be ≥ {minimum}, got {value!r}")
    return values


def output_size(size: int, kernel: int, stride: int, padding: int) -> int:
    """⌊(H + 2p − k) / s⌋ + 1 windows fit along a side of length H."""
    return (size + 2 * padding - kernel) // stride + 1


def input_gradient(
    delta: torch.Tensor, W: torch.Tensor, x_size: Sequence[int], stride: Tuple[int, int], padding: Tuple[int, int]
) -> torch.Tensor:
    """∂J/∂x: the error map δ convolved back with the filters θ.

    With stride 1 this is a "full" convolution of δ with θ rotated by 180°
    (channels swapped: C_out in, C_in out): output pixel (r, t) collects
    δ[i, j] · θ[u, v] from every window with i + u = r, j + v = t, and padding
    δ by k − 1 − p makes windows that hang over the border contribute 0.

    With stride s > 1 (or padding p > k − 1, where the full convolution would
    need negative padding) the windows start s pixels apart, so pixel r = s·r' + a
    (phase a ∈ [0, s)) is read only through the taps u = s·m + a of θ, by
    window i = r' − m. Each phase is therefore a full stride-1 convolution of
    δ with the sub-filter θ[..., a::s, b::s]; :func:`subpixel_input_gradient`
    computes the s² phases as the channels of one convolution and interleaves
    them (the transposed convolution as s² plain ones, several times faster
    on a CPU than ``conv_transpose2d``).
    """
    kernel = W.shape[2:]
    if stride == (1, 1) and all(p <= k - 1 for p, k in zip(padding, kernel)):
        # one convolution, no interleaving: faster than the general form here (2.8 against 3.2 ms, soccer-sized)
        full = tuple(k - 1 - p for k, p in zip(kernel, padding))
        return F.conv2d(delta, W.flip(2, 3).transpose(0, 1), padding=full)
    return subpixel_input_gradient(delta, W, x_size, stride, padding)


def subpixel_input_gradient(
    delta: torch.Tensor, W: torch.Tensor, x_size: Sequence[int], stride: Tuple[int, int], padding: Tuple[int, int]
) -> torch.Tensor:
    """∂J/∂x for any stride: one convolution per phase (a, b) of x̃, the phases then interleaved.

    ∂J/∂x̃[s·r' + a] = Σ_m δ[r' − m] · θ[s·m + a] (one dimension shown): a full
    convolution of δ with the taps θ[a::s]. θ is padded with zeros to a
    multiple of s taps, so every phase has M = ⌈k / s⌉ of them; phase (a, b)
    becomes output channel (c, a, b) of one convolution of δ, and the s × s
    phases of each channel are then put back in place, row r = s·r' + a.
    x̃'s p border rows are cut off; its last rows, which no window read, get 0.
    """
    (sh, sw), (ph, pw), (height, width) = stride, padding, x_size
    c_out, c_in, kh, kw = W.shape
    mh, mw = -(-kh // sh), -(-kw // sw)  # taps per phase, ⌈k / s⌉
    taps = F.pad(W, (0, mw * sw - kw, 0, mh * sh - kh)).view(c_out, c_in, mh, sh, mw, sw)
    # phases[(c, a, b), o, m, m'] = θ[o, c, s·m + a, s·m' + b], rotated by 180° in (m, m'): a full convolution
    phases = taps.permute(1, 3, 5, 0, 2, 4).flip(4, 5).reshape(c_in * sh * sw, c_out, mh, mw)
    per_phase = F.conv2d(delta, phases, padding=(mh - 1, mw - 1))  # (n, C_in·s_H·s_W, H', W')
    n, _, rows, cols = per_phase.shape
    # interleave: x̃[n, c, s·r' + a, s·t' + b] = per_phase[n, (c, a, b), r', t']
    grad = per_phase.view(n, c_in, sh, sw, rows, cols).permute(0, 1, 4, 2, 5, 3).reshape(n, c_in, rows * sh, cols * sw)
    # Rows [p, p + H) of x̃ are x. Cut p off the top; at the bottom, pad with zeros the rows that no window
    # read, or cut off extra computed rows (they come from the zero taps added to θ, and are 0).
    return F.pad(grad, (-pw, width + pw - cols * sw, -ph, height + ph - rows * sh))


def filter_gradient(
    delta: torch.Tensor, x: torch.Tensor, kernel: Sequence[int], stride: Tuple[int, int], padding: Tuple[int, int]
) -> torch.Tensor:
    """∂J/∂θ[o, c, u, v] = Σ_n Σ_{i,j} δ[n, o, i, j] · x̃[n, c, s·i + u, s·j + v].

    The sum over every position where weight θ[o, c, u, v] was applied is a
    correlation of x̃ with δ: a convolution whose input is x̃ with batch and
    channels swapped (so the sum over the n examples is the sum over "input
    channels"), whose filters are the error maps δ (likewise swapped), and whose
    dilation is the stride s. When the windows do not tile x̃ evenly, the last
    rows and columns of x̃ were read by no window; they are cut off first, so the
    convolution does no work for them.
    """
    if x.shape[0] == 0:  # no examples: an empty sum
        return x.new_zeros(delta.shape[1], x.shape[1], *kernel)
    rows, cols = ((d - 1) * s + k for d, s, k in zip(delta.shape[2:], stride, kernel))  # the part of x̃ windows read
    # a view: x̃ starts p rows above x (keep one row where the windows read nothing but padding)
    x_read = x[:, :, : max(rows - padding[0], 1), : max(cols - padding[1], 1)]
    # Channels-last copies (the examples innermost): oneDNN's convolution reads them as they are, whereas
    # from the transposed views it first reorders both into its blocked layout. Built with permute and
    # contiguous, not contiguous(memory_format=...), which torch.func's vmap does not support.
    swapped = [t.permute(1, 2, 3, 0).contiguous().permute(0, 3, 1, 2) for t in (x_read, delta)]
    per_offset = F.conv2d(*swapped, padding=padding, dilation=stride)
    return per_offset[:, :, : kernel[0], : kernel[1]].transpose(0, 1)  # the bottom padding's extra offsets


class Conv2dFunction(ManualFunction):
    r"""z = θ ⋆ x + b with the hand-written backward of the module docstring.

    Inputs ``(x, W, b, stride, padding)`` with ``stride`` and ``padding`` pairs of
    ints. Forward is ``torch.nn.functional.conv2d``; backward is
    :func:`input_gradient` (δ convolved back with θ), :func:`filter_gradient`
    (Σ over all positions of δ times the window) and ∂J/∂b = Σ_{n,i,j} δ.
    """


    @staticmethod
    def forward(
        x: torch.Tensor, W: torch.Tensor, b: Optional[torch.Tensor], stride: Tuple[int, int], padding: Tuple[int, int]
    ) -> torch.Tensor:
        return F.conv2d(x, W, b, stride, padding)

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        x, W, b, stride, padding = inputs
        # pairs even when apply() was given ints (F.conv2d accepts both; the backward needs pairs)
        stride, padding = pair(stride, "stride", 1), pair(padding, "padding", 0)
        ctx.stride, ctx.padding, ctx.x_size, ctx.kernel = stride, padding, x.shape[2:], W.shape[2:]
        # ∂J/∂θ needs x; ∂J/∂x needs θ. Keep only what a requested gradient uses.
        ctx.save_for_backward(x if ctx.needs_input_grad[1] else None, W if ctx.needs_input_grad[0] else None)

    @staticmethod
    def backward(ctx, delta: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:
        x, W = ctx.saved_tensors
        needed = ctx.needs_input_grad
        grad_x = input_gradient(delta, W, ctx.x_size, ctx.stride, ctx.padding) if needed[0] else None
        grad_W = filter_gradient(delta, x, ctx.kernel, ctx.stride, ctx.padding) if needed[1] else None
        grad_b = delta.sum((0, 2, 3)) if needed[2] else None
        return grad_x, grad_W, grad_b, None, None


def conv2d_naive(
    x: torch.Tensor, W: torch.Tensor, b: Optional[torch.Tensor] = None, stride: IntPair = 1, padding: IntPair = 0
) -> torch.Tensor:
    """Eq. 3.22 written literally: at every output position, Σ θ ⊙ (the window of x under θ).

    A reference for teaching and for tests on small inputs (two Python loops over
    the output positions); it equals :func:`conv2d` and autograd differentiates it.

    Args and Shape: as :func:`conv2d`.
    """
    (sh, sw), (ph, pw) = pair(stride, "stride", 1), pair(padding, "padding", 0)
    check_conv_inputs(x, W, b, (ph, pw))
    x = F.pad(x, (pw, pw, ph, ph))  # x̃: p zeros on every side
    kh, kw = W.shape[2:]
    rows = []
    for i in range(output_size(x.shape[2], kh, sh, 0)):
        row = []
        for j in range(output_size(x.shape[3], kw, sw, 0)):
            window = x[:, None, :, sh * i : sh * i + kh, sw * j : sw * j + kw]  # (n, 1, C_in, k, k)
            row.append((W * window).sum((2, 3, 4)))  # a = Σ_c Σ_u Σ_v θ_cuv x_cuv for each of the C_out filters
        rows.append(torch.stack(row, dim=-1))
    z = torch.stack(rows, dim=-2)
    return z if b is None else z + b[:, None, None]


@remember_passing
def check_conv_inputs(
    x: torch.Tensor,
    W: torch.Tensor,
    b: Optional[torch.Tensor],
    padding: Tuple[int, int] = (0, 0),
    layer: Optional[int] = None,
) -> None:
    """Shapes, dtypes and devices of a convolution's inputs, in the notes' notation (θ for the filters)."""
    W_name = "θ" if layer is None else layer_symbol("W", layer)
    b_name = layer_symbol("b", layer)
    x_name = "x" if layer is None else layer_symbol("a", layer - 1)
    require_float(W, W_name)
    if W.dim() != 4:
        raise ValueError(
            f"{W_name} must be 4-D (C_out, C_in, k_H, k_W): C_out filters of size C_in × k_H × k_W, "
            f"got shape {shape_str(W.shape)}"
        )
    c_out, c_in = W.shape[:2]
    W_space = "R^(" + "×".join(str(s) for s in W.shape) + ")"
    require_float(x, x_name)
    expected = f"{x_name} must be (n, C_in, H, W) with C_in = {c_in} to match {W_name} ∈ {W_space}"
    if x.dim() != 4 or x.shape[1] != c_in:
        hint = ""
        if x.dim() == 3 and x.shape[0] == c_in:
            hint = f"; for a single image use {x_name}.unsqueeze(0)"
        elif x.dim() == 4 and x.shape[3] == c_in:
            hint = f"; did you forget {x_name}.permute(0, 3, 1, 2)? (channels come before height and width)"
        raise ValueError(f"{expected}, got {shape_str(x.shape)}{hint}")
    require_same_dtype_device(W, W_name, x, x_name)
    if b is not None:
        require_bias(b, b_name, c_out, "C_out", W, W_name)
    check_window_fits(x.shape[2:], W.shape[2:], padding, x_name)


def check_window_fits(
    size: Sequence[int], kernel: Sequence[int], padding: Sequence[int], name: str = "x", what: str = "kernel"
) -> None:
    """The padded input must be at least as large as the window that slides over it."""
    padded = [s + 2 * p for s, p in zip(size, padding)]
    if any(s < k for s, k in zip(padded, kernel)):
        raise ValueError(
            f"{name} is {size[0]}×{size[1]} (padded: {padded[0]}×{padded[1]}), smaller than the "
            f"{kernel[0]}×{kernel[1]} {what}; no window fits. Use a smaller {what} or more padding"
        )


def conv2d(
    x: torch.Tensor,
    W: torch.Tensor,
    b: Optional[torch.Tensor] = None,
    stride: IntPair = 1,
    padding: IntPair = 0,
    *,
    layer: Optional[int] = None,
) -> torch.Tensor:
    r"""z = θ ⋆ x + b (Ng eq. 3.22, for every window, channel and filter), with the backward of :class:`Conv2dFunction`.

    Same argument conventions as ``torch.nn.functional.conv2d`` (without groups
    and dilation).

    Args:
        x: images, (n, C_in, H, W), channels first.
        W: the filters θ, (C_out, C_in, k_H, k_W).
        b: one bias per filter, (C_out,), or None.
        stride: s, how far the window moves, an int or (s_H, s_W).
        padding: p, zeros added on every side, an int or (p_H, p_W).
        layer: ℓ, used only to name tensors in error messages (W^[ℓ], a^[ℓ−1]).

    Shape:
        - Output: (n, C_out, H_out, W_out) with H_out = ⌊(H + 2p_H − k_H) / s_H⌋ + 1,
          and likewise W_out.

    Example::

        >>> theta = torch.randn(8, 3, 4, 4)              # 8 filters of 4×4×3
        >>> conv2d(torch.randn(2, 3, 64, 64), theta).shape
        torch.Size([2, 8, 61, 61])
    """
    stride, padding = pair(stride, "stride", 1), pair(padding, "padding", 0)
    check_conv_inputs(x, W, b, padding, layer)
    return Conv2dFunction.apply(x, W, b, stride, padding)
