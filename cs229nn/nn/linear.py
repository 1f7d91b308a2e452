"""Linear: the affine layer z^[ℓ] = W^[ℓ] a^[ℓ−1] + b^[ℓ] as a twin module."""

from typing import Dict, Optional

import torch
import torch.nn.functional as F

from cs229nn.functional.linear import LinearFunction, check_linear_inputs
from cs229nn.hyperparameters import flag, float_dtype, optional_positive_int, positive_int
from cs229nn.nn.module import TwinModule, reset_like_torch
from cs229nn.validate import layer_symbol


class Linear(TwinModule):
    r"""z^[ℓ] = W^[ℓ] a^[ℓ−1] + b^[ℓ] (Ma eq. 2.9), for every example (row).

    Args:
        in_features: d, the size of each input a^[ℓ−1].
        out_features: m, the size of each output z^[ℓ].
        bias: if False, there is no b^[ℓ].
        mode: "manual" (backward of Ma Claims 3.2 and 3.4) or "autograd".
        layer: ℓ, used to name W^[ℓ] and b^[ℓ] in reports and error messages.

    Shape:
        - Input: (n, d), n examples in rows (Ma §4).
        - Output: (n, m).

    Attributes:
        weight: W^[ℓ] ∈ R^{m×d}; bias: b^[ℓ] ∈ R^m. Initialized like
        ``torch.nn.Linear`` (uniform on ±1/√d), so with the same seed both start equal.

    Example::

        >>> layer = Linear(3, 4)
        >>> layer(torch.randn(5, 3)).shape
        torch.Size([5, 4])
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        mode: str = "manual",
        layer: Optional[int] = None,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__(mode)
        in_features = positive_int(in_features, "nn.Linear(d, m): d (the size of each input a^[ℓ−1])")
        out_features = positive_int(out_features, "nn.Linear(d, m): m (the number of units)")
        flag(bias, "nn.Linear(d, m, bias)")
        layer = optional_positive_int(layer, "nn.Linear(d, m, layer=ℓ): ℓ")
        factory = {"device": device, "dtype": float_dtype(dtype, "nn.Linear(d, m, dtype)", allow_none=True)}
        self.in_features, self.out_features, self.layer = in_features, out_features, layer
        self.weight = torch.nn.Parameter(torch.empty(out_features, in_features, **factory))
        self.bias = torch.nn.Parameter(torch.empty(out_features, **factory)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        reset_like_torch(self.weight, self.bias)

    def forward_manual(self, a: torch.Tensor) -> torch.Tensor:
        check_linear_inputs(a, self.weight, self.bias, self.layer)
        return LinearFunction.apply(a, self.weight, self.bias)

    def forward_autograd(self, a: torch.Tensor) -> torch.Tensor:
        check_linear_inputs(a, self.weight, self.bias, self.layer)
        return F.linear(a, self.weight, self.bias)

    def notation(self) -> Dict[str, str]:
        return {"weight": layer_symbol("W", self.layer), "bias": layer_symbol("b", self.layer)}

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}, mode={self.mode!r}"
        )
