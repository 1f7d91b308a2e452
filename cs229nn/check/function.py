"""check_function: the check the labs and the grader make of one student ``torch.autograd.Function``."""

from typing import Callable, List, Optional, Sequence, Tuple, Union

import torch

from cs229nn.check.catalogue import UNEXPLAINED, Context, Finding, finding
from cs229nn.check.judge import check_raw_gradients, judge_gradient
from cs229nn.check.metrics import tolerance
from cs229nn.check.numeric import numeric_gradient
from cs229nn.check.operations import OPERATIONS, Case, Operation, Shapes
from cs229nn.check.raw import RawBackward, raw_backward
from cs229nn.check.table import GradientReport, GradientRow
from cs229nn.validate import shape_str

NO_REFERENCE_NOTE = (
    "no reference given: your backward was compared with centered finite differences of your own forward "
    "(float64, h = 1e-6); this cannot catch a wrong forward"
)


def _first_output(value):
    return value[0] if isinstance(value, tuple) else value


def _draw_gaussians(g: torch.Generator, shapes: Shapes, dtype: torch.dtype) -> List[torch.Tensor]:
    return [torch.randn(*s, generator=g, dtype=torch.float64).to(dtype) for s in shapes]


def check_function(
    function: type,
    reference: Union[str, Callable[..., torch.Tensor], None] = None,
    shapes: Optional[Sequence[Shapes]] = None,
    seed: int = 0,
    *,
    op: Optional[str] = None,
    args: Optional[Tuple] = None,
    symbols: Optional[Sequence[str]] = None,
    needs_grad: Optional[Sequence[bool]] = None,
    dtype: torch.dtype = torch.float64,
    device: Optional[torch.device] = None,
    title: Optional[str] = None,
) -> GradientReport:
    """Check one ``torch.autograd.Function`` the way the grader does.

    For every case (several input shapes, batch 1 and non-square weights among
    them) it draws inputs, runs forward, calls the backward directly and judges
    what it *returned* (count, shapes, dtypes, devices, None where a gradient is
    needed: :func:`cs229nn.check.check_raw_gradients`), then its values against the
    reference with the catalogue's diagnoses, and whether it changes a saved
    tensor in place.

    Args:
        function: the Function class (``StudentLinear``, called as ``StudentLinear.apply``).
        reference: the name of a known operation (``"linear"``, ``"sigmoid"``, ``"relu"``,
            ``"leaky_relu"``, ``"elu"``, ``"tanh"``, ``"squared_loss"``, ``"softmax_cross_entropy"``,
            ``"binary_cross_entropy"``, ``"conv2d"``, ``"max_pool2d"``), which brings inputs
            that expose its typical mistakes; or any autograd function of the same
            inputs; or None to compare with finite differences of ``function`` itself.
        shapes: the shapes of forward's tensor inputs, one tuple per case, e.g.
            ``[((5, 3), (4, 3), (4,))]`` (default: the operation's cases).
        seed: the inputs are drawn from ``torch.Generator().manual_seed(seed + case)``.
        op: the operation's name when ``reference`` is a callable (for its inputs and diagnoses).
        args: the non-tensor arguments after the tensors (slope, stride, reduction, …).
        symbols, needs_grad: the inputs' notes symbols and which need a gradient.
        dtype: the dtype the Function runs in; the reference runs in float64.
        device: where it runs (default: the CPU); inputs are drawn on the CPU, then moved.
        title: the report's title (default: the Function's name).
    """
    operation: Optional[Operation] = None
    name = reference if isinstance(reference, str) else op
    if name is not None:
        if name not in OPERATIONS:
            raise ValueError(f"unknown operation {name!r}; known: {sorted(OPERATIONS)}")
        operation = OPERATIONS[name]
    ref: Optional[Callable] = operation.reference if isinstance(reference, str) else reference
    if shapes is not None:
        default_args = operation.cases[0].args if operation else ()
        cases = [Case(tuple(tuple(s) for s in case), args if args is not None else default_args) for case in shapes]
    elif operation is not None:
        cases = [Case(c.shapes, args if args is not None else c.args) for c in operation.cases]
    else:
        raise TypeError("check_function needs shapes= (the shapes of forward's tensor inputs) or a known operation as reference=")
    count = len(cases[0].shapes)
    symbols = list(symbols or (operation.symbols if operation else [f"x{i}" for i in range(count)]))
    draw = operation.draw if operation else _draw_gaussians

    device = torch.device(device) if device is not None else torch.device("cpu")
    report = GradientReport(title or getattr(function, "__name__", type(function).__name__), dtype, device,
                            against="reference" if ref is not None else "numeric")
    if ref is None:
        report.notes.append(NO_REFERENCE_NOTE)
    for i, case in enumerate(cases):
        inputs = [t.to(device) for t in draw(torch.Generator().manual_seed(seed + i), case.shapes, dtype)]
        needs = list(needs_grad or (operation.needs_grad if operation else [t.is_floating_point() for t in inputs]))
        if ref is not None:
            out_ref, expected = reference_gradients(ref, inputs, None, case.args, needs)
            upstream = _upstream(out_ref, seed + i)
            out_ref, expected = reference_gradients(ref, inputs, upstream, case.args, needs)
        else:
            try:  # the student's forward gives the output's shape and, by finite differences, the gradients
                upstream = _upstream(_first_output(function.apply(*[t.detach().double() for t in inputs], *case.args)), seed + i)
                out_ref, expected = None, _numeric_gradients(function, inputs, upstream, case.args, needs)
            except Exception as e:  # report it as the Function's error, like one raised in backward
                _judge(report, RawBackward(error=f"in forward: {type(e).__name__}: {e}"), inputs, None, case.args, symbols, needs, None, None, operation)
                continue
        collected = raw_backward(function, inputs, upstream.to(dtype), case.args, needs)
        _judge(report, collected, inputs, upstream, case.args, symbols, needs, expected, out_ref, operation)
    return report


