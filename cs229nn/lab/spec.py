"""What a check is: inputs, a probe (data) and a judge.

The split is what makes grading safe: ``inputs`` and ``judge`` are trusted code run
by whoever keeps the score; ``probe`` is a plain description of which student
callable to call on which inputs, interpreted by :mod:`cs229nn.lab.probes` in
whatever process runs the student's code. Nothing a probe returns is believed
until ``judge`` has checked it.
"""

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Tuple

import torch

Inputs = Dict[str, Any]   # tensors, and plain numbers, strings or tuples of numbers
Outputs = Dict[str, Any]  # tensors (or None) keyed by name, as the probe returns them


@dataclass(frozen=True)
class Probe:
    """Which student callable to run, and on what.

    Args:
        kind: ``"call"`` (call ``target(*args, **kwargs)``) or ``"function"`` (a
            ``torch.autograd.Function``: run ``target.apply(*args)``, then its raw
            backward on ``inputs[upstream]``); see :mod:`cs229nn.lab.probes`.
        target: the name in ``exercises.py`` (``"linear_forward"``, ``"LinearFunction"``).
        args: keys of the inputs passed positionally, in order.
        kwargs: parameter name -> key of the inputs, passed by keyword.
        grad: for ``"function"``: keys of the inputs that require a gradient.
        upstream: for ``"function"``: the key of ∂J/∂(output) fed to backward.
    """

    kind: str
    target: str
    args: Tuple[str, ...] = ()
    kwargs: Mapping[str, str] = field(default_factory=dict)
    grad: Tuple[str, ...] = ()
    upstream: str = "upstream"

    def __post_init__(self) -> None:
        if self.kind not in ("call", "function"):
            raise ValueError(f"Probe.kind must be 'call' or 'function', got {self.kind!r}")


@dataclass(frozen=True)
class Verdict:
    """A judge's finding: ``score`` in [0, 1] of the check's points, and why."""

    score: float
    message: str

    @classmethod
    def ok(cls, message: str = "ok") -> "Verdict":
        return cls(1.0, message)

    @classmethod
    def wrong(cls, message: str) -> "Verdict":
        return cls(0.0, message)

    @property
    def passed(self) -> bool:
        return self.score >= 1.0


@dataclass(frozen=True)
class Check:
    """One graded check of one exercise.

    Args:
        name: the check's id, ``"<exercise>.<what>"`` (``"lab03.linear_backward.shapes"``).
        exercise: the exercise's id, ``"labNN.<name in exercises.py>"``; the same id
            appears in the stub's ``NotImplementedError``, the self-check and the grade.
        points: the weight in the grade.
        inputs: draws the inputs from a ``torch.Generator`` seeded by the caller.
        probe: which student callable runs on them.
        judge: ``judge(inputs, outputs) -> Verdict``, comparing against its own
            reference (autograd, a torch op, an invariant); never calls student code.
        hidden: hidden checks ship with ``solutions/`` and the grader, never with ``labs/``.
        description: one line a student reads in the report.
    """

    name: str
    exercise: str
    points: float
    inputs: Callable[[torch.Generator], Inputs]
    probe: Probe
    judge: Callable[[Inputs, Outputs], Verdict]
    hidden: bool = False
    description: str = ""

    def __post_init__(self) -> None:
        lab, _, rest = self.exercise.partition(".")
        if not (lab.startswith("lab") and lab[3:].isdigit() and rest):
            raise ValueError(f"Check {self.name!r}: exercise must look like 'lab03.linear_backward', got {self.exercise!r}")
        if not self.name.startswith(self.exercise):
            raise ValueError(f"Check {self.name!r}: its name must start with its exercise id {self.exercise!r}")
        if self.points <= 0:
            raise ValueError(f"Check {self.name!r}: points must be positive, got {self.points}")
