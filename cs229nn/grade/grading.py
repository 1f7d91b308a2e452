"""Grade a submission: per lab, inputs drawn here, probes run in a child, outputs judged here.

The parent draws every check's inputs from its own seed, hands the child only
the probes and the inputs, and judges what comes back with the check's own
judge (:func:`cs229nn.lab.runner.judge_outputs`). Only an explicit pass scores;
a stub, an exception, a timeout, a crash or a missing result scores 0 with the
reason. A Function exercise whose backward reaches autograd or cs229nn scores 0
whatever its values, with the evidence (the child's and the static scan's).
"""

import os
import secrets
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from cs229nn.grade import protocol
from cs229nn.grade.references import ReferenceLab, reference_labs
from cs229nn.grade.sandbox import Limits, Sandbox, protect
from cs229nn.grade.scan import Scan, scan
from cs229nn.grade.submission import locate
from cs229nn.lab.runner import ERROR, FAILED, PASSED, CheckResult, check_generator, judge_outputs
from cs229nn.lab.spec import Check

DELEGATION = "your backward must compute the gradient itself, without autograd or cs229nn's layers; found"


@dataclass(frozen=True)
class LabGrade:
    """One lab's results, in the order of its checks, and notes for the whole lab."""

    lab: ReferenceLab
    results: List[CheckResult]
    notes: List[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class SubmissionGrade:
    labs: List[LabGrade]
    seed: int
    notes: List[str]
    seconds: float

    @property
    def results(self) -> List[CheckResult]:
        return [r for lab in self.labs for r in lab.results]

    @property
    def earned(self) -> float:
        return round(sum(r.earned for r in self.results), 6)

    @property
    def points(self) -> float:
        return round(sum(r.points for r in self.results), 6)


def _result(check: Check, status: str, message: str) -> CheckResult:
    return CheckResult(check.name, check.exercise, check.points, 0.0, status, message, check.hidden)


def judge_record(check: Check, inputs: Dict[str, Any], record: Optional[Dict[str, Any]], missing: str, static: Scan) -> CheckResult:
    """One check's result from the child's (validated) record; never raises, never runs student code."""
    if record is None:
        result = _result(check, ERROR, missing)
    elif record["stub"] is not None:
        result = judge_outputs(check, inputs, None, error=NotImplementedError(record["stub"]), error_text=record["error"] or "")
    elif record["error"] is not None or record["outputs"] is None:
        result = judge_outputs(check, inputs, None, error_text=record["error"] or "your code returned nothing")
    else:
        try:
            result = judge_outputs(check, inputs, record["outputs"])
        except Exception as error:  # a value the judge did not expect (a string where a tensor belongs, ...)
            result = _result(check, FAILED, f"what your code returned cannot be checked ({type(error).__name__}: {error})")
    if check.probe.kind == "function" and record is not None:
        evidence = list(record["evidence"]) + static.backward.get(check.probe.target, [])
        if evidence:
            also = "" if result.status == PASSED else f" (besides: {result.message})"
            result = replace(result, earned=0.0, status=FAILED, message=f"{DELEGATION}: {'; '.join(evidence)}{also}")
    return result


def grade_lab(lab: ReferenceLab, source: Optional[bytes], seed: int, sandbox: Sandbox, missing: str = "") -> LabGrade:
    """Run ``lab``'s checks on ``source`` (its exercises.py, or None: every check scores 0 with ``missing``)."""
    start = time.perf_counter()
    if source is None:
        return LabGrade(lab, [_result(c, ERROR, missing) for c in lab.checks], [missing])
    inputs = [check.inputs(check_generator(check, seed)) for check in lab.checks]
    folder = sandbox.folder()
    try:
        (folder / protocol.EXERCISES).write_bytes(source)
        protocol.write_job(folder, [c.probe for c in lab.checks], inputs, sandbox.child_limits())
        run = sandbox.run(folder)
        try:
            report = protocol.read_outputs(folder, len(lab.checks))
            trouble = report["import_error"] and f"exercises.py could not be imported: {report['import_error']}"
        except protocol.ProtocolError as error:
            report, trouble = {"records": [None] * len(lab.checks)}, f"no result: {error}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    missing = trouble or run.why_no_result(sandbox.limits)
    functions = sorted({c.probe.target for c in lab.checks if c.probe.kind == "function"})
    static = scan(source.decode("utf-8", "replace"), functions)
    results = [judge_record(c, i, r, missing, static) for c, i, r in zip(lab.checks, inputs, report["records"])]
    stopped = run.timed_out or run.returncode != 0
    notes = [trouble] if trouble else [missing] if stopped else []
    notes += [static.error] if static.error else []
    notes += [f"flagged for review: {flag}" for flag in static.flags]
    return LabGrade(lab, results, notes, time.perf_counter() - start)


def new_seed() -> int:
    """The seed of one grading run: drawn here, so that answers cannot be prepared for it."""
    return secrets.randbelow(2**31)


def grade_submission(
    submission: Path,
    solutions: Path,
    labs: Optional[Sequence[int]] = None,
    seed: Optional[int] = None,
    limits: Limits = Limits(),
    jobs: int = 2,
    as_student: Optional[bool] = None,
    python: Optional[str] = None,
) -> SubmissionGrade:
    """Grade every lab of ``solutions`` (or those numbered in ``labs``) on ``submission`` (folder or zip)."""
    start = time.perf_counter()
    seed = new_seed() if seed is None else seed
    references = reference_labs(Path(solutions), list(labs) if labs else None)
    located = locate(Path(submission), references)
    notes = list(located.notes)
    with Sandbox(limits, as_student=as_student, python=python) as sandbox:
        if sandbox.account is not None:
            notes.extend(n for n in [protect(Path(solutions))] if n)
        elif os.geteuid() == 0:
            notes.append("student code ran as root (--same-user): no user isolation, no process limit (docs/grading.md)")

        def one(lab: ReferenceLab) -> LabGrade:
            missing = f"{lab.expected} was not found in the submission: it scores 0 (expected {lab.expected}, as in labs/)"
            return grade_lab(lab, located.sources.get(lab.number), seed, sandbox, missing)

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            grades = list(pool.map(one, references))
    return SubmissionGrade(grades, seed, notes, time.perf_counter() - start)
