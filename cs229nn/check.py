"""Gradient checking: numeric, manual and autograd gradients side by side.

The one place that compares gradients (CS231n's ``gradient_check.py`` idea).
Labs, the main job's report, the tests and the autograder all call it.

What a correct implementation shows (CS231n convention, :func:`rel_error`):

* manual vs autograd in float64: about 1e-16 to 1e-13 (the same math, rounded
  differently); fails above 1e-10.
* numeric (centered differences, h = 1e-6, always in float64) vs autograd:
  about 1e-10 to 1e-7; fails above 1e-5 unless the absolute error is tiny.
* in float32, manual vs autograd: about 1e-7; fails above 1e-4.
"""

import copy
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch

from cs229nn.mode import backprop_mode
from cs229nn.nn.module import notes_names
from cs229nn.validate import shape_str


@dataclass(frozen=True)
class Tolerance:
    """A gradient passes if its rel_error ≤ ``rel`` or its max abs error ≤ ``abs`` × max(1, max |expected|).

    The absolute escape hatch is for entries that should be ~0, where any
    relative error is noise.
    """

    rel: float
    abs: float

    def accepts(self, got: torch.Tensor, expected: torch.Tensor) -> Tuple[bool, float, float]:
        """(passes, rel_error, max abs error) of ``got`` against ``expected``."""
        rel, err = rel_error(got, expected), max_abs_error(got, expected)
        scale = max(1.0, float(expected.detach().abs().max())) if expected.numel() else 1.0
        return rel <= self.rel or err <= self.abs * scale, rel, err


# (comparison, dtype) -> tolerance. Numeric gradients are always computed in float64,
# so against a float32 autograd gradient they inherit float32's rounding.
TOLERANCES: Dict[Tuple[str, torch.dtype], Tolerance] = {
    ("manual", torch.float64): Tolerance(rel=1e-10, abs=1e-12),
    ("numeric", torch.float64): Tolerance(rel=1e-5, abs=1e-7),
    ("manual", torch.float32): Tolerance(rel=1e-4, abs=1e-6),
    ("numeric", torch.float32): Tolerance(rel=1e-2, abs=1e-4),
}


def tolerance(comparison: str, dtype: torch.dtype) -> Tolerance:
    return TOLERANCES.get((comparison, dtype), TOLERANCES[(comparison, torch.float32)])


def rel_error(x: torch.Tensor, y: torch.Tensor) -> float:
    """max_i |x_i − y_i| / max(1e-8, |x_i| + |y_i|)  (CS231n's definition).

    >>> rel_error(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0 + 1e-9]))  # doctest: +SKIP
    2.5e-10
    """
    x, y = x.detach().double(), y.detach().double().to(x.device)
    if x.shape != y.shape:
        raise ValueError(f"rel_error needs equal shapes, got {shape_str(x.shape)} and {shape_str(y.shape)}")
    if x.numel() == 0:
        return 0.0
    return float(((x - y).abs() / (x.abs() + y.abs()).clamp_min(1e-8)).max())


def max_abs_error(x: torch.Tensor, y: torch.Tensor) -> float:
    return float((x.detach().double() - y.detach().double().to(x.device)).abs().max()) if x.numel() else 0.0


def _require_finite(value: torch.Tensor, what: str) -> None:
    if not bool(torch.isfinite(value).all()):
        raise ValueError(
            f"{what} is not finite ({value.flatten()[:4].tolist()}); the gradient checker needs a finite loss: "
            "check the inputs for nan/inf, and probabilities for exact 0 or 1"
        )


def numeric_gradient(
    f: Callable[..., torch.Tensor],
    inputs: Sequence[torch.Tensor],
    h: float = 1e-6,
    upstream: Optional[torch.Tensor] = None,
) -> List[torch.Tensor]:
    """Centered differences (J(θ + h e_i) − J(θ − h e_i)) / 2h for every entry of every input.

    Args:
        f: computes J from ``inputs`` (and whatever it closes over, e.g. parameters).
            If it returns a tensor that is not a scalar, J = Σ f(...) ⊙ ``upstream``.
        inputs: the tensors to differentiate with respect to. They are perturbed in place
            (under ``torch.no_grad``) and restored; parameters of a module work too.
        h: the step. 1e-6 in float64 balances truncation (∝ h²) and rounding (∝ ε/h).
        upstream: ∂L/∂f for a non-scalar ``f`` (default: all ones).

    Returns:
        one gradient tensor per input, each shaped like the input.
    """
    def objective() -> torch.Tensor:
        out = f()
        _require_finite(out, "f's output")
        return out.sum() if upstream is None else (out * upstream).sum()

    grads = []
    with torch.no_grad():
        for t in inputs:
            grad = torch.zeros_like(t)
            if not t.is_contiguous():
                raise ValueError("numeric_gradient perturbs its inputs in place through a flat view: pass contiguous tensors")
            flat, flat_grad = t.view(-1), grad.view(-1)
            for i in range(flat.numel()):
                original = flat[i].item()
                flat[i] = original + h
                plus = objective()
                flat[i] = original - h
                minus = objective()
                flat[i] = original
                flat_grad[i] = (plus - minus) / (2 * h)
            grads.append(grad)
    return grads


