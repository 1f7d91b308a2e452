"""Every lab runs as a real notebook: jupytext cells in a fresh ipykernel, quick mode.

Solutions (solutions/lab*_*/) must run with every check passing; student versions
(labs/) must run top to bottom too, each unwritten exercise skipped with its name.
The full-size run of every lab in kernels is `make labs-notebooks` (slow).
"""

from pathlib import Path

import pytest

from cs229nn.lab.loader import lab_folders, lab_number, lab_script
from cs229nn.lab.notebook import CellError, execute

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS, LABS = ROOT / "solutions", ROOT / "labs"
NAMES = [folder.name for folder in lab_folders(SOLUTIONS)]


@pytest.mark.parametrize("name", NAMES)
def test_solution_lab_runs_in_a_kernel(name, run_lab_notebook):
    run = run_lab_notebook(SOLUTIONS / name)
    assert run.results is not None, f"{name} recorded no results (record_results missing?)"
    assert run.results["lab"] == lab_number(SOLUTIONS / name) and run.results["quick"] is True
    assert run.results["summary"]
    assert "self-check" in run.printed and "[skipped]" not in run.printed
    assert "TODO" not in run.printed and "FAIL " not in run.printed, run.printed[-2000:]
    assert list((run.out / f"lab{lab_number(SOLUTIONS / name):02d}").glob("*.png")), f"{name} saved no figure"


@pytest.mark.parametrize("name", NAMES)
def test_student_lab_runs_top_to_bottom_with_stubs(name, run_lab_notebook):
    """Every cell that reaches a stub skips with the exercise's name; the self-check lists it as TODO."""
    run = run_lab_notebook(LABS / name)
    number = lab_number(LABS / name)
    assert f"[skipped] Lab {number}, exercise " in run.printed
    assert "TODO" in run.printed and "not implemented yet: Lab" in run.printed


def test_a_failing_cell_reports_its_source_and_error(tmp_path):
    """Kills: a notebook runner that swallows errors or reports them without the cell."""
    script = tmp_path / "lab99_broken.py"
    script.write_text("# %%\nx = 1\n\n# %% [markdown]\n# text\n\n# %%\ny = x / 0\n")
    with pytest.raises(CellError, match=r"(?s)cell 2 failed with ZeroDivisionError: division by zero.*y = x / 0"):
        execute(script)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_solution_lab_runs_in_full_in_a_kernel(name, tmp_path):
    """The full-size lab (as `make labs-notebooks` runs it)."""
    execute(lab_script(SOLUTIONS / name), env={"CS229NN_QUICK": "0", "CS229NN_OUT": str(tmp_path), "PYTHONPATH": str(ROOT)})


def test_notebook_command_reports_failures_and_bad_folders(tmp_path, capsys):
    """`python -m cs229nn.lab.notebook` (make labs-notebooks): exit 1 naming the failed lab, exit 2 for a non-lab."""
    from cs229nn.lab.notebook import main

    lab = tmp_path / "solutions" / "lab07_broken"
    lab.mkdir(parents=True)
    (lab / "exercises.py").write_text("")
    (lab / "lab07_broken.py").write_text("# %%\nraise ValueError('broken on purpose')\n")
    assert main([str(tmp_path / "solutions"), "--quick", "--out", str(tmp_path / "out")]) == 1
    printed = capsys.readouterr().out
    assert "[1/1]" in printed and "FAILED" in printed and "ValueError: broken on purpose" in printed
    assert main([str(tmp_path / "nothing")]) == 2
    assert "is not a folder of labs" in capsys.readouterr().err
