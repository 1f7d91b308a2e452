"""`cs229nn assign`: the student version is a pure function of solutions/, and labs/ in the repo is it."""

import shutil
import subprocess
from pathlib import Path

import pytest

from cs229nn.lab.assign import count_regions, differences, generate, main, student_exercises, stubbed_exercises, write
from cs229nn.lab.loader import LabError, lab_folders

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS, LABS = ROOT / "solutions", ROOT / "labs"


def test_labs_in_the_repo_are_what_assign_writes():
    """Kills: editing labs/ by hand, or a solution change committed without regenerating."""
    assert differences(SOLUTIONS, LABS) == [], "labs/ is stale: run `python -m cs229nn assign solutions labs`"


def test_assign_is_idempotent(tmp_path):
    """A second run writes nothing and leaves every byte as the first wrote it."""
    first = write(SOLUTIONS, tmp_path / "labs")
    assert first and not differences(SOLUTIONS, tmp_path / "labs")
    snapshot = {p: p.read_bytes() for p in (tmp_path / "labs").rglob("*") if p.is_file()}
    assert write(SOLUTIONS, tmp_path / "labs") == []
    assert {p: p.read_bytes() for p in (tmp_path / "labs").rglob("*") if p.is_file()} == snapshot
    assert generate(SOLUTIONS) == generate(SOLUTIONS)


def test_student_version_keeps_no_solution_and_no_hidden_check():
    files = generate(SOLUTIONS)
    for folder in lab_folders(SOLUTIONS):
        assert f"{folder.name}/hidden_checks.py" not in files
        student = files[f"{folder.name}/exercises.py"].decode()
        assert "BEGIN SOLUTION" not in student and "# SOLUTION" not in student
        for exercise, where in stubbed_exercises(folder).items():
            assert f"{where} ({exercise}): " in student


def test_check_flag_reports_stale_labs(tmp_path, capsys):
    labs = tmp_path / "labs"
    assert main([str(SOLUTIONS), str(labs), "--check"]) == 1
    assert "out of date" in capsys.readouterr().out
    assert main([str(SOLUTIONS), str(labs)]) == 0
    assert main([str(SOLUTIONS), str(labs), "--check"]) == 0


def test_hand_edited_file_is_not_overwritten_without_force(tmp_path, capsys):
    labs = tmp_path / "labs"
    write(SOLUTIONS, labs)
    student = next(labs.glob("lab*/exercises.py"))
    student.write_text(student.read_text() + "# my work\n")
    # a change in solutions/ would now overwrite the student's edit: refused
    solutions = tmp_path / "solutions"
    shutil.copytree(SOLUTIONS, solutions, ignore=shutil.ignore_patterns("__pycache__"))
    assert main([str(solutions), str(labs)]) == 2
    assert "changed since" in capsys.readouterr().err
    assert main([str(solutions), str(labs), "--force"]) == 0
    assert "# my work" not in student.read_text()


EXERCISE = '''def f(x):
    """Exercise 1: double x (notes eq. 1.1)."""
{body}
'''


def student(body: str) -> str:
    return student_exercises(EXERCISE.format(body=body), Path("lab09_x/exercises.py"), 9)


def test_region_becomes_stub_with_hints_and_line_marker_too():
    out = student("    # BEGIN SOLUTION\n    # HINT: one product\n    return 2 * x\n    # END SOLUTION")
    assert "    # Hint: one product\n    raise NotImplementedError('Lab 9, exercise 1 (lab09.f): double x (notes eq. 1.1)')" in out
    assert "2 * x" not in out
    out = student("    y = 2 * x  # SOLUTION\n    return y")
    assert "2 * x" not in out and "raise NotImplementedError('Lab 9, exercise 1 (lab09.f)" in out and "return y" in out


@pytest.mark.parametrize(
    "body, line, words",
    [
        ("    # BEGIN SOLUTION\n    return 2 * x", 3, "never closed"),
        ("    return 2 * x\n    # END SOLUTION", 4, "without a '# BEGIN SOLUTION'"),
        ("    # BEGIN SOLUTION\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION", 4, "inside the region opened at line 3"),
    ],
)
def test_unbalanced_markers_are_refused_with_file_and_line(body, line, words):
    with pytest.raises(LabError, match=rf"lab09_x/exercises.py:{line}: .*{words}"):
        student(body)


def test_region_outside_an_exercise_is_refused():
    source = "def helper(x):\n    '''No exercise here.'''\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION\n"
    with pytest.raises(LabError, match=r"exercises.py:3: a solution region must lie inside"):
        student_exercises(source, Path("lab09_x/exercises.py"), 9)


