"""Run a :class:`~cs229nn.lab.spec.Probe`: call the student's code, return plain tensors.

This is the only place where a check touches student code. It returns a dict of
detached tensors (or ``None``, or a string naming what came back instead of a
tensor), which is all the judge, possibly in another process, gets to see.
"""

from types import ModuleType
from typing import Any, List

import torch

from cs229nn.lab.spec import Inputs, Outputs, Probe


def _fresh(value: Any) -> Any:
    """A private copy of an input, so that code that modifies its arguments in place changes nothing outside."""
    return value.detach().clone() if isinstance(value, torch.Tensor) else value


def _as_data(value: Any) -> Any:
    """A tensor (detached), None, or a number; anything else becomes a string saying what it was."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if type(value) is torch.nn.Parameter:
        value = value.detach()  # a plain tensor
    if type(value) is torch.Tensor:
        return value.detach().clone()
    # any other tensor subclass (its __torch_function__ could fake comparisons) is named, not kept
    return f"<not a tensor: {type(value).__name__}>"


def _flatten(result: Any, name: str = "out") -> Outputs:
    if isinstance(result, (tuple, list)):
        return {f"{name}{i}": _as_data(v) for i, v in enumerate(result)}
    return {name: _as_data(result)}


def run_probe(probe: Probe, exercises: ModuleType, inputs: Inputs) -> Outputs:
    """Run ``probe`` against the student's ``exercises`` module on ``inputs``.

    Exceptions from the student's code propagate (the caller reports them).
    """
    target = getattr(exercises, probe.target, None)
    if target is None:
        raise AttributeError(f"exercises.py has no {probe.target!r}: keep the names of the handout")
    args: List[Any] = [_fresh(inputs[k]) for k in probe.args]
    kwargs = {name: _fresh(inputs[k]) for name, k in probe.kwargs.items()}
    if probe.kind == "call":
        return _flatten(target(*args, **kwargs))
    return _run_function(probe, target, args, kwargs, inputs)


def _run_function(probe: Probe, function: Any, args: List[Any], kwargs: dict, inputs: Inputs) -> Outputs:
    """Forward through ``function.apply``, then its backward's raw return values.

    ``out.grad_fn.apply(upstream)`` calls the student's backward and returns what it
    returned, before torch's engine would sum a (n, m) bias gradient to (m,) or
    reject a transposed one, so the judge sees the exact shapes.
    """
    if not (isinstance(function, type) and issubclass(function, torch.autograd.Function)):
        raise TypeError(f"{probe.target} must be a torch.autograd.Function subclass, got {type(function).__name__}")
    for key, value in zip(probe.args, args):
        if key in probe.grad:
            value.requires_grad_(True)
    out = function.apply(*args, **kwargs)
    outputs: Outputs = {"out": _as_data(out)}
    if not isinstance(out, torch.Tensor) or out.grad_fn is None:
        outputs["raw_count"] = -1  # nothing to differentiate: forward returned no graph
        return outputs
    raw = out.grad_fn.apply(_fresh(inputs[probe.upstream]))
    raw = raw if isinstance(raw, tuple) else (raw,)
    outputs["raw_count"] = len(raw)
    for key, grad in zip(probe.args, raw):
        outputs[f"grad:{key}"] = _as_data(grad)
    return outputs
