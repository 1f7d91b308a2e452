"""Which backward pass a module uses: the hand-written one or torch's autograd.

Every module in :mod:`cs229nn.nn` has a ``mode``. Inside a
``with backprop_mode(...)`` block that block's mode wins, so one model can be
run both ways without copying it::

    loss_manual = loss_fn(model(x), y)          # the model's own mode
    with backprop_mode("autograd"):
        loss_autograd = loss_fn(model(x), y)    # same parameters, torch's backward
"""

import threading
from collections.abc import Iterable
from contextlib import contextmanager
from typing import Iterator, Optional, Union

import torch

MODES = ("manual", "autograd")

_state = threading.local()


def check_mode(mode: str) -> str:
    """Return ``mode`` if it is one of :data:`MODES`, else raise ``ValueError``."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    return mode


def current_mode() -> Optional[str]:
    """The mode set by the innermost active :func:`backprop_mode`, or ``None``."""
    stack = getattr(_state, "stack", None)
    return stack[-1] if stack else None


@contextmanager
def backprop_mode(mode: str) -> Iterator[str]:
    """Run every cs229nn module in this block in ``mode`` ("manual" or "autograd")."""
    check_mode(mode)
    if not hasattr(_state, "stack"):
        _state.stack = []
    _state.stack.append(mode)
    try:
        yield mode
    finally:
        _state.stack.pop()


def set_mode(models: Union[torch.nn.Module, Iterable[torch.nn.Module]], mode: str):
    """Set ``mode`` on every cs229nn module inside ``models``; returns ``models``.

    ``models`` is one module or several: a loss module is not part of the model,
    so switch both with ``set_mode((model, loss_fn), "autograd")`` (or run them
    inside a :func:`backprop_mode` block, which reaches every module).

    Raises:
        TypeError: ``models`` is not a module or modules.
        ValueError: ``mode`` is not one of :data:`MODES`, or no cs229nn module is
            inside ``models``, so that nothing would change (torch.nn modules
            always use autograd).
    """
    check_mode(mode)
    group = (models,) if isinstance(models, torch.nn.Module) else models
    if isinstance(group, (str, bytes)) or not isinstance(group, Iterable):
        raise TypeError(f"set_mode(models, mode): models must be a torch.nn.Module or several, got {type(models).__name__}")
    group = tuple(group)
    for model in group:
        if not isinstance(model, torch.nn.Module):
            raise TypeError(f"set_mode(models, mode): every model must be a torch.nn.Module, got {type(model).__name__}")
    twins = [m for model in group for m in model.modules() if hasattr(m, "forward_manual")]
    if not twins:
        names = ", ".join(type(model).__name__ for model in group) or "nothing"
        raise ValueError(
            f"set_mode: {names} contains no cs229nn module, so there is no mode to set (torch.nn modules always use autograd)"
        )
    for module in twins:
        module.mode = mode
    return models
