"""Shared pieces of the grader's tests: a tiny reference lab, submissions built from it, isolation settings.

``solutions/lab90_tiny`` is a two-exercise lab (a partial-credit call, a manual
backward) so that the grader's tests do not depend on the course labs.
"""

import os
import shutil
import sys
from pathlib import Path
from typing import Dict, Optional, Tuple

from cs229nn.grade.sandbox import IsolationError, Sandbox
from cs229nn.lab.assign import student_exercises

ROOT = Path(__file__).resolve().parents[2]
TINY = Path(__file__).parent / "solutions"
TINY_LAB = "lab90_tiny"
COURSE = ROOT / "solutions"


def reference(solutions: Path, lab: str) -> str:
    return (solutions / lab / "exercises.py").read_text()


def stub(solutions: Path, lab: str) -> str:
    """The student version (every exercise raises the stub's NotImplementedError)."""
    path = solutions / lab / "exercises.py"
    return student_exercises(path.read_text(), path, int(lab[3:5]))


def write_submission(folder: Path, files: Dict[str, str]) -> Path:
    """A submission folder: ``{"lab90_tiny/exercises.py": source, ...}``."""
    for relative, text in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text)
    return folder


def copy_lab(solutions: Path, lab: str, into: Path, name: str) -> None:
    """``into/name``: a copy of a reference lab under another folder name (one child per copy)."""
    shutil.copytree(solutions / lab, into / name, ignore=shutil.ignore_patterns("__pycache__"))


def _child_python() -> Tuple[Optional[str], str]:
    """As root: an interpreter the unprivileged grading user can run (ours, or the system's of our version), or why none."""
    why = ""
    for candidate in (None, f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"):
        if candidate and not os.path.exists(candidate):
            continue
        try:
            Sandbox(as_student=True, python=candidate).close()
            return candidate or sys.executable, ""
        except IsolationError as error:
            why = str(error)
    return None, why


def isolation() -> Tuple[dict, str]:
    """Keyword arguments of grade_submission: user isolation when root and possible, else the same user (and why).

    In CI the checkout or its virtual environment may lie under /root, which the
    unprivileged user cannot enter: the grader refuses (IsolationError), so the
    tests grade as the same user and skip what only user isolation guarantees.
    """
    if os.geteuid() != 0:
        return {}, "as an ordinary user, student code runs as that user (docs/grading.md)"
    python, why = _child_python()
    if python is None:
        return {"as_student": False}, f"no user isolation here: {why}"
    return {"python": None if python == sys.executable else python}, ""


ISOLATION, NOT_ISOLATED = isolation()
USER_ISOLATED = not NOT_ISOLATED
