"""Checks of constructor arguments and hyperparameters.

A wrong width, slope or learning rate stops at the constructor, with a message
that names the argument as the notes do and says what was expected:

    nn.Linear(d, m): m (the number of units) must be a positive int, got -4

instead of failing later, deep inside torch, or silently (``lr="1e-3"``,
``Linear(6, 6/2)``). ``name`` below is that leading phrase.
"""

import math
import numbers
from typing import Any, Optional

import torch


def _given(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"


def positive_int(value: Any, name: str) -> int:
    """``value`` as an int if it is an integer ≥ 1 (numpy integers too; not a bool, not 3.0)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        hint = ""
        if isinstance(value, float) and value.is_integer():
            hint = f"; use int({value!r}) or // for integer division"
        raise TypeError(f"{name} must be a positive int, got {_given(value)}{hint}")
    if value < 1:
        raise ValueError(f"{name} must be a positive int, got {value}")
    return int(value)


def optional_positive_int(value: Any, name: str) -> Optional[int]:
    return None if value is None else positive_int(value, name)


def real_number(value: Any, name: str, *, at_least: Optional[float] = None, below: Optional[float] = None) -> float:
    """``value`` as a float if it is a finite real number in [at_least, below).

    Strings are refused, not parsed: ``lr="1e-3"`` is a mistake in the code, and
    a tensor must be turned into a number explicitly (``.item()``).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        hint = ""
        if isinstance(value, str):
            hint = "; write the number without quotes"
        elif isinstance(value, torch.Tensor):
            hint = "; use .item() for a one-element tensor"
        raise TypeError(f"{name} must be a real number, got {_given(value)}{hint}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {number}")
    if (at_least is not None and number < at_least) or (below is not None and number >= below):
        expected = f"in [{at_least:g}, {below:g})" if below is not None else f"≥ {at_least:g}"
        raise ValueError(f"{name} must be {expected}, got {number:g}")
    return number


def flag(value: Any, name: str) -> bool:
    """``value`` if it is True or False (not 0/1, not "yes")."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {_given(value)}")
    return value


def float_dtype(dtype: Any, name: str = "dtype", allow_none: bool = False) -> Optional[torch.dtype]:
    """``dtype`` if it is a floating-point torch.dtype (or None when ``allow_none``)."""
    if dtype is None and allow_none:
        return None
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"{name} must be a floating-point torch.dtype (torch.float32 or torch.float64), got {dtype!r}")
    return dtype