def diagnose(got: torch.Tensor, expected: torch.Tensor) -> str:
    """A guess at *how* a gradient is wrong, for students: transpose, sign, scale, zeros."""
    got, expected = got.detach().double(), expected.detach().double().to(got.device)
    close = 1e-6
    if bool((expected == 0).all()):
        return "the expected gradient is all zeros"
    if bool((got == 0).all()):
        return "your gradient is all zeros: did backward return zeros, or skip this input?"
    if got.dim() == 2 and got.shape == expected.t().shape and rel_error(got, expected.t()) < close:
        return "your gradient looks like the transpose of the expected one"
    if got.shape == expected.shape:
        if rel_error(got, -expected) < close:
            return "your gradient has the wrong sign"
        scale = float((got * expected).sum() / (expected * expected).sum())
        if scale != 0 and rel_error(got, scale * expected) < close:
            hint = " (mean vs sum over the batch?)"
            if abs(scale - 2) < 1e-6 or abs(scale - 0.5) < 1e-6:
                hint = " (the ½ of the squared loss?)"
            return f"your gradient is the expected one times {scale:.6g}{hint}"
    return "no simple pattern (transpose, sign or scale) explains the difference"


@dataclass
class GradientRow:
    """One parameter or input: its notes name, shape and the errors between the three gradients."""

    name: str
    shape: Tuple[int, ...]
    manual_abs: float
    manual_rel: float
    numeric_rel: Optional[float]
    passed: bool
    problem: str = ""

    def describe(self) -> str:
        if self.passed:
            return f"∂J/∂{self.name} ok"
        return f"∂J/∂{self.name} wrong: {self.problem}"


@dataclass
class GradientReport:
    """Per-gradient comparison of manual, autograd and numeric gradients; ``str()`` prints a table."""

    title: str
    dtype: torch.dtype
    device: torch.device
    rows: List[GradientRow] = field(default_factory=list)
    forward_rel: float = 0.0  # rel_error of the manual forward's output against the autograd one
    forward_passed: bool = True

    @property
    def passed(self) -> bool:
        return self.forward_passed and all(r.passed for r in self.rows)

    @property
    def failures(self) -> List[GradientRow]:
        return [r for r in self.rows if not r.passed]

    def __str__(self) -> str:
        dtype = str(self.dtype).replace("torch.", "")
        lines = [
            f"{self.title} — {dtype} on {self.device}",
            f"  {'gradient':<14}{'shape':<14}{'manual vs autograd':>24}{'numeric vs autograd':>22}",
            f"  {'':<14}{'':<14}{'max abs':>12}{'rel error':>12}{'rel error':>22}",
        ]
        for r in self.rows:
            numeric = "-" if r.numeric_rel is None else f"{r.numeric_rel:.1e}"
            lines.append(
                f"  {'∂J/∂' + r.name:<14}{shape_str(r.shape):<14}{r.manual_abs:>12.1e}{r.manual_rel:>12.1e}"
                f"{numeric:>22}   {'ok' if r.passed else 'FAIL'}"
            )
        manual, numeric = tolerance("manual", self.dtype), tolerance("numeric", self.dtype)
        if not self.forward_passed:
            lines.append(
                f"  forward pass wrong: its output differs from the reference by relative error {self.forward_rel:.2g} "
                "(gradients of a wrong function can still agree with each other)"
            )
        if self.passed:
            lines.append(
                f"  all {len(self.rows)} gradients agree (limits: manual {manual.rel:.0e}, numeric {numeric.rel:.0e} "
                "relative)"
            )
        for r in self.failures:
            lines.append(f"  {r.describe()}")
        return "\n".join(lines)


