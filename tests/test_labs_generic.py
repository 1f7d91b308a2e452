"""Every lab (found by globbing solutions/lab*_*/): its checks tell a stub from a solution.

For each lab: the public checks run on labs/ (the stubs) report "not implemented",
never a crash; every exercise has a public check that fails on the stub and passes
on the solution; all checks, hidden ones too, pass on the solution for two seeds.
"""

import re
import shutil
from pathlib import Path

import pytest

from cs229nn.lab import run_checks
from cs229nn.lab.assign import count_regions, student_exercises, stubbed_exercises
from cs229nn.lab.loader import lab_folders, lab_number, load_checks, load_exercises
from cs229nn.lab.runner import NOT_IMPLEMENTED, PASSED, format_report

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS, LABS = ROOT / "solutions", ROOT / "labs"
NAMES = [folder.name for folder in lab_folders(SOLUTIONS)]


def test_there_are_labs():
    assert NAMES, "solutions/ holds no lab"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [0, 1234])
def test_every_check_passes_on_the_solution(name, seed):
    """Kills: a judge that rejects correct work, or an input drawn so that the reference is ill-defined for some seed."""
    results = run_checks(SOLUTIONS / name, seed=seed, hidden=True)
    assert all(r.status == PASSED for r in results), format_report(results, f"{name}, seed {seed}")


@pytest.mark.parametrize("name", NAMES)
def test_every_exercise_has_a_public_check_that_tells_stub_from_solution(name):
    """Kills: an exercise that only hidden checks (or none) look at, and a public check that fails the solution."""
    exercises = stubbed_exercises(SOLUTIONS / name)
    stub = {r.name: r for r in run_checks(LABS / name, seed=7)}
    solution = {r.name: r for r in run_checks(SOLUTIONS / name, seed=7)}
    for exercise, where in exercises.items():
        telling = [n for n, r in stub.items() if r.exercise == exercise and r.status == NOT_IMPLEMENTED and solution[n].status == PASSED]
        assert telling, f"{name}: no public check of {exercise} ({where}) fails on the stub and passes on the solution"


@pytest.mark.parametrize("name", NAMES)
def test_student_checks_report_every_stub_as_not_implemented(name):
    """The self-check on the untouched handout: every public check says which exercise is missing, none errors."""
    exercises = stubbed_exercises(SOLUTIONS / name)
    for result in run_checks(LABS / name):
        assert result.status == NOT_IMPLEMENTED, f"{result.name}: {result.status}: {result.message}"
        assert result.message == f"not implemented yet: {exercises[result.exercise]}"


@pytest.mark.parametrize("name", NAMES)
def test_checks_name_only_exercises_of_their_lab(name):
    """Each check's exercise id is one the stubs declare, so the grade and the stub messages agree."""
    exercises = stubbed_exercises(SOLUTIONS / name)
    for check in load_checks(SOLUTIONS / name, hidden=True):
        assert check.exercise in exercises, f"{check.name}: {check.exercise} is not an exercise of {name} ({sorted(exercises)})"


@pytest.mark.parametrize("name", NAMES)
def test_student_exercises_import_and_keep_every_exercise(name):
    """The handout imports without side effects that fail, keeps every exercise's name and ships no hidden check."""
    module = load_exercises(LABS / name)
    exercises = stubbed_exercises(SOLUTIONS / name)
    for exercise in exercises:
        assert hasattr(module, exercise.split(".", 1)[1]), f"labs/{name}/exercises.py lost {exercise}"
    assert not (LABS / name / "hidden_checks.py").exists()


@pytest.mark.parametrize("name", NAMES)
def test_lab_script_has_the_parts_every_lab_shares(name):
    """Title and notes citation first; the setup the tests rely on; the self-check; the key results; a summary."""
    from cs229nn.lab.loader import lab_script
    from cs229nn.lab.notebook import to_notebook

    number = lab_number(SOLUTIONS / name)
    cells = to_notebook(lab_script(SOLUTIONS / name)).cells
    first, code = cells[0], "\n".join(c.source for c in cells if c.cell_type == "code")
    assert first.cell_type == "markdown" and f"Lab {number}" in first.source.splitlines()[0], "the first cell is the title, naming the lab"
    assert "Ma" in first.source or "Ng & Katanforoosh" in first.source, "the first cell names which notes the lab follows"
    for needed in ("import exercises", f"output_dir({number})", "self_check(exercises)", "skip_if_stub()"):
        assert needed in code, f"{name}: the lab's code lacks {needed!r}"
    assert re.search(rf"record_results\(\s*{number},", code), f"{name}: the lab records its key results with record_results({number}, ...)"
    assert any(c.cell_type == "markdown" and "Summary" in c.source for c in cells), "the lab ends with a Summary"


@pytest.mark.parametrize("name", NAMES)
def test_every_solution_region_on_its_own_is_seen_by_a_public_check(name, tmp_path):
    """Stub one region at a time, the rest solved: some public check of its exercise must say "not implemented".

    Kills: a region that no public check reaches (a second method of an exercise, a branch the
    inputs never take), which a student could leave unwritten and still pass the self-check.
    """
    source = (SOLUTIONS / name / "exercises.py").read_text(encoding="utf-8")
    number = lab_number(SOLUTIONS / name)
    folder = tmp_path / name
    shutil.copytree(SOLUTIONS / name, folder, ignore=shutil.ignore_patterns("__pycache__", "out", "hidden_checks.py"))
    for index in range(count_regions(source)):
        variant = student_exercises(source, folder / "exercises.py", number, only=index)
        (folder / "exercises.py").write_text(variant, encoding="utf-8")
        stub = re.search(r"raise NotImplementedError\(['\"]Lab \d+, exercise \d+ \((lab\d+\.\w+)\)", variant)
        seen = [r.name for r in run_checks(folder, seed=5) if r.exercise == stub.group(1) and r.status == NOT_IMPLEMENTED]
        assert seen, f"{name}: region {index + 1} of {stub.group(1)} is stubbed, yet no public check reports it not implemented"
