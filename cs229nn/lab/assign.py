"""``cs229nn assign SOLUTIONS LABS``: write the student version of every lab from its reference.

In ``exercises.py`` the student's code is marked as nbgrader and Otter mark it:

* a region between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` lines, and
* a single line ending in ``# SOLUTION``.

Each becomes ``raise NotImplementedError("Lab 3, exercise 2 (lab03.linear_backward): <what>")``
at the same indentation. ``<what>`` and the exercise's number come from the
docstring of the innermost enclosing function or class that starts with
``Exercise K: <what to write>``; lines ``# HINT: ...`` inside a region are kept as
comments. ``hidden_checks.py`` is left out; every other file is copied as it is
and must not contain markers. Unbalanced markers are refused with the file and line.
"""

import argparse
import ast
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

from cs229nn.lab.loader import LabError, lab_folders, lab_number
from cs229nn.lab.stubs import STUB_PATTERN, stub_message

BEGIN, END, LINE = "# BEGIN SOLUTION", "# END SOLUTION", "# SOLUTION"
EXERCISE_DOC = re.compile(r"^Exercise (\d+): (.+)$")
HINT = re.compile(r"^\s*# HINT: ?(.*)$")
SOLUTION_ONLY = {"hidden_checks.py"}
# What running or opening a lab leaves in its folder: never copied, never counted as a difference, never removed.
LOCAL_FOLDERS = {"__pycache__", ".ipynb_checkpoints", "out"}
LOCAL_SUFFIXES = {".pyc", ".ipynb"}
MANIFEST = ".assign-manifest.json"  # what assign last wrote here, so that edits by hand are never overwritten silently (not committed)


def _exercises_by_line(source: str, path: Path) -> Dict[int, ast.AST]:
    """line number -> innermost function or class whose docstring declares an exercise."""
    tree = ast.parse(source, filename=str(path))
    owner: Dict[int, ast.AST] = {}

    def visit(node: ast.AST, current: Optional[ast.AST]) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            doc = ast.get_docstring(node) or ""
            if EXERCISE_DOC.match(doc.splitlines()[0] if doc else ""):
                current = node
            if current is not None:
                for line in range(node.lineno, node.end_lineno + 1):
                    owner[line] = current
        for child in ast.iter_child_nodes(node):
            visit(child, current)

    visit(tree, None)
    return owner


def _stub(path: Path, line: int, indent: str, owner: Optional[ast.AST], lab: int, numbers: Dict[int, str]) -> str:
    if owner is None:
        raise LabError(f"{path}:{line}: a solution region must lie inside a function or class whose docstring starts with 'Exercise K: <what to write>'")
    number, what = EXERCISE_DOC.match(ast.get_docstring(owner).splitlines()[0]).groups()
    if numbers.setdefault(int(number), owner.name) != owner.name:
        raise LabError(f"{path}:{owner.lineno}: exercise {number} is already {numbers[int(number)]}; number the exercises of a lab 1, 2, 3, ... once each")
    message = stub_message(lab, int(number), f"lab{lab:02d}.{owner.name}", what.rstrip("."))
    return f"{indent}raise NotImplementedError({message!r})\n"


def _is_line_region(line: str) -> bool:
    return line.rstrip().endswith(LINE) and not line.strip().startswith("#")


def count_regions(source: str) -> int:
    """How many solution regions (blocks and single lines) ``source`` marks."""
    return sum(line.strip() == BEGIN or _is_line_region(line) for line in source.splitlines())


def student_exercises(source: str, path: Path, lab: int, only: Optional[int] = None) -> str:
    """The student version of a solution ``exercises.py``.

    ``only``: stub just the region with this index (0-based, in file order) and keep
    the others solved, so a test can show that each region on its own is seen by a check.
    """
    owners = _exercises_by_line(source, path)
    numbers: Dict[int, str] = {}  # exercise number -> its function or class
    out: List[str] = []
    region_start: Optional[int] = None
    region: List[str] = []  # the solution lines of the open region
    hints: List[str] = []
    index = 0  # of the next region
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        stripped = line.strip()
        indent = line[: len(line) - len(line.lstrip())]
        if stripped == BEGIN:
            if region_start is not None:
                raise LabError(f"{path}:{number}: '{BEGIN}' inside the region opened at line {region_start}; close it first")
            region_start, region, hints = number, [], []
        elif stripped == END:
            if region_start is None:
                raise LabError(f"{path}:{number}: '{END}' without a '{BEGIN}' before it")
            stub = _stub(path, region_start, indent, owners.get(region_start), lab, numbers)
            out.extend([f"{indent}# Hint: {h}\n" for h in hints] + [stub] if only in (None, index) else region)
            region_start, index = None, index + 1
        elif region_start is not None:
            region.append(line)
            hint = HINT.match(line)
            if hint:
                hints.append(hint.group(1))
        elif _is_line_region(line):
            stub = _stub(path, number, indent, owners.get(number), lab, numbers)
            out.append(stub if only in (None, index) else line)
            index += 1
        else:
            out.append(line)
    if region_start is not None:
        raise LabError(f"{path}:{region_start}: '{BEGIN}' is never closed by '{END}'")
    return "".join(out)


