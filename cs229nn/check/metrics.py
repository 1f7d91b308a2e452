"""How far apart two gradients are, and how far is too far.

What a correct implementation shows (CS231n convention, :func:`rel_error`):

* manual vs autograd in float64: about 1e-16 to 1e-13 (the same math, rounded
  differently); fails above 1e-10.
* numeric (centered differences, h = 1e-6, always in float64) vs autograd:
  about 1e-10 to 1e-7; fails above 1e-5 unless the absolute error is tiny.
* in float32, manual vs autograd: about 1e-7; fails above 1e-4.
"""

from dataclasses import dataclass
from typing import Dict, Tuple

import torch

from cs229nn.validate import shape_str


def _tensor(value: object, name: str) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise TypeError(
            f"rel_error compares two torch.Tensors; {name} is a {type(value).__name__}"
            + ("; use torch.tensor(...) or torch.stack(...) first" if isinstance(value, (list, tuple)) else "")
        )
    return value


def rel_error(x: torch.Tensor, y: torch.Tensor) -> float:
    """max_i |x_i − y_i| / max(1e-8, |x_i| + |y_i|)  (CS231n's definition).

    >>> rel_error(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0 + 1e-9]))  # doctest: +SKIP
    2.5e-10
    """
    x, y = _tensor(x, "x").detach().double(), _tensor(y, "y").detach().double().to(x.device)
    if x.shape != y.shape:
        raise ValueError(f"rel_error needs equal shapes, got {shape_str(x.shape)} and {shape_str(y.shape)}")
    if x.numel() == 0:
        return 0.0
    return float(((x - y).abs() / (x.abs() + y.abs()).clamp_min(1e-8)).max())


def max_abs_error(x: torch.Tensor, y: torch.Tensor) -> float:
    x, y = _tensor(x, "x"), _tensor(y, "y")
    return float((x.detach().double() - y.detach().double().to(x.device)).abs().max()) if x.numel() else 0.0


@dataclass(frozen=True)
class Tolerance:
    """A gradient passes if its rel_error ≤ ``rel`` or its max abs error ≤ ``abs`` × max(1, max |expected|).

    The absolute escape hatch is for entries that should be ~0, where any
    relative error is noise.
    """

    rel: float
    abs: float

    def accepts(self, got: torch.Tensor, expected: torch.Tensor) -> Tuple[bool, float, float]:
        """(passes, rel_error, max abs error) of ``got`` against ``expected``."""
        rel, err = rel_error(got, expected), max_abs_error(got, expected)
        scale = max(1.0, float(expected.detach().abs().max())) if expected.numel() else 1.0
        return rel <= self.rel or err <= self.abs * scale, rel, err


# (comparison, dtype) -> tolerance. Numeric gradients are always computed in float64,
# so against a float32 autograd gradient they inherit float32's rounding.
TOLERANCES: Dict[Tuple[str, torch.dtype], Tolerance] = {
    ("manual", torch.float64): Tolerance(rel=1e-10, abs=1e-12),
    ("numeric", torch.float64): Tolerance(rel=1e-5, abs=1e-7),
    ("manual", torch.float32): Tolerance(rel=1e-4, abs=1e-6),
    ("numeric", torch.float32): Tolerance(rel=1e-2, abs=1e-4),
}


def tolerance(comparison: str, dtype: torch.dtype) -> Tolerance:
    """The limit for ``comparison`` ("manual" or "numeric") in ``dtype`` (float16/bfloat16 get float32's)."""
    return TOLERANCES.get((comparison, dtype), TOLERANCES[(comparison, torch.float32)])

