"""check_function: the check the labs and the grader make of one student ``torch.autograd.Function``."""

from typing import Callable, List, Optional, Sequence, Tuple, Union

import torch

from cs229nn.check.catalogue import UNEXPLAINED, Context, Finding, finding
from cs229nn.check.judge import check_raw_gradients, judge_gradient
from cs229nn.check.metrics import tolerance
from cs229nn.check.numeric import numeric_gradient
from cs229nn.check.operations import OPERATIONS, Case, Operation, Shapes
from cs229nn.check.raw import raw_backward
from cs229nn.check.table import GradientReport, GradientRow

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
        _check_case(report, function, ref, operation, case, inputs, symbols, needs, seed + i)
    return report


def _check_case(report, function, ref, operation, case, inputs, symbols, needs, seed) -> None:
    dtype = report.dtype
    inputs64 = [t.double() if t.is_floating_point() else t for t in inputs]
    if ref is not None:
        xs = [t.clone().requires_grad_(need) for t, need in zip(inputs64, needs)]
        out_ref = _first_output(ref(*xs, *case.args))
    else:
        with torch.no_grad():
            out_ref = _first_output(function.apply(*[t.clone() for t in inputs64], *case.args))
    g = torch.Generator().manual_seed(seed + 7919)
    upstream64 = (2 * torch.rand(out_ref.shape, generator=g, dtype=torch.float64) - 1).to(out_ref.device)
    if ref is not None:
        wanted = [x for x, need in zip(xs, needs) if need]
        grads = iter(torch.autograd.grad(out_ref, wanted, upstream64, allow_unused=True))
        expected = [next(grads) if need else None for need in needs]
        expected = [torch.zeros_like(x) if need and e is None else e for x, e, need in zip(xs, expected, needs)]
    else:
        copies = [t.clone() for t in inputs64]
        wanted = [c for c, need in zip(copies, needs) if need]
        numeric = iter(numeric_gradient(lambda: _first_output(function.apply(*copies, *case.args)), wanted, upstream=upstream64))
        expected = [next(numeric) if need else None for need in needs]

    variants = operation.variants(inputs64, upstream64, case.args) if operation else {}
    n = inputs[0].shape[0] if inputs[0].dim() else None
    contexts = [
        Context(op=operation.name if operation else "", n=n, variants=variants.get(i, {}),
                z=inputs64[0] if operation and operation.elementwise else None,
                upstream=upstream64 if operation and operation.elementwise else None,
                params=operation.params(case.args) if operation else {}, dtype=dtype)
        for i in range(len(inputs))
    ]
    raw = raw_backward(function, inputs, upstream64.to(dtype), case.args, needs)
    in_place: List[Finding] = [finding("in_place_saved", symbols[i], {"detail": detail}) for i, detail in raw.in_place.items()]
    if raw.error is not None:
        report.findings.append(finding("function_raised", "", {"detail": raw.error.splitlines()[0]}))
    elif ref is not None:
        ok, rel, _ = tolerance("manual", dtype).accepts(raw.output.double(), out_ref.detach())
        if not ok and report.forward_passed:
            report.forward_passed, report.forward_rel = False, rel
    structural = []
    if raw.raw is not None:
        # backward returns one value per input of forward, the non-tensor arguments included
        extra = len(case.args)
        structural = check_raw_gradients(raw.raw, [*inputs, *case.args], [*symbols, *map(repr, case.args)],
                                         [*needs, *[False] * extra], [*contexts, *[None] * extra])
        if structural and structural[0].id == "wrong_count":
            report.findings += structural
            raw.raw = None
    comparison = "manual" if ref is not None else "numeric"
    for i, (symbol, need) in enumerate(zip(symbols, needs)):
        if not need:
            continue
        mine = [f for f in in_place if f.symbol == symbol]
        got = raw.raw[i] if raw.raw is not None else None
        if raw.raw is None:
            report.rows.append(GradientRow(symbol, tuple(inputs[i].shape), float("nan"), float("nan"), None, False,
                                           "; ".join(map(str, mine)) or "not checked: the Function raised (see above)", mine))
            continue
        verdict = judge_gradient(got if isinstance(got, torch.Tensor) else None, expected[i].to(dtype), symbol, contexts[i], comparison)
        if isinstance(got, torch.Tensor) and got.shape == inputs[i].shape:
            mine += [f for f in structural if f.symbol == symbol]  # dtype, device
        findings = mine + verdict.findings
        ok = verdict.passed and not mine
        problem = "" if ok else "; ".join(
            ([f"relative error {verdict.rel:.2g} against the {report.against}"] if verdict.rel == verdict.rel and not verdict.passed else [])
            + [str(f) for f in findings if not f.accepted]
            + ([UNEXPLAINED] if not verdict.passed and not verdict.findings else [])
        )
        report.rows.append(GradientRow(symbol, tuple(inputs[i].shape), verdict.abs, verdict.rel, None, ok, problem, findings))
