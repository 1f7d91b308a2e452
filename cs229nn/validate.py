"""Input checks that speak the notes' notation.

A wrong shape, dtype or device should stop a student at the line where the
mistake is, with a message that names the tensor as the notes do ("W^[1]"), what
was expected and what was given, instead of a broadcasting surprise later.
"""

from typing import Optional, Sequence

import torch


def shape_str(shape: Sequence[int]) -> str:
    """(3, 4) -> "(3, 4)"; (3,) -> "(3,)", as Python writes tuples."""
    return str(tuple(int(s) for s in shape))


def require_tensor(t: object, name: str) -> torch.Tensor:
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    return t


def require_float(t: torch.Tensor, name: str) -> None:
    require_tensor(t, name)
    if not t.is_floating_point():
        raise TypeError(
            f"{name} must be a floating-point tensor (float32 or float64), got {t.dtype}; "
            f"convert it with {name.split('^')[0].split('(')[0].strip()}.float() or .double()"
        )


def require_ndim(t: torch.Tensor, name: str, ndim: int, layout: str) -> None:
    """``layout`` names the dimensions, e.g. "(n, d)" for n examples in rows."""
    if t.dim() != ndim:
        hint = ""
        if ndim == 2 and t.dim() == 1:
            hint = "; for a single example x ∈ R^d use x.unsqueeze(0) (examples are rows, Ma §4)"
        raise ValueError(f"{name} must be {ndim}-D {layout}, got shape {shape_str(t.shape)}{hint}")


def require_same_dtype_device(reference: torch.Tensor, ref_name: str, other: torch.Tensor, name: str) -> None:
    if other.dtype != reference.dtype:
        raise TypeError(
            f"{name} has dtype {other.dtype} but {ref_name} has {reference.dtype}; "
            f"use one dtype, e.g. model.to(torch.float64) and x.double()"
        )
    if other.device != reference.device:
        raise ValueError(
            f"{name} is on {other.device} but {ref_name} is on {reference.device}; "
            f"move both with .to(device)"
        )


def require_bias(b: torch.Tensor, name: str, size: int, size_name: str, W: torch.Tensor, W_name: str) -> None:
    """A bias is one float per output (``size_name`` is the notes' symbol, e.g. "m" or "C_out"), beside W."""
    require_float(b, name)
    if tuple(b.shape) != (size,):
        raise ValueError(f"{name} must be ({size_name},) = ({size},), one per output of {W_name}, got {shape_str(b.shape)}")
    require_same_dtype_device(W, W_name, b, name)


def require_unit_interval(t: torch.Tensor, requirement: str, hint: str) -> None:
    """Every entry of ``t`` in [0, 1] (probabilities, binary labels).

    ``requirement`` starts the message ("p must be probabilities"); ``hint`` says what to do instead.
    """
    if t.numel() and not bool(((t >= 0) & (t <= 1)).all()):
        raise ValueError(
            f"{requirement} in [0, 1], got values from {float(t.min()):.4g} to {float(t.max()):.4g}; {hint}"
        )


def layer_symbol(symbol: str, layer: Optional[int]) -> str:
    """"W" with layer 2 -> "W^[2]"; without a layer index just "W"."""
    return f"{symbol}^[{layer}]" if layer is not None else symbol
