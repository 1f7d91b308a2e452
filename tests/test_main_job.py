"""The two entry points a student runs first: `cs229nn report` and the main job (`make run`)."""

import json
import os

import pytest

import cs229nn.main_job as main_job
from cs229nn.cli import main as cli
from cs229nn.lab.loader import lab_folders


def test_report_command_prints_and_writes_the_report(tmp_path, capsys):
    out = tmp_path / "report.txt"
    assert cli(["report", "--device", "cpu", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "24 of 24 checks passed." in printed and "on cpu" in printed
    assert out.read_text().startswith("cs229nn gradient report")


def test_main_job_runs_report_then_labs_and_prints_the_table(tmp_path, monkeypatch, capfd):
    """Lab 3 in quick mode as a subprocess: its key result, time and device reach the table and summary.md."""
    monkeypatch.setenv("CS229NN_DEVICE", "cpu")
    assert main_job.main(["--out", str(tmp_path), "--quick", "--labs", "3"]) == 0
    printed = capfd.readouterr().out
    assert printed.index("gradient report") < printed.index("== 2.1 of 1: lab03_backprop") < printed.index("== 3. summary")
    assert "Lab 3 self-check" in printed  # the lab's own output streams through
    results = json.loads((tmp_path / "lab03" / "results.json").read_text())
    row = next(line for line in (tmp_path / "summary.md").read_text().splitlines() if line.startswith("| lab03_backprop"))
    assert results["summary"] in row and row.endswith("| cpu |")
    assert (tmp_path / "gradient_report.txt").is_file() and (tmp_path / "lab03" / "activations.png").is_file()


def test_a_failing_lab_fails_the_job_but_not_the_table(tmp_path, capfd):
    """Kills: a main job that stops at the first broken lab, or reports it as done."""
    lab = tmp_path / "solutions" / "lab01_broken"
    lab.mkdir(parents=True)
    (lab / "exercises.py").write_text("")
    (lab / "lab01_broken.py").write_text("raise SystemExit(3)\n")
    assert main_job.main(["--out", str(tmp_path / "out"), "--solutions", str(tmp_path / "solutions")]) == 1
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "| lab01_broken | FAILED: exit status 3" in summary


@pytest.mark.parametrize("labs, words", [("42", "no lab [42]"), ("1,x", "like 1,3; got '1,x'")])
def test_bad_lab_selection_is_a_one_line_error(tmp_path, capsys, labs, words):
    assert cli(["run", "--out", str(tmp_path), "--labs", labs]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err


@pytest.mark.slow
def test_main_job_runs_every_lab_in_quick_mode(tmp_path, monkeypatch):
    """`cs229nn run --quick`: every reference lab as a script, each with a row in the summary."""
    monkeypatch.setenv("CS229NN_DEVICE", "cpu")
    assert main_job.main(["--out", str(tmp_path), "--quick"]) == 0
    summary = (tmp_path / "summary.md").read_text()
    for folder in lab_folders(main_job.PACKAGE_ROOT / "solutions"):
        assert f"| {folder.name} | " in summary and "FAILED" not in summary


def test_labs_print_unbuffered_into_a_pipe(tmp_path):
    """Kills: a lab's progress held back in a pipe's buffer until the lab ends (CI logs, `make run | tee`)."""
    env = main_job.lab_env(tmp_path, quick=True, root=None)
    assert env["PYTHONUNBUFFERED"] == "1" and env["CS229NN_QUICK"] == "1" and env["CS229NN_OUT"] == str(tmp_path.resolve())
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(main_job.PACKAGE_ROOT)


def test_a_hanging_lab_is_stopped_and_reported(tmp_path):
    lab = tmp_path / "lab05_hangs"
    lab.mkdir()
    (lab / "lab05_hangs.py").write_text("import time\ntime.sleep(60)\n")
    run = main_job.run_lab(lab, tmp_path / "out", main_job.lab_env(tmp_path / "out", quick=True, root=None), timeout=1)
    assert not run.ok and run.summary == "FAILED: stopped after 1 s" and run.seconds < 30
