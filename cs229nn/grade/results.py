"""Gradescope's ``results.json`` from a grade, and the short summary printed on stdout.

One test per check: ``number`` is ``lab.exercise.check`` (``3.2.1``), public checks
are ``visible``, hidden ones ``after_published``. The top-level ``output`` says
the seed, the total and what was not graded. The schema of what is written is
``results.schema.json`` next to this module (the tests validate against it).
"""

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Dict, List

from cs229nn.grade.grading import LabGrade, SubmissionGrade
from cs229nn.lab.runner import MARKS, PASSED

SCHEMA = Path(__file__).with_name("results.schema.json")


def _tests(lab: LabGrade) -> List[Dict[str, Any]]:
    tests, seen = [], {}
    descriptions = {c.name: c.description for c in lab.lab.checks}
    for result in lab.results:
        exercise = lab.lab.exercise_numbers.get(result.exercise, 0)
        seen[exercise] = seen.get(exercise, 0) + 1
        description = descriptions.get(result.name, "")
        tests.append({
            "name": result.name + (f": {description}" if description else ""),
            "number": f"{lab.lab.number}.{exercise}.{seen[exercise]}",
            "score": result.earned,
            "max_score": result.points,
            "status": "passed" if result.status == PASSED else "failed",
            "output": f"{MARKS[result.status]}: {result.message}",
            "visibility": "after_published" if result.hidden else "visible",
        })
    return tests


def summary(grade: SubmissionGrade) -> str:
    """A few lines: per lab the points and checks passed, then the notes."""
    lines = [f"cs229nn grade: {grade.earned:g} of {grade.points:g} points (inputs drawn with seed {grade.seed}; {grade.seconds:.1f} s)"]
    for lab in grade.labs:
        passed = sum(r.status == PASSED for r in lab.results)
        earned, points = sum(r.earned for r in lab.results), sum(r.points for r in lab.results)
        lines.append(f"  {lab.lab.name}: {earned:g}/{points:g} points, {passed} of {len(lab.results)} checks passed")
        lines.extend(f"    {note}" for note in lab.notes)
    lines.extend(f"  {note}" for note in grade.notes)
    return "\n".join(lines)


def gradescope(grade: SubmissionGrade) -> Dict[str, Any]:
    """The results.json document."""
    return {
        "score": grade.earned,
        "execution_time": round(grade.seconds, 3),
        "output": summary(grade),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [test for lab in grade.labs for test in _tests(lab)],
    }


def failure(message: str, seconds: float = 0.0) -> Dict[str, Any]:
    """A results.json for a run that could not grade at all (score 0, the reason)."""
    return {"score": 0.0, "execution_time": round(seconds, 3), "output": f"cs229nn grade: not graded: {message}", "tests": []}


def write(document: Dict[str, Any], path: Path) -> None:
    """Write atomically, readable by the owner only (the file is replaced, never appended to)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=".results-")
    with os.fdopen(handle, "w") as out:
        json.dump(document, out, indent=1, ensure_ascii=False)
        out.write("\n")
    os.replace(name, path)
