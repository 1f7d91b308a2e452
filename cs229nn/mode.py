"""Which backward pass a module uses: the hand-written one or torch's autograd.

Every module in :mod:`cs229nn.nn` has a ``mode``. Inside a
``with backprop_mode(...)`` block that block's mode wins, so one model can be
run both ways without copying it::

    loss_manual = loss_fn(model(x), y)          # the model's own mode
    with backprop_mode("autograd"):
        loss_autograd = loss_fn(model(x), y)    # same parameters, torch's backward
"""

import threading
from contextlib import contextmanager
from typing import Iterator, Optional

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


def set_mode(model: torch.nn.Module, mode: str) -> torch.nn.Module:
    """Set ``mode`` on every cs229nn module inside ``model``; returns ``model``."""
    check_mode(mode)
    for module in model.modules():
        if hasattr(module, "mode") and hasattr(module, "forward_manual"):
            module.mode = mode
    return model
