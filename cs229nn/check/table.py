"""The report a student reads: one row per gradient, each failing row with its diagnosis and equation."""

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import torch

from cs229nn.check.catalogue import Finding
from cs229nn.check.judge import Localization
from cs229nn.check.metrics import tolerance
from cs229nn.validate import shape_str


def plural(count: int, noun: str) -> str:
    """plural(1, "gradient") -> "1 gradient"; plural(3, "gradient") -> "3 gradients"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _number(x: float) -> str:
    return "-" if x != x else f"{x:.1e}"  # nan: not comparable (a wrong shape, or no gradient)


@dataclass
class GradientRow:
    """One parameter or input: its notes name, shape, the errors between the gradients, and what explains a failure."""

    name: str
    shape: Tuple[int, ...]
    manual_abs: float
    manual_rel: float
    numeric_rel: Optional[float]
    passed: bool
    problem: str = ""
    findings: List[Finding] = field(default_factory=list)

    @property
    def mistakes(self) -> List[str]:
        """The catalogue ids of this row's findings (``["bias_not_summed"]``)."""
        return [f.id for f in self.findings]

    def describe(self) -> str:
        if self.passed:
            notes = "; ".join(str(f) for f in self.findings)
            return f"∂J/∂{self.name} ok" + (f": {notes}" if notes else "")
        return f"∂J/∂{self.name} wrong: {self.problem}"


@dataclass
class GradientReport:
    """Per-gradient comparison of the student's (manual) gradients with trusted ones; ``str()`` prints a table."""

    title: str
    dtype: torch.dtype
    device: torch.device
    rows: List[GradientRow] = field(default_factory=list)
    forward_rel: float = 0.0  # rel_error of the manual forward's output against the reference
    forward_passed: bool = True
    against: str = "autograd"  # what the manual gradients are compared with
    findings: List[Finding] = field(default_factory=list)  # not tied to one row (count, in-place, raised)
    located: Optional[Localization] = None
    notes: List[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.forward_passed and all(r.passed for r in self.rows) and not any(not f.accepted for f in self.findings)

    @property
    def failures(self) -> List[GradientRow]:
        return [r for r in self.rows if not r.passed]

    @property
    def mistakes(self) -> List[str]:
        """Every catalogue id found, rows and report-level findings, in order, without repeats."""
        ids = [f.id for f in self.findings] + [i for r in self.rows for i in r.mistakes]
        return list(dict.fromkeys(ids))

    def __str__(self) -> str:
        dtype = str(self.dtype).replace("torch.", "")
        numeric_column = self.against == "autograd"  # check_function has one comparison only
        w = max([14] + [len(r.name) + 6 for r in self.rows])  # "∂J/∂" + name + a gap
        head = f"  {'gradient':<{w}}{'shape':<14}{'manual vs ' + self.against:>24}"
        sub = f"  {'':<{w}}{'':<14}{'max abs':>12}{'rel error':>12}"
        if numeric_column:
            head, sub = head + f"{'numeric vs autograd':>22}", sub + f"{'rel error':>22}"
        lines = [f"{self.title} — {dtype} on {self.device}", head, sub]
        for r in self.rows:
            numeric = f"{_number(r.numeric_rel) if r.numeric_rel is not None else '-':>22}" if numeric_column else ""
            lines.append(
                f"  {'∂J/∂' + r.name:<{w}}{shape_str(r.shape):<14}{_number(r.manual_abs):>12}{_number(r.manual_rel):>12}"
                f"{numeric}   {'ok' if r.passed else 'FAIL'}"
            )
        manual, numeric = tolerance("manual", self.dtype), tolerance("numeric", self.dtype)
        if not self.forward_passed:
            how = ("has inf or NaN where the reference's is finite" if self.forward_rel != self.forward_rel
                   else f"differs from the {self.against} one by relative error {self.forward_rel:.2g}")
            lines.append(f"  forward pass wrong: its output {how} (gradients of a wrong function can still agree with each other)")
        for f in self.findings:
            lines.append(f"  {'note' if f.accepted else 'wrong'}: {f}")
        if self.passed:
            agree = "agrees" if len(self.rows) == 1 else "agree"
            every = "the" if len(self.rows) == 1 else "all"
            lines.append(
                f"  {every} {plural(len(self.rows), 'gradient')} {agree} (limits: manual {manual.rel:.0e}, numeric {numeric.rel:.0e} relative)"
            )
        if self.located is not None:
            lines.append(f"  where: {self.located}")
        # one line per distinct diagnosis: the same mistake in several drawn shapes is said once
        lines += dict.fromkeys(f"  {r.describe()}" for r in self.rows if not r.passed or r.findings)
        lines += [f"  {note}" for note in self.notes]
        return "\n".join(lines)
