"""Building blocks for judges: compare a returned tensor with the reference, say what is wrong.

Judges run where the score is kept; they never call student code. They compare
against their own reference (autograd, a torch op, an invariant) with the
tolerances of :mod:`cs229nn.check`, and word what they find in the notes' symbols.
"""

from typing import Any, Callable, Iterable, Optional, Sequence, Tuple

import torch

from cs229nn.check import Context, judge_gradient, tolerance
from cs229nn.lab.spec import Inputs, Outputs, Verdict
from cs229nn.validate import shape_str


GRADIENT = "∂J/∂"  # symbols that name a gradient get the catalogue's diagnoses


def problem(symbol: str, got: Any, expected: torch.Tensor, comparison: str = "manual", context: Optional[Context] = None) -> Optional[str]:
    """None if ``got`` equals ``expected`` within the checker's tolerance, else one line saying how it differs.

    The line names the mistake from the checker's catalogue where one explains the
    difference (:func:`cs229nn.check.judge_gradient`), with the notes' equation.
    ``comparison`` picks the tolerance row of :data:`cs229nn.check.TOLERANCES`
    (``"manual"``: the same math rounded differently; ``"numeric"``: finite differences);
    ``context`` tells the catalogue more (the operation, n, the mistakes' variants).
    """
    if isinstance(got, str):
        return f"{symbol}: expected a tensor, got {got.strip('<>')}"
    if got is None:
        return f"{symbol}: nothing was returned (None)"
    if type(got) is not torch.Tensor:
        return f"{symbol}: expected a torch.Tensor, got {type(got).__name__}"
    if got.shape == expected.shape and got.dtype != expected.dtype:
        return f"{symbol} has dtype {got.dtype}; it must be {expected.dtype} (keep the inputs' dtype)"
    if got.shape != expected.shape and not symbol.startswith(GRADIENT):
        # "transposed" only when the numbers really are the transpose (a wrong width can look alike)
        transposed = got.dim() == expected.dim() == 2 and got.shape == expected.T.shape and tolerance(comparison, expected.dtype).accepts(got, expected.T)[0]
        return f"{symbol} has shape {shape_str(got.shape)}; it must be {shape_str(expected.shape)}" + (": it is the transpose of the right value" if transposed else "")
    if symbol.startswith(GRADIENT):  # the catalogue of common backward mistakes knows gradients
        judged = judge_gradient(got, expected, symbol[len(GRADIENT):], context or Context(dtype=expected.dtype), comparison)
        if judged.passed:
            return None
        if judged.findings:
            return "; ".join(str(f) for f in judged.findings)
        if got.shape != expected.shape:
            return f"{symbol} has shape {shape_str(got.shape)}; it must be {shape_str(expected.shape)}"
        return f"{symbol} wrong: relative error {judged.rel:.2g} against the reference, and no common mistake explains the difference"
    if not bool(torch.isfinite(got).all()) and bool(torch.isfinite(expected).all()):
        return f"{symbol} contains nan or inf where the reference is finite: an overflow (exp of a large number) or log(0)"
    ok, rel, _ = tolerance(comparison, expected.dtype).accepts(got, expected)
    return None if ok else f"{symbol} wrong: relative error {rel:.2g} against the reference"


def verdict(problems: Iterable[Optional[str]], ok: str = "ok") -> Verdict:
    """All-or-nothing: pass if no problem was found, else fail with every problem listed."""
    found = [p for p in problems if p]
    return Verdict.wrong("; ".join(found)) if found else Verdict.ok(ok)


def partial(parts: Sequence[Tuple[str, Optional[str]]]) -> Verdict:
    """Equal credit per part: ``parts`` is ``[(part name, problem or None), ...]``."""
    found = [f"{name}: {p}" for name, p in parts if p]
    score = 1.0 - len(found) / len(parts)
    return Verdict(score, "; ".join(found) if found else "ok")


def raw_gradient_problems(
    outputs: Outputs, keys: Sequence[str], symbols: Sequence[str], expected: Sequence[Optional[torch.Tensor]], n: Optional[int] = None
) -> list:
    """Problems with the raw values a Function's backward returned, one per forward input.

    ``expected[i]`` is the reference gradient of input ``keys[i]``, or None for an
    input that needs no gradient (any value, or None, is accepted there). ``n``, the
    number of examples, lets the catalogue name a mean-vs-sum factor.
    """
    count = outputs.get("raw_count")
    if count == -1:
        return ["forward returned a tensor without a backward graph: return the result of your computation from forward"]
    if count != len(keys):
        return [f"backward returned {count} values; it must return one per input of forward ({len(keys)}: {', '.join(symbols)}), None where no gradient is needed"]
    return [problem(s, outputs.get(f"grad:{k}"), e, context=Context(n=n, dtype=e.dtype)) for k, s, e in zip(keys, symbols, expected) if e is not None]


def autograd_judge(
    reference: Callable[..., torch.Tensor],
    args: Sequence[str],
    grad: Sequence[str],
    symbols: Sequence[str],
    output: str,
    part: str = "backward",
    upstream: str = "upstream",
) -> Callable[[Inputs, Outputs], Verdict]:
    """A judge for a ``"function"`` probe, against autograd through ``reference`` (a torch op on the same inputs).

    Args:
        reference: ``reference(*inputs[args])`` computes the same function with torch ops.
        args, grad: the probe's ``args`` and ``grad`` keys.
        symbols: the notes' names of ∂J/∂(each arg), in order (``"∂J/∂z"``).
        output: the notes' name of the forward's output (``"a"``, ``"J"``).
        part: ``"forward"`` judges the output only; ``"backward"`` the raw gradients only
            (the forward has its own check, so one mistake is not counted twice).
        upstream: the key of ∂J/∂(output) in the inputs, as the probe's ``upstream``.
    """
    if part not in ("forward", "backward"):
        raise ValueError(f"part must be 'forward' or 'backward', got {part!r}")

    def judge(inputs: Inputs, outputs: Outputs) -> Verdict:
        leaves = [inputs[k].detach().clone().requires_grad_(k in grad) for k in args]
        out = reference(*leaves)
        if part == "forward":
            return verdict([problem(output, outputs.get("out"), out.detach())])
        wrt = [t for t in leaves if t.requires_grad]
        found = iter(torch.autograd.grad(out, wrt, inputs[upstream]))
        expected = [next(found) if t.requires_grad else None for t in leaves]
        n = leaves[0].shape[0] if leaves and leaves[0].dim() > 0 else None  # examples are rows
        return verdict(raw_gradient_problems(outputs, args, symbols, expected, n=n))

    return judge