def _upstream(output: torch.Tensor, seed: int) -> torch.Tensor:
    """A fixed random ∂J/∂(output), uniform on [−1, 1], from its own stream (never equal to an input)."""
    g = torch.Generator().manual_seed(seed + 7919)
    return (2 * torch.rand(output.shape, generator=g, dtype=torch.float64) - 1).to(output.device)


def reference_gradients(
    reference: Callable[..., torch.Tensor],
    inputs: Sequence[torch.Tensor],
    upstream: Optional[torch.Tensor],
    args: Sequence[object] = (),
    needs_grad: Optional[Sequence[bool]] = None,
) -> Tuple[torch.Tensor, List[Optional[torch.Tensor]]]:
    """The trusted reference's output and, for ``upstream`` (if given), its gradients, all in float64 by autograd."""
    needs = list(needs_grad) if needs_grad is not None else [t.is_floating_point() for t in inputs]
    xs = [(t.detach().double() if t.is_floating_point() else t.detach()).requires_grad_(need) for t, need in zip(inputs, needs)]
    out = _first_output(reference(*xs, *args))
    if upstream is None:
        return out.detach(), [None] * len(xs)
    wanted = [x for x, need in zip(xs, needs) if need]
    grads = iter(torch.autograd.grad(out, wanted, upstream.to(out), allow_unused=True))
    expected = []
    for x, need in zip(xs, needs):
        g = next(grads) if need else None
        expected.append(torch.zeros_like(x) if need and g is None else g)
    return out.detach(), expected


def _numeric_gradients(function, inputs, upstream, args, needs) -> List[Optional[torch.Tensor]]:
    copies = [t.detach().double() if t.is_floating_point() else t for t in inputs]
    wanted = [c for c, need in zip(copies, needs) if need]
    numeric = iter(numeric_gradient(lambda: _first_output(function.apply(*copies, *args)), wanted, upstream=upstream))
    return [next(numeric) if need else None for need in needs]


def judge_function_outputs(
    collected: RawBackward,
    inputs: Sequence[torch.Tensor],
    upstream: torch.Tensor,
    reference: Union[str, Callable[..., torch.Tensor]],
    args: Sequence[object] = (),
    *,
    symbols: Optional[Sequence[str]] = None,
    needs_grad: Optional[Sequence[bool]] = None,
    title: str = "",
    report: Optional[GradientReport] = None,
) -> GradientReport:
    """Judge what a Function did on ``inputs`` (``collected`` by :func:`raw_backward`) against a trusted reference.

    Data in, report out: this runs only the reference, never student code, so the
    grader's parent can call it on what its sandboxed child sent back. ``reference``
    is an operation's name (its diagnoses come with it) or an autograd function.
    Pass ``report`` to append one more case to it.
    """
    operation = OPERATIONS[reference] if isinstance(reference, str) else None
    ref = operation.reference if operation else reference
    needs = list(needs_grad or (operation.needs_grad if operation else [t.is_floating_point() for t in inputs]))
    symbols = list(symbols or (operation.symbols if operation else [f"x{i}" for i in range(len(inputs))]))
    first = inputs[0]
    report = report or GradientReport(title, first.dtype, first.device, against="reference")
    out_ref, expected = reference_gradients(ref, inputs, upstream, args, needs)
    _judge(report, collected, inputs, upstream, args, symbols, needs, expected, out_ref, operation)
    return report


