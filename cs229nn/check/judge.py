"""Judges that see only data: a student's raw backward outputs and gradients, never their code.

The autograder's sandboxed child sends back tensors; the trusted parent calls
these with its own reference gradients and writes the feedback. The in-process
checks (:func:`cs229nn.check.compare_gradients`, :func:`cs229nn.check.check_function`)
are built from the same functions.
"""

from dataclasses import dataclass, field
from typing import List, Mapping, Optional, Sequence

import torch

from cs229nn.check.catalogue import Context, Finding, conventions, diagnose, finding
from cs229nn.check.metrics import max_abs_error, rel_error, tolerance


def check_raw_gradients(
    raw: Sequence[Optional[object]],
    inputs: Sequence[object],
    symbols: Sequence[str],
    needs_grad: Optional[Sequence[bool]] = None,
    contexts: Optional[Sequence[Optional[Context]]] = None,
) -> List[Finding]:
    """What is wrong with a backward's outputs *as returned*, before torch's engine reduces or rejects them.

    Checks the count, ``None`` where a gradient is required, and each gradient's
    shape, dtype and device against its input. A gradient for an input that
    needs none is accepted. Every finding names the tensor by its symbol.

    Args:
        raw: what ``backward`` returned, one entry per input of ``forward``.
        inputs: the inputs of ``forward`` (tensors, or anything for non-tensor arguments).
        symbols: the notes' symbol of each input ("a^[0]", "W^[1]", "b^[1]").
        needs_grad: which inputs need a gradient (default: the floating-point tensors).
        contexts: a :class:`Context` per input (n, for the unsummed bias).
    """
    needs = list(needs_grad) if needs_grad is not None else [isinstance(t, torch.Tensor) and t.is_floating_point() for t in inputs]
    if len(raw) != len(inputs):
        named = ", ".join(symbols)
        return [finding("wrong_count", "", {"got": str(len(raw)), "want": str(len(inputs)), "symbols": named})]
    findings = []
    for i, (got, like, symbol, need) in enumerate(zip(raw, inputs, symbols, needs)):
        if not need:
            continue
        if not isinstance(got, torch.Tensor):
            findings.append(finding("missing_gradient", symbol, {"got": "None" if got is None else f"a {type(got).__name__}"}))
            continue
        context = contexts[i] if contexts is not None and contexts[i] is not None else Context(dtype=got.dtype)
        if got.shape != like.shape:
            findings.append(diagnose(got, like, symbol, context))  # a shape entry; wrong_shape at worst
        elif got.dtype != like.dtype:
            findings.append(finding("wrong_dtype", symbol, {"got": str(got.dtype), "want": str(like.dtype)}))
        elif got.device != like.device:
            findings.append(finding("wrong_device", symbol, {"got": str(got.device), "want": str(like.device)}))
    return findings


@dataclass
class Verdict:
    """One gradient judged: errors against the right one, and the findings that explain a failure."""

    symbol: str
    shape: tuple
    rel: float
    abs: float
    passed: bool
    findings: List[Finding] = field(default_factory=list)


def judge_gradient(
    got: Optional[torch.Tensor], expected: torch.Tensor, symbol: str, context: Optional[Context] = None, comparison: str = "manual"
) -> Verdict:
    """``got`` against the right gradient ``expected``, with the tolerance of ``comparison`` in ``context.dtype``.

    ``comparison`` is "manual" against an exact reference, "numeric" against finite differences.

    A gradient that matches a convention (ReLU′(0) = 1) passes with that finding attached.
    """
    context = context or Context(dtype=expected.dtype)
    shape = tuple(expected.shape)
    if got is None:
        return Verdict(symbol, shape, float("nan"), float("nan"), False, [finding("missing_gradient", symbol, {"got": "None"})])
    got = got.detach().to(expected.device)
    if got.shape != expected.shape:
        found = diagnose(got, expected, symbol, context)
        return Verdict(symbol, shape, float("nan"), float("nan"), False, [found] if found else [])
    rel, err = rel_error(got, expected), max_abs_error(got, expected)
    finite = bool(torch.isfinite(got).all())
    if finite and tolerance(comparison, context.dtype).accepts(got, expected.to(got.dtype))[0]:
        return Verdict(symbol, shape, rel, err, True, conventions(got, expected, symbol, context))
    found = diagnose(got, expected, symbol, context)
    accepted = found is not None and found.accepted
    return Verdict(symbol, shape, rel, err, accepted, [found] if found else [])


# ---- the first wrong layer ----------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """One gradient on the way down, with the backward step that produced it.

    ``symbol`` is what it is the gradient of ("z^[2]", "W^[2]"); ``step`` says
    which backward computed it, in the notes' words with the equation.
    """

    symbol: str
    step: str
    layer: Optional[int] = None
    kind: str = ""  # "activation" when step is δ = ∂J/∂a ⊙ g′(z); "parameter" for ∂J/∂W, ∂J/∂b


@dataclass(frozen=True)
class Localization:
    """The topmost wrong gradient and what it says about where the bug is."""

    place: Place
    last_right: Optional[Place]
    inherited: List[Place]  # the wrong gradients below, which inherit the error
    right_below: List[Place]  # gradients below that are right nonetheless

    @property
    def layer(self) -> Optional[int]:
        return self.place.layer

    def __str__(self) -> str:
        above = f"∂J/∂{self.last_right.symbol} is right and " if self.last_right else ""
        if not self.right_below:
            below = "everything below is wrong" if self.inherited else f"∂J/∂{self.place.symbol} is wrong"
        else:
            below = f"∂J/∂{self.place.symbol} is wrong" + (
                f" (and {', '.join('∂J/∂' + p.symbol for p in self.inherited)})" if self.inherited else ""
            )
        where = f"layer {self.layer}: " if self.layer is not None else ""
        tail = "; the gradients below inherit it" if self.inherited else ""
        return f"{above}{below}: the error is in {where}{self.place.step}{tail}"


def first_wrong_layer(
    places: Sequence[Place],
    got: Mapping[str, torch.Tensor],
    expected: Mapping[str, torch.Tensor],
    dtype: torch.dtype = torch.float64,
) -> Optional[Localization]:
    """Walk the gradients from the loss down (``places`` in that order) and find the first wrong one.

    Ma Algorithm 4 computes δ^[k] from δ^[k+1], so an error at one step spreads to
    every gradient below it; the topmost wrong gradient whose parents are right
    is where the bug is (its ``step``). Gradients missing from ``got`` or
    ``expected`` are skipped.

    Args:
        places: top (the loss) to bottom (the input), e.g. z^[4], W^[4], b^[4], a^[3], z^[3], …
        got, expected: symbol -> gradient (the student's and the trusted one).
    """
    tol = tolerance("manual", dtype)
    verdicts = []
    for place in places:
        g, e = got.get(place.symbol), expected.get(place.symbol)
        if g is None or e is None:
            continue
        ok = g.shape == e.shape and bool(torch.isfinite(g).all()) and tol.accepts(g, e.to(g))[0]
        verdicts.append((place, ok))
    for i, (place, ok) in enumerate(verdicts):
        if not ok:
            last_right = verdicts[i - 1][0] if i > 0 else None
            below = verdicts[i + 1 :]
            return Localization(place, last_right, [p for p, ok_ in below if not ok_], [p for p, ok_ in below if ok_])
    return None
