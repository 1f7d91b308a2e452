"""Find a lab folder's pieces: its number, its exercises (loaded fresh) and its checks."""

import importlib.util
import itertools
import re
from pathlib import Path
from types import ModuleType
from typing import List, Union

from cs229nn.lab.spec import Check

LAB_FOLDER = re.compile(r"^lab(\d{2})_\w+$")
LAB_SCRIPT = re.compile(r"^lab\d{2}\w*\.py$")
_fresh_names = itertools.count()


class LabError(ValueError):
    """A folder is not a lab, or a lab's files are not as expected (a user error: one line)."""


def lab_number(folder: Path) -> int:
    """3 for ``.../lab03_backprop``."""
    match = LAB_FOLDER.match(Path(folder).name)
    if not match:
        raise LabError(f"{folder} is not a lab folder: expected a name like lab03_backprop")
    return int(match.group(1))


def lab_folders(root: Union[str, Path]) -> List[Path]:
    """The lab folders under ``root`` (``solutions/`` or ``labs/``), in lab order."""
    root = Path(root)
    if not root.is_dir():
        raise LabError(f"{root} is not a folder of labs")
    return sorted((p for p in root.iterdir() if p.is_dir() and LAB_FOLDER.match(p.name)), key=lambda p: (lab_number(p), p.name))


def lab_script(folder: Union[str, Path]) -> Path:
    """The lab itself, the jupytext percent script ``labNN_name.py`` of ``folder``."""
    folder = Path(folder)
    scripts = sorted(p for p in folder.glob("lab*.py") if LAB_SCRIPT.match(p.name))
    if len(scripts) != 1:
        found = ", ".join(p.name for p in scripts) or "none"
        raise LabError(f"{folder} must hold exactly one lab script labNN_name.py, found {found}")
    return scripts[0]


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
