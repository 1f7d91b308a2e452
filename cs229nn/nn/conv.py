"""Convolution, max pooling and flattening as twin modules (Ng §3.3.2, eq. 3.22).

The math and the hand-written backward passes are in
:mod:`cs229nn.functional.conv` and :mod:`cs229nn.functional.pooling`; the
autograd twins call the equivalent torch ops.
"""

from typing import Dict, Optional

import torch
import torch.nn.functional as F

from cs229nn.functional.conv import Conv2dFunction, IntPair, check_conv_inputs, pair
from cs229nn.functional.pooling import check_flatten_input, check_pool_input, flatten, max_pool2d
from cs229nn.hyperparameters import flag, float_dtype, optional_positive_int, positive_int
from cs229nn.nn.module import TwinModule, reset_like_torch
from cs229nn.validate import layer_symbol


class Conv2d(TwinModule):
    r"""z = θ ⋆ x + b: C_out filters θ ∈ R^{C_in×k×k} slid over the input (Ng eq. 3.22).

    z[n, o, i, j] = b_o + Σ_{c,u,v} θ[o, c, u, v] · x̃[n, c, s·i + u, s·j + v], with x̃ the
    input padded by p zeros. The same θ is applied at every position (parameter
    sharing): a 4×4×3 filter has 48 weights + 1 bias whatever the image size.

    Args:
        in_channels: C_in (3 for the notes' RGB soccer images).
        out_channels: C_out, the number of filters.
        kernel_size: k, an int or (k_H, k_W).
        stride: s, an int or (s_H, s_W).
        padding: p, zeros on every side, an int or (p_H, p_W).
        bias: if False, there is no b.
        mode: "manual" (backward of :class:`~cs229nn.functional.conv.Conv2dFunction`) or "autograd".
        layer: ℓ; names the filters W^[ℓ] in reports and errors (θ without it, as in Ng eq. 3.22).

    Shape:
        - Input: (n, C_in, H, W), channels first.
        - Output: (n, C_out, H_out, W_out), H_out = ⌊(H + 2p_H − k_H) / s_H⌋ + 1, likewise W_out.

    Attributes:
        weight: θ ∈ R^{C_out×C_in×k_H×k_W}; bias: b ∈ R^{C_out}. Initialized like
        ``torch.nn.Conv2d`` (uniform on ±1/√(C_in·k_H·k_W)).

    Example::

        >>> conv = Conv2d(3, 8, 4)
        >>> conv(torch.randn(2, 3, 64, 64)).shape
        torch.Size([2, 8, 61, 61])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntPair,
        stride: IntPair = 1,
        padding: IntPair = 0,
        bias: bool = True,
        *,
        mode: str = "manual",
        layer: Optional[int] = None,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__(mode)
        in_channels = positive_int(in_channels, "nn.Conv2d(C_in, C_out, k): C_in (the input's channels)")
        out_channels = positive_int(out_channels, "nn.Conv2d(C_in, C_out, k): C_out (the number of filters)")
        flag(bias, "nn.Conv2d(C_in, C_out, k, bias)")
        layer = optional_positive_int(layer, "nn.Conv2d(C_in, C_out, k, layer=ℓ): ℓ")
        factory = {"device": device, "dtype": float_dtype(dtype, "nn.Conv2d(C_in, C_out, k, dtype)", allow_none=True)}
        self.in_channels, self.out_channels, self.layer = in_channels, out_channels, layer
        self.kernel_size = pair(kernel_size, "nn.Conv2d(C_in, C_out, k): k (kernel_size)", 1)
        self.stride = pair(stride, "nn.Conv2d(..., stride): s", 1)
        self.padding = pair(padding, "nn.Conv2d(..., padding): p", 0)
        self.weight = torch.nn.Parameter(torch.empty(out_channels, in_channels, *self.kernel_size, **factory))
        self.bias = torch.nn.Parameter(torch.empty(out_channels, **factory)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        reset_like_torch(self.weight, self.bias)

    def forward_manual(self, x: torch.Tensor) -> torch.Tensor:
        check_conv_inputs(x, self.weight, self.bias, self.padding, self.layer)
        return Conv2dFunction.apply(x, self.weight, self.bias, self.stride, self.padding)

    def forward_autograd(self, x: torch.Tensor) -> torch.Tensor:
        check_conv_inputs(x, self.weight, self.bias, self.padding, self.layer)
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding)

    def notation(self) -> Dict[str, str]:
        if self.layer is None:
            return {"weight": "θ", "bias": "b"}
        return {"weight": layer_symbol("W", self.layer), "bias": layer_symbol("b", self.layer)}

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}, "
            f"padding={self.padding}, bias={self.bias is not None}, mode={self.mode!r}"
        )


class MaxPool2d(TwinModule):
    """The largest value of each k × k window; δ flows back to the first maximum of each window.

    Args:
        kernel_size: k, an int or (k_H, k_W).
        stride: s; defaults to ``kernel_size`` (windows do not overlap).
        mode: "manual" (:class:`~cs229nn.functional.pooling.MaxPool2dFunction`) or "autograd".

    Shape:
        - Input: (n, C, H, W). Output: (n, C, ⌊(H − k_H) / s_H⌋ + 1, ⌊(W − k_W) / s_W⌋ + 1).

    Example::

        >>> MaxPool2d(2)(torch.randn(2, 8, 60, 60)).shape
        torch.Size([2, 8, 30, 30])
    """

    def __init__(self, kernel_size: IntPair, stride: Optional[IntPair] = None, *, mode: str = "manual") -> None:
        super().__init__(mode)
        self.kernel_size = pair(kernel_size, "nn.MaxPool2d(k): k (kernel_size)", 1)
        self.stride = self.kernel_size if stride is None else pair(stride, "nn.MaxPool2d(k, stride): s", 1)

    def forward_manual(self, z: torch.Tensor) -> torch.Tensor:
        return max_pool2d(z, self.kernel_size, self.stride)

    def forward_autograd(self, z: torch.Tensor) -> torch.Tensor:
        check_pool_input(z, self.kernel_size)
        return F.max_pool2d(z, self.kernel_size, self.stride)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, mode={self.mode!r}"


class GlobalMaxPool2d(TwinModule):
    """The largest value of each whole feature map: (n, C, H, W) → (n, C).

    A max pool whose window is the whole map, so the answer "is there a ball
    anywhere?" does not depend on where. Uses :func:`max_pool2d`'s backward
    (and its tie rule) in manual mode.
    """

    def forward_manual(self, z: torch.Tensor) -> torch.Tensor:
        check_pool_input(z)
        return flatten(max_pool2d(z, tuple(z.shape[2:])))

    def forward_autograd(self, z: torch.Tensor) -> torch.Tensor:
        check_pool_input(z)
        # not z.amax: its gradient splits ties evenly, torch's max pool (and ours) picks the first maximum
        return F.max_pool2d(z, z.shape[2:]).flatten(1)


class Flatten(TwinModule):
    """(n, C, H, W) → (n, C·H·W) in row-major order, so a :class:`~cs229nn.nn.Linear` can follow.

    Shape:
        - Input: (n, ...) with at least two dimensions. Output: (n, product of the rest).
    """

    def forward_manual(self, a: torch.Tensor) -> torch.Tensor:
        return flatten(a)

    def forward_autograd(self, a: torch.Tensor) -> torch.Tensor:
        check_flatten_input(a)
        return torch.flatten(a, 1)
