"""Find a lab folder's pieces: its number, its exercises (loaded fresh) and its checks."""

import importlib.util
import itertools
import re
from pathlib import Path
from types import ModuleType
from typing import List

from cs229nn.lab.spec import Check

LAB_FOLDER = re.compile(r"^lab(\d{2})_\w+$")
_fresh_names = itertools.count()


class LabError(ValueError):
    """A folder is not a lab, or a lab's files are not as expected (a user error: one line)."""


def lab_number(folder: Path) -> int:
    """3 for ``.../lab03_backprop``."""
    match = LAB_FOLDER.match(Path(folder).name)
    if not match:
        raise LabError(f"{folder} is not a lab folder: expected a name like lab03_backprop")
    return int(match.group(1))


def load_module(path: Path, label: str) -> ModuleType:
    """Import ``path`` under a new private name every time, so that edits are always seen."""
    if not path.is_file():
        raise LabError(f"{path} not found: a lab folder holds exercises.py and checks.py")
    spec = importlib.util.spec_from_file_location(f"_cs229nn_{label}_{next(_fresh_names)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_exercises(folder: Path) -> ModuleType:
    """The lab's ``exercises.py``, freshly imported."""
    return load_module(Path(folder) / "exercises.py", "exercises")


def load_checks(folder: Path, hidden: bool = False) -> List[Check]:
    """``CHECKS`` of ``checks.py`` (public), then of ``hidden_checks.py`` if ``hidden`` and present."""
    folder = Path(folder)
    lab_number(folder)
    files = [("checks.py", False)] + ([("hidden_checks.py", True)] if hidden and (folder / "hidden_checks.py").is_file() else [])
    checks: List[Check] = []
    for name, expect_hidden in files:
        module = load_module(folder / name, "checks")
        declared = getattr(module, "CHECKS", None)
        if not isinstance(declared, (list, tuple)) or not all(isinstance(c, Check) for c in declared):
            raise LabError(f"{folder / name} must define CHECKS, a list of cs229nn.lab.Check")
        misplaced = [c.name for c in declared if c.hidden != expect_hidden]
        if misplaced:
            raise LabError(f"{folder / name}: checks {misplaced} must have hidden={expect_hidden} in this file")
        checks.extend(declared)
    names = [c.name for c in checks]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise LabError(f"{folder}: duplicate check names {duplicates}")
    return checks
