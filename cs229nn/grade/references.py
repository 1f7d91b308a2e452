"""The reference labs the grader grades against: found by globbing ``solutions/lab*_*/``."""

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

from cs229nn.lab.assign import EXERCISE_DOC
from cs229nn.lab.loader import LAB_FOLDER, LabError, lab_number, load_checks
from cs229nn.lab.spec import Check


@dataclass(frozen=True)
class ReferenceLab:
    """One lab: its folder name (``lab03_backprop``), number, checks (public + hidden) and exercise numbers."""

    name: str
    number: int
    checks: List[Check]
    exercise_numbers: Dict[str, int]

    @property
    def expected(self) -> str:
        """Where a submission keeps this lab's work."""
        return f"{self.name}/exercises.py"


def exercise_numbers(path: Path, lab: int) -> Dict[str, int]:
    """``labNN.<name>`` -> K, from the ``Exercise K:`` docstrings of the reference ``exercises.py``."""
    numbers = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            match = EXERCISE_DOC.match((ast.get_docstring(node) or "").split("\n")[0])
            if match:
                numbers[f"lab{lab:02d}.{node.name}"] = int(match.group(1))
    return numbers


def reference_labs(solutions: Path, only: Optional[List[int]] = None) -> List[ReferenceLab]:
    """Every lab of ``solutions`` (or those numbered in ``only``), with public and hidden checks, in order."""
    folders = sorted(p for p in Path(solutions).glob("lab*_*") if p.is_dir() and LAB_FOLDER.match(p.name))
    if not folders:
        raise LabError(f"{solutions} holds no lab folder (lab03_backprop/ ...): pass the reference solutions")
    labs = []
    for folder in folders:
        number = lab_number(folder)
        if only is None or number in only:
            labs.append(ReferenceLab(folder.name, number, load_checks(folder, hidden=True), exercise_numbers(folder / "exercises.py", number)))
    missing = sorted(set(only or ()) - {lab.number for lab in labs})
    if missing:
        raise LabError(f"{solutions} has no lab {', '.join(str(n) for n in missing)} (it has {', '.join(p.name for p in folders)})")
    return labs
