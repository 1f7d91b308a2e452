"""Running student code to collect what its backward returned, before torch's engine touches it.

torch's engine sums a bias gradient of shape (n, m) down to (m,) without a word,
and rejects a transposed ∂J/∂W with "invalid gradient at index 1". To judge the
backward as written, these helpers call the graph node of the Function's output
directly (``out.grad_fn.apply(upstream)``), which returns the backward's values
unvalidated. The results are plain tensors: the grader's sandboxed child can
send them to the trusted parent, which judges them with :mod:`cs229nn.check.judge`.
"""

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import torch

from cs229nn.check.metrics import tolerance


@dataclass
class RawBackward:
    """One call of a Function: its forward output and its backward's raw outputs.

    Attributes:
        output: the forward's (first) output, detached; None if forward raised.
        raw: what backward returned, one entry per input of forward (None entries kept).
        error: the exception of forward or backward, as text, if one was raised.
        in_place: input index -> what was changed in place ("forward or backward changed this input", …).
    """

    output: Optional[torch.Tensor] = None
    raw: Optional[Tuple[Optional[object], ...]] = None
    error: Optional[str] = None
    in_place: Dict[int, str] = field(default_factory=dict)


def _same(x: torch.Tensor, y: torch.Tensor) -> bool:
    """Bit for bit, NaN equal to NaN (a NaN gradient twice is not evidence of an in-place change)."""
    return x.shape == y.shape and bool(torch.eq(x, y).logical_or(x.isnan() & y.isnan()).all())


def _repeatable(first: torch.Tensor, second: torch.Tensor) -> bool:
    """Two calls of backward agree up to rounding (CUDA's atomic adds may reorder a sum), NaN equal to NaN."""
    limit = tolerance("manual", first.dtype)
    return first.shape == second.shape and torch.allclose(first, second, rtol=limit.rel, atol=limit.abs, equal_nan=True)


def _as_tuple(value) -> tuple:
    return value if isinstance(value, tuple) else (value,)


def _detached(values: tuple) -> tuple:
    return tuple(v.detach() if isinstance(v, torch.Tensor) else v for v in values)


def raw_backward(
    function: type,
    inputs: Sequence[torch.Tensor],
    upstream: torch.Tensor,
    args: Sequence[object] = (),
    needs_grad: Optional[Sequence[bool]] = None,
) -> RawBackward:
    """Run ``function.apply(*inputs, *args)`` and its backward on ``upstream``, returning raw outputs.

    The inputs are copied (the caller's tensors are never changed); those in
    ``needs_grad`` (default: the floating-point ones) require a gradient. Backward
    runs twice: a second result that differs from the first means it changed a
    saved tensor in place. Exceptions are caught and returned as ``error``.
    """
    needs = list(needs_grad) if needs_grad is not None else [t.is_floating_point() for t in inputs]
    xs = [t.detach().clone().requires_grad_(need) for t, need in zip(inputs, needs)]
    before = [t.detach().clone() for t in xs]
    result = RawBackward()
    try:
        outputs = _as_tuple(function.apply(*xs, *args))
    except Exception as e:  # the student's forward: report, do not crash the checker
        result.error = f"in forward: {type(e).__name__}: {e}"
        return result
    out = outputs[0]
    result.output = out.detach().clone()  # a backward that changes its saved output must not change this
    if out.grad_fn is None:
        result.error = "forward's output has no grad_fn: did forward detach it, or no input require a gradient?"
        return result
    # the other outputs (max-pooling's indices) get zero gradients, as the engine would pass
    extra = tuple(torch.zeros_like(o) for o in outputs[1:] if isinstance(o, torch.Tensor))
    calls = []
    for _ in range(2):
        incoming = upstream.detach().clone()
        try:
            with torch.no_grad():
                calls.append(_detached(_as_tuple(out.grad_fn.apply(incoming, *extra))))
        except Exception as e:
            if "modified by an inplace operation" in str(e):
                when = "by the first call of backward" if calls else "before backward"
                for i, need in enumerate(needs):
                    if need:
                        result.in_place.setdefault(i, f"torch reports a saved tensor modified by an in-place operation {when}")
            if not calls:  # the second call failing is the in-place evidence, not an error of the backward
                result.error = f"in backward: {type(e).__name__}: {e}"
            break
        if not _same(incoming, upstream):
            result.in_place.setdefault(0, "backward changed its incoming gradient ∂J/∂(output) in place")
    if calls:
        result.raw = calls[0]
    if len(calls) == 2:
        for i, (first, second) in enumerate(zip(*calls)):
            if isinstance(first, torch.Tensor) and isinstance(second, torch.Tensor) and not _repeatable(first, second):
                result.in_place.setdefault(i, "a second call of backward gives another result: backward changes a saved tensor in place")
    for i, (x, x0) in enumerate(zip(xs, before)):
        if not _same(x.detach(), x0):
            result.in_place.setdefault(i, "forward or backward changed this input in place")
    return result


@dataclass
class NodeCall:
    """A custom Function's node in a graph, the gradient the engine fed it, and what its backward returned."""

    node: object
    grad_outputs: Tuple[Optional[torch.Tensor], ...]
    raw: Optional[tuple] = None
    error: Optional[str] = None


def graph_backward(
    J: torch.Tensor, wrt: Sequence[torch.Tensor]
) -> Tuple[Optional[Tuple[Optional[torch.Tensor], ...]], Optional[str], List[NodeCall], Dict[object, Tuple]]:
    """torch.autograd.grad(J, wrt), plus the raw outputs of every custom Function's backward in the graph.

    Returns (the gradients, or None if the engine raised; the engine's error;
    one :class:`NodeCall` per custom Function node that the engine reached, in
    the order it ran them; node -> the gradients the engine fed it, for every node reached).
    """
    fed: Dict[object, Tuple] = {}
    order: List[object] = []
    handles, seen, stack = [], set(), [J.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)

        def record(grad_outputs, node=node):
            fed[node] = tuple(g.detach() if g is not None else None for g in grad_outputs)
            order.append(node)

        handles.append(node.register_prehook(record))
        stack.extend(next_node for next_node, _ in node.next_functions)
    grads, error = None, None
    try:
        grads = torch.autograd.grad(J, list(wrt), allow_unused=True, retain_graph=True)
    except RuntimeError as e:
        error = str(e)
    finally:
        for h in handles:
            h.remove()
    calls = []
    for node in order:
        if not hasattr(node, "_forward_cls"):  # torch's own ops: nothing of the student's to judge
            continue
        call = NodeCall(node, fed[node])
        try:
            with torch.no_grad():
                call.raw = _detached(_as_tuple(node.apply(*fed[node])))
        except Exception as e:
            call.error = f"{type(e).__name__}: {e}"
        calls.append(call)
    return grads, error, calls, fed