def test_exercise_number_used_twice_is_refused():
    source = EXERCISE.format(body="    return 2 * x  # SOLUTION") + EXERCISE.replace("def f", "def g").format(body="    return x  # SOLUTION")
    with pytest.raises(LabError, match="exercise 1 is already f"):
        student_exercises(source, Path("lab09_x/exercises.py"), 9)


def test_markers_outside_exercises_py_are_refused(tmp_path, capsys):
    lab = tmp_path / "solutions" / "lab09_x"
    lab.mkdir(parents=True)
    (lab / "exercises.py").write_text(EXERCISE.format(body="    return 2 * x  # SOLUTION"))
    (lab / "lab09_x.py").write_text("# %%\nx = 1\n# BEGIN SOLUTION\n")
    assert main([str(tmp_path / "solutions"), str(tmp_path / "labs")]) == 2
    assert "lab09_x.py:3: solution markers belong in exercises.py only" in capsys.readouterr().err


def test_a_folder_without_labs_is_one_line_error(tmp_path, capsys):
    assert main([str(tmp_path), str(tmp_path / "labs")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no lab folder" in err


def test_a_file_git_brought_is_not_taken_for_a_hand_edit(tmp_path):
    """After a pull changes labs/, the local manifest is stale; files equal to their committed version are
    git's, not a person's, and assign updates them. Kills: refusing every file a pull changed."""
    labs = tmp_path / "labs"
    write(SOLUTIONS, labs)
    pulled = next(labs.glob("lab*/checks.py"))
    pulled.write_text("# as an older commit had it\n")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "pull"], check=True)
    assert write(SOLUTIONS, labs) == [pulled.relative_to(labs).as_posix()]
    pulled.write_text("# edited by hand after the pull\n")
    solutions = tmp_path / "solutions"
    shutil.copytree(SOLUTIONS, solutions, ignore=shutil.ignore_patterns("__pycache__"))
    (solutions / pulled.relative_to(labs)).write_text("# the instructor's new checks\n")
    with pytest.raises(LabError, match="changed since"):
        write(solutions, labs)


def test_fresh_checkout_without_manifest_regenerates_stale_files(tmp_path):
    """The manifest is not committed: on a fresh clone assign must still bring a stale labs/ up to date."""
    labs = tmp_path / "labs"
    write(SOLUTIONS, labs)
    (labs / ".assign-manifest.json").unlink()
    stale = next(labs.glob("lab*/checks.py"))
    stale.write_text("# stale\n")
    assert write(SOLUTIONS, labs) == [stale.relative_to(labs).as_posix()]
    assert differences(SOLUTIONS, labs) == []


def test_outputs_caches_and_notebooks_of_a_run_are_neither_copied_nor_differences(tmp_path):
    """Running a lab in its folder writes out/, __pycache__/ and maybe a paired .ipynb: assign leaves them alone.

    Kills: copying an instructor's figures into labs/, and deleting (or flagging) a student's outputs or notebook.
    """
    solutions, labs = tmp_path / "solutions", tmp_path / "labs"
    shutil.copytree(SOLUTIONS, solutions, ignore=shutil.ignore_patterns("__pycache__", "out"))
    name = lab_folders(solutions)[0].name
    write(solutions, labs)
    for root in (solutions, labs):
        (root / name / "out" / "lab01").mkdir(parents=True)
        (root / name / "out" / "lab01" / "figure.png").write_bytes(b"png")
        (root / name / f"{name}.ipynb").write_text("{}")
    assert not any("out/" in r or r.endswith(".ipynb") for r in generate(solutions))
    assert differences(solutions, labs) == []
    assert write(solutions, labs) == [] and (labs / name / f"{name}.ipynb").is_file()


def test_a_lab_removed_from_solutions_is_removed_from_labs(tmp_path):
    labs = tmp_path / "labs"
    write(SOLUTIONS, labs)
    gone = labs / "lab42_gone" / "exercises.py"
    gone.parent.mkdir()
    gone.write_text("")
    assert differences(SOLUTIONS, labs) == ["lab42_gone/exercises.py"]
    write(SOLUTIONS, labs, force=True)
    assert not gone.exists()


def test_only_stubs_one_region_and_keeps_the_others_solved():
    source = EXERCISE.format(body="    y = 2 * x  # SOLUTION\n    # BEGIN SOLUTION\n    z = y + 1\n    # END SOLUTION\n    return z")
    assert count_regions(source) == 2
    first = student_exercises(source, Path("lab09_x/exercises.py"), 9, only=0)
    second = student_exercises(source, Path("lab09_x/exercises.py"), 9, only=1)
    assert "y = 2 * x" not in first and "z = y + 1" in first and first.count("NotImplementedError") == 1
    assert "y = 2 * x" in second and "z = y + 1" not in second and second.count("NotImplementedError") == 1