def stubbed_exercises(folder: Path) -> Dict[str, str]:
    """exercise id -> "Lab N, exercise K", for every solution region of ``folder/exercises.py``.

    The ids the stubs, the checks, the self-check and the grade all share.
    """
    path = Path(folder) / "exercises.py"
    student = student_exercises(path.read_text(encoding="utf-8"), path, lab_number(folder))
    found = (STUB_PATTERN.match(ast.literal_eval(m.group(1))) for m in re.finditer(r"raise NotImplementedError\((.+)\)$", student, re.M))
    return {m.group(3): f"Lab {m.group(1)}, exercise {m.group(2)}" for m in found if m}


def _refuse_markers(path: Path, text: str) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() in (BEGIN, END):
            raise LabError(f"{path}:{number}: solution markers belong in exercises.py only")


def generate(solutions: Path) -> Dict[str, bytes]:
    """relative path -> content of the whole student version of ``solutions``."""
    files: Dict[str, bytes] = {}
    labs = lab_folders(solutions)
    if not labs:
        raise LabError(f"{solutions} holds no lab folder (lab01_name/ ...)")
    for lab in labs:
        number = lab_number(lab)
        for path in lab_files(lab):
            relative = path.relative_to(solutions).as_posix()
            if path.name in SOLUTION_ONLY:
                continue
            if path.name == "exercises.py":
                files[relative] = student_exercises(path.read_text(encoding="utf-8"), path, number).encode()
                continue
            if path.suffix in (".py", ".md"):
                _refuse_markers(path, path.read_text(encoding="utf-8"))
            files[relative] = path.read_bytes()
    return files


def lab_files(folder: Path) -> List[Path]:
    """The files of a lab folder that belong to the lab (not its outputs, caches or notebooks)."""
    return sorted(
        p for p in Path(folder).rglob("*")
        if p.is_file() and p.suffix not in LOCAL_SUFFIXES and not LOCAL_FOLDERS & set(p.relative_to(folder).parts[:-1])
    )


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def differences(solutions: Path, labs: Path) -> List[str]:
    """The files of ``labs`` that are missing, stale or different from what :func:`generate` writes."""
    wanted = generate(solutions)
    lab_names = {relative.split("/")[0] for relative in wanted}
    lab_names |= {folder.name for folder in lab_folders(labs)} if Path(labs).is_dir() else set()  # a lab removed from solutions/
    present = {p.relative_to(labs).as_posix() for name in lab_names for p in lab_files(labs / name)}
    changed = [r for r, data in wanted.items() if not (labs / r).is_file() or (labs / r).read_bytes() != data]
    return sorted(changed + sorted(present - set(wanted)))


def _committed(path: Path) -> Optional[bytes]:
    """``path`` as git last committed it, or None outside a git checkout or for an uncommitted file."""
    try:
        shown = subprocess.run(["git", "-C", str(path.parent), "show", f"HEAD:./{path.name}"], capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return shown.stdout


def _edited_by_hand(path: Path, manifest: Dict[str, str], relative: str) -> bool:
    """Changed since assign wrote it, and not by git: a file equal to its committed version came
    with a pull or a checkout of another branch, which may change labs/ without assign."""
    data = path.read_bytes()
    return manifest.get(relative) != _digest(data) and _committed(path) != data


def write(solutions: Path, labs: Path, force: bool = False) -> List[str]:
    """Write the student version into ``labs``; returns the files written or removed.

    A generated file changed by hand since the last ``assign`` (a student's work,
    an instructor's quick fix) is not overwritten unless ``force``.
    """
    wanted = generate(solutions)
    manifest_path = labs / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else None
    todo = differences(solutions, labs)
    # Without a manifest (a fresh checkout: it is not committed, so that branches adding
    # different labs never conflict on it) nothing is known to be edited by hand.
    edited = [r for r in todo if manifest is not None and (labs / r).is_file() and _edited_by_hand(labs / r, manifest, r)]
    if edited and not force:
        raise LabError(f"{labs / edited[0]} was changed since `cs229nn assign` wrote it ({len(edited)} such file(s)); pass --force to overwrite")
    for relative in todo:
        target = labs / relative
        if relative in wanted:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(wanted[relative])
        else:
            target.unlink()
    manifest = {r: _digest(data) for r, data in sorted(wanted.items())}
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    return todo


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="cs229nn assign", description="Write the student labs from the reference solutions.")
    parser.add_argument("solutions", type=Path, help="the reference labs (solutions/)")
    parser.add_argument("labs", type=Path, help="where the student version goes (labs/)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if LABS differs from what would be written")
    parser.add_argument("--force", action="store_true", help="overwrite generated files that were changed by hand")
    args = parser.parse_args(argv)
    try:
        if args.check:
            stale = differences(args.solutions, args.labs)
            for relative in stale:
                print(f"differs: {args.labs / relative}")
            print(f"{args.labs} is {'out of date: run cs229nn assign' if stale else 'up to date'}")
            return 1 if stale else 0
        written = write(args.solutions, args.labs, force=args.force)
    except LabError as error:
        print(f"cs229nn assign: {error}", file=sys.stderr)
        return 2
    for relative in written:
        print(f"wrote {args.labs / relative}")
    print(f"{args.labs} is up to date ({len(written)} file(s) changed)")
    return 0
