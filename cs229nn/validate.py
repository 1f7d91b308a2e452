"""Input checks that speak the notes' notation.

A wrong shape, dtype or device should stop a student at the line where the
mistake is, with a message that names the tensor as the notes do ("W^[1]"), what
was expected and what was given, instead of a broadcasting surprise later.
"""

import functools
from typing import Callable, Optional, Sequence, TypeVar

import torch

Check = TypeVar("Check", bound=Callable[..., None])

# A bound on the signatures remembered per check; a training run uses a handful.
_MAX_REMEMBERED = 1024


def _signature(value: object) -> object:
    """What a shape, dtype and device check can depend on: for a tensor exactly those three."""
    if isinstance(value, torch.Tensor):
        return (value.shape, value.dtype, value.device)
    return (type(value), value)


def remember_passing(check: Check) -> Check:
    """Run ``check`` once per signature of its arguments (shapes, dtypes, devices; other values as they are).

    A check of shapes, dtypes and devices gives the same verdict for the same
    signature, so once a signature has passed, the next call with it returns at
    once: the layer pays a dictionary look-up, not the check. A failing call is
    never remembered, so every mistake gets its full message every time. Only
    for checks that read no tensor *values*.
    """
    passed = set()

    @functools.wraps(check)
    def remembered(*args, **kwargs) -> None:
        try:
            key = tuple(map(_signature, args))
            if kwargs:
                key += tuple((name, _signature(value)) for name, value in kwargs.items())
            if key in passed:
                return
        except TypeError:  # an unhashable argument (a list where a tensor belongs): let the check name it
            check(*args, **kwargs)
            return
        check(*args, **kwargs)
        if len(passed) >= _MAX_REMEMBERED:
            passed.clear()
        passed.add(key)

    return remembered  # type: ignore[return-value]


def underlying(t: torch.Tensor) -> torch.Tensor:
    """The plain tensor under any ``torch.func`` wrappers (for vmap: all examples at once).

    Inside a transform, reading a value (``.item()``, ``bool(t)``) is an error;
    the plain tensor holds the same values and can be read.
    """
    if torch._C._are_functorch_transforms_active():
        while torch._C._functorch.is_functorch_wrapped_tensor(t):
            t = torch._C._functorch.get_unwrapped(t)
    return t


def require_in_range(t: torch.Tensor, low: float, high: float, requirement: str, hint: str = "") -> None:
    """Every entry of ``t`` in [low, high], else a ``ValueError``.

    The message is "{requirement}, got values from {min} to {max}; {hint}". On
    the CPU the smallest and largest values are read (one ``aminmax``) and the
    error raised at once. On a GPU reading them would wait for the GPU on every
    call (a device-to-host copy), so the condition goes to
    ``torch._assert_async`` instead: a device-side assert, with the requirement
    as its message, that stops the program at the next synchronization, as
    torch's own ``cross_entropy`` does with a label out of range. A meta tensor
    has no values to check.
    """
    t = underlying(t)
    if t.numel() == 0 or t.device.type == "meta":
        return
    tail = f"; {hint}" if hint else ""
    if t.device.type != "cpu":
        torch._assert_async(((t >= low) & (t <= high)).all(), requirement + tail)
        return
    smallest, largest = (v.item() for v in t.aminmax())
    if not low <= smallest <= largest <= high:  # False for NaN, too
        raise ValueError(f"{requirement}, got values from {_number(smallest)} to {_number(largest)}{tail}")


def _number(value: float) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


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
    require_in_range(t, 0, 1, f"{requirement} in [0, 1]", hint)


def layer_symbol(symbol: str, layer: Optional[int]) -> str:
    """"W" with layer 2 -> "W^[2]"; without a layer index just "W"."""
    return f"{symbol}^[{layer}]" if layer is not None else symbol