def _cast(t: torch.Tensor, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    # contiguous, so that numeric_gradient can perturb it through a flat view
    return t.detach().to(device=device, dtype=dtype if t.is_floating_point() else t.dtype).clone(memory_format=torch.contiguous_format)


def compare_gradients(
    model: Callable[..., torch.Tensor],
    *inputs: torch.Tensor,
    reference: Optional[Callable[..., torch.Tensor]] = None,
    loss: Optional[Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = None,
    target: Optional[torch.Tensor] = None,
    input_names: Optional[Sequence[str]] = None,
    dtype: Optional[torch.dtype] = None,
    device: Optional[torch.device] = None,
    numeric: bool = True,
    title: Optional[str] = None,
    seed: int = 0,
) -> GradientReport:
    """Run ``model`` with manual backward, with autograd and numerically, and compare.

    Args:
        model: an ``nn.Module`` built from cs229nn modules (run once inside
            ``backprop_mode("manual")`` and once inside ``backprop_mode("autograd")``),
            or any function of ``inputs`` when ``reference`` is given.
        inputs: the inputs; gradients are checked for every floating-point input
            and every parameter of ``model``.
        reference: an autograd implementation of the same function (e.g. ``torch.relu``
            for ``cs229nn.functional.relu``); it replaces the autograd-mode run.
        loss, target: J = loss(model(*inputs), target). Without them J is the output
            itself if it is a scalar, else Σ output ⊙ R for a fixed random R, so that
            every output entry matters.
        input_names: names for the inputs in the report (default "x", or "x0", "x1", …).
        dtype, device: where to run (default: as given); numeric gradients are always
            computed in float64 on a copy.
        numeric: skip the (slow, one forward per entry ×2) numeric gradient if False.

    Returns:
        a :class:`GradientReport`; ``report.passed`` and ``print(report)``.
    """
    if reference is None and not isinstance(model, torch.nn.Module):
        raise TypeError("compare_gradients needs an nn.Module (run in both modes) or reference= for a plain function")
    first = next((t for t in inputs if t.is_floating_point()), None)
    device = torch.device(device) if device is not None else (first.device if first is not None else torch.device("cpu"))
    dtype = dtype or (first.dtype if first is not None else torch.float64)
    names = list(input_names) if input_names else (["x"] if len(inputs) == 1 else [f"x{i}" for i in range(len(inputs))])
    # R must not coincide with the inputs (RᵀX would be symmetric if R = X and hide a
    # transposed ∂J/∂W), so it is uniform, from its own stream, not randn(seed).
    generator = torch.Generator().manual_seed(seed + 7919)

    def setup(run_dtype: torch.dtype):
        """A fresh copy of the model and inputs in ``run_dtype``, with the tensors to differentiate."""
        m = copy.deepcopy(model).to(device=device, dtype=run_dtype) if isinstance(model, torch.nn.Module) else model
        xs = [_cast(t, run_dtype, device) for t in inputs]
        y = None if target is None else _cast(target, run_dtype, device)
        wrt = [(n, x) for n, x in zip(names, xs) if x.is_floating_point()]
        if isinstance(m, torch.nn.Module):
            symbols = notes_names(m)
            wrt += [(symbols.get(n, n), p) for n, p in m.named_parameters() if p.requires_grad]
        return m, xs, y, wrt

    upstream: List[torch.Tensor] = []  # the fixed random R, made on first use

    def objective(fn, xs, y) -> torch.Tensor:
        out = fn(*xs)
        if loss is not None:
            return loss(out, y)
        if out.dim() == 0:
            return out
        if not upstream:
            upstream.append(2 * torch.rand(out.shape, generator=generator, dtype=torch.float64) - 1)
        return (out * upstream[0].to(out)).sum()

    def gradients(mode: str) -> Tuple[torch.Tensor, List[str], List[torch.Tensor]]:
        """J and its gradients with every backward of this mode."""
        m, xs, y, wrt = setup(dtype)
        for _, t in wrt:
            t.requires_grad_(True)
        fn = reference if (mode == "autograd" and reference is not None) else m
        with backprop_mode(mode):
            J = objective(fn, xs, y)
        _require_finite(J.detach(), "J")
        grads = torch.autograd.grad(J, [t for _, t in wrt], allow_unused=True)
        return J.detach(), [n for n, _ in wrt], [torch.zeros_like(t) if g is None else g for (_, t), g in zip(wrt, grads)]

    J_manual, wrt_names, manual = gradients("manual")
    J_auto, _, auto = gradients("autograd")

    numeric_grads: List[Optional[torch.Tensor]] = [None] * len(auto)
    if numeric:
        m64, xs64, y64, wrt64 = setup(torch.float64)
        fn64 = reference if reference is not None else m64
        with backprop_mode("autograd"):
            numeric_grads = numeric_gradient(lambda: objective(fn64, xs64, y64), [t for _, t in wrt64])

    report = GradientReport(title or type(model).__name__, dtype, device)
    manual_tol, numeric_tol = tolerance("manual", dtype), tolerance("numeric", dtype)
    # J is a fixed random projection of the output, so equal J's mean equal forwards.
    report.forward_passed, report.forward_rel, _ = manual_tol.accepts(J_manual, J_auto)
    for name, g_manual, g_auto, g_num in zip(wrt_names, manual, auto, numeric_grads):
        ok, m_rel, m_abs = manual_tol.accepts(g_manual, g_auto)
        problem = "" if ok else f"relative error {m_rel:.2g} against autograd; {diagnose(g_manual, g_auto)}"
        n_rel = None
        if g_num is not None:
            n_ok, n_rel, _ = numeric_tol.accepts(g_num, g_auto)
            if not n_ok:
                problem = (problem + "; " if problem else "") + (
                    f"autograd disagrees with the numeric gradient (relative error {n_rel:.2g}): "
                    "is the forward pass differentiable here (a kink of ReLU within h)?"
                )
            ok = ok and n_ok
        report.rows.append(GradientRow(name, tuple(g_auto.shape), m_abs, m_rel, n_rel, ok, problem))
    return report