def _contexts(operation: Optional[Operation], inputs, upstream, args, dtype) -> List[Context]:
    """What the trusted side knows about each input's gradient: n, z, the upstream, the mistakes' variants."""
    inputs64 = [t.detach().double() if t.is_floating_point() else t for t in inputs]
    variants = operation.variants(inputs64, upstream, args) if operation else {}
    elementwise = operation is not None and operation.elementwise
    return [
        Context(op=operation.name if operation else "", n=inputs[0].shape[0] if inputs[0].dim() else None,
                variants=variants.get(i, {}), z=inputs64[0] if elementwise else None, upstream=upstream if elementwise else None,
                params=operation.params(tuple(args)) if operation else {}, dtype=inputs[0].dtype)
        for i in range(len(inputs))
    ]


def _judge(report, collected, inputs, upstream, args, symbols, needs, expected, out_ref, operation) -> None:
    """Append one case's rows and findings to ``report``: data only, no student code."""
    dtype = inputs[0].dtype
    contexts = _contexts(operation, inputs, upstream, args, dtype) if upstream is not None else [None] * len(inputs)
    in_place: List[Finding] = [finding("in_place_saved", symbols[i], {"detail": detail}) for i, detail in collected.in_place.items()]
    raw = collected.raw
    output_shape_wrong = out_ref is not None and collected.output is not None and collected.output.shape != out_ref.shape
    if output_shape_wrong:
        # the backward then met an upstream gradient of the reference's shape: its error is a consequence
        report.findings.append(finding("wrong_output_shape", "", {"got": shape_str(collected.output.shape), "want": shape_str(out_ref.shape)}))
    elif collected.error is not None:
        report.findings.append(finding("function_raised", "", {"detail": collected.error.splitlines()[0]}))
    elif out_ref is not None:
        ok, rel, _ = tolerance("manual", dtype).accepts(collected.output.double(), out_ref)
        if not ok and report.forward_passed:
            report.forward_passed, report.forward_rel = False, rel
    structural = []
    if raw is not None:
        # backward returns one value per input of forward, the non-tensor arguments included
        extra = len(args)
        structural = check_raw_gradients(raw, [*inputs, *args], [*symbols, *map(repr, args)],
                                         [*needs, *[False] * extra], [*contexts, *[None] * extra])
        if structural and structural[0].id == "wrong_count":
            report.findings += structural
            raw = None
    comparison = "manual" if out_ref is not None else "numeric"
    for i, (symbol, need) in enumerate(zip(symbols, needs)):
        if not need:
            continue
        mine = [f for f in in_place if f.symbol == symbol]
        if raw is None:
            report.rows.append(GradientRow(symbol, tuple(inputs[i].shape), float("nan"), float("nan"), None, False,
                                           "; ".join(map(str, mine)) or "not checked: see the error above", mine))
            continue
        got = raw[i] if isinstance(raw[i], torch.Tensor) else None
        verdict = judge_gradient(got, expected[i].to(dtype), symbol, contexts[i], comparison)
        if got is not None and got.shape == inputs[i].shape:
            mine += [f for f in structural if f.symbol == symbol]  # dtype, device
        findings = mine + verdict.findings
        ok = verdict.passed and not mine
        problem = "" if ok else "; ".join(
            ([f"relative error {verdict.rel:.2g} against the {report.against}"] if verdict.rel == verdict.rel and not verdict.passed else [])
            + [str(f) for f in findings if not f.accepted]
            + ([UNEXPLAINED] if not verdict.passed and not verdict.findings else [])
        )
        report.rows.append(GradientRow(symbol, tuple(inputs[i].shape), verdict.abs, verdict.rel, None, ok, problem, findings))
