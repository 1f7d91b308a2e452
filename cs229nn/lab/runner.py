"""Run a lab's checks in this process and print the self-check report.

For the self-check only: the student runs their own code. Grading runs the same
checks with the probe in a separate, limited process (:mod:`cs229nn.grade`).
"""

import hashlib
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import List, Optional, Sequence, Union

import torch

from cs229nn.lab.loader import lab_number, load_checks, load_exercises
from cs229nn.lab.probes import run_probe
from cs229nn.lab.spec import Check, Outputs
from cs229nn.lab.stubs import parse_stub

PASSED, FAILED, NOT_IMPLEMENTED, ERROR = "passed", "failed", "not implemented", "error"


@dataclass(frozen=True)
class CheckResult:
    """How one check went: ``earned`` of ``points``, a status and a message a student reads."""

    name: str
    exercise: str
    points: float
    earned: float
    status: str
    message: str
    hidden: bool = False


def check_generator(check: Check, seed: int) -> torch.Generator:
    """The generator a check draws its inputs from: one stream per (seed, check name)."""
    digest = hashlib.sha256(f"{seed}:{check.name}".encode()).digest()
    return torch.Generator().manual_seed(int.from_bytes(digest[:8], "little") >> 1)


def student_error(error: BaseException) -> str:
    """One line for an exception raised by student code: the kind, the message and the line of exercises.py."""
    where = next(
        (f" (exercises.py, line {f.lineno}, in {f.name})" for f in reversed(traceback.extract_tb(error.__traceback__)) if f.filename.endswith("exercises.py")),
        "",
    )
    return f"{type(error).__name__}: {error}{where}"


def judge_outputs(check: Check, inputs: dict, outputs: Optional[Outputs], error: Optional[BaseException] = None, error_text: str = "") -> CheckResult:
    """Turn a probe's outcome into a result: a stub, an exception, or the judge's verdict."""
    def result(status: str, earned: float, message: str) -> CheckResult:
        return CheckResult(check.name, check.exercise, check.points, earned, status, message, check.hidden)

    stub = parse_stub(error) if error is not None else None
    if stub:
        return result(NOT_IMPLEMENTED, 0.0, f"not implemented yet: {stub}")
    if error is not None or outputs is None:
        return result(ERROR, 0.0, error_text or student_error(error))
    verdict = check.judge(inputs, outputs)
    score = min(max(float(verdict.score), 0.0), 1.0)
    status = PASSED if score >= 1.0 else FAILED
    return result(status, round(score * check.points, 6), verdict.message)


def run_checks(folder: Union[str, Path], seed: int = 0, hidden: bool = False, exercises: Optional[ModuleType] = None) -> List[CheckResult]:
    """Run the lab's checks (public, plus hidden if asked) on its ``exercises.py``, in this process."""
    folder = Path(folder)
    checks = load_checks(folder, hidden=hidden)
    module = exercises if exercises is not None else load_exercises(folder)
    results = []
    for check in checks:
        inputs = check.inputs(check_generator(check, seed))
        try:
            outputs, error = run_probe(check.probe, module, inputs), None
        except Exception as caught:  # student code: any failure is reported, not raised
            outputs, error = None, caught
        results.append(judge_outputs(check, inputs, outputs, error))
    return results


MARKS = {PASSED: "PASS", FAILED: "FAIL", NOT_IMPLEMENTED: "TODO", ERROR: "ERROR"}


def format_report(results: Sequence[CheckResult], title: str) -> str:
    """The report a student reads: one line per check, then the totals."""
    width = max((len(r.name) for r in results), default=10)
    lines = [title]
    for r in results:
        lines.append(f"  {MARKS[r.status]:<5} {r.name:<{width}}  {r.earned:g}/{r.points:g}  {r.message}")
    passed = sum(r.status == PASSED for r in results)
    earned, total = sum(r.earned for r in results), sum(r.points for r in results)
    plural = "" if len(results) == 1 else "s"
    lines.append(f"{passed} of {len(results)} check{plural} passed ({earned:g} of {total:g} points).")
    return "\n".join(lines)


def self_check(exercises: Union[ModuleType, str, Path], seed: int = 0) -> List[CheckResult]:
    """The self-check cell: run the public checks on the lab's ``exercises.py`` and print the report.

    Args:
        exercises: the lab's imported ``exercises`` module (its file is reloaded
            fresh, so edits are seen), or the lab folder.
        seed: the inputs' seed; the grader draws its own.
    """
    folder = Path(exercises.__file__).parent if isinstance(exercises, ModuleType) else Path(exercises)
    results = run_checks(folder, seed=seed)
    number = lab_number(folder)
    print(format_report(results, f"Lab {number} self-check: public checks on {folder / 'exercises.py'} (seed {seed})"))
    print("These are the public checks; hidden checks with other inputs run at grading.")
    return results
