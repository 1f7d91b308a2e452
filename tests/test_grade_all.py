"""grade-all: a folder of submissions graded in parallel workers, a gradebook CSV and the class report."""

import csv
import shutil

from cs229nn.cli import main as cli_main
from cs229nn.grade.batch import main as grade_all_main
from cs229nn.grade.classreport import common_diagnoses, diagnosis, render
from gradelab import ISOLATION, TINY, TINY_LAB, reference, stub, write_submission


def test_grade_all_writes_a_gradebook_and_a_class_report(tmp_path, capsys):
    solutions, folder = tmp_path / "solutions", tmp_path / "submissions"
    shutil.copytree(TINY, solutions)  # as root the grader makes its solutions private: not the repository's
    good, empty = reference(TINY, TINY_LAB), stub(TINY, TINY_LAB)
    write_submission(folder / "ada", {f"{TINY_LAB}/exercises.py": good})
    write_submission(folder / "bob", {f"{TINY_LAB}/exercises.py": good.replace("2 * x * delta", "x * delta")})
    write_submission(folder / "cy", {f"{TINY_LAB}/exercises.py": empty})
    (folder / "notes.txt").write_text("not a submission")
    options = ["--same-user"] if ISOLATION.get("as_student") is False else [f"--child-python={ISOLATION['python']}"] if ISOLATION.get("python") else []
    status = grade_all_main([str(folder), "--solutions", str(solutions), "--jobs", "2", "--out", str(tmp_path / "grades.csv"), "--report", str(tmp_path / "class.html"), "--seed", "3", *options])
    assert status == 0
    rows = list(csv.DictReader(open(tmp_path / "grades.csv")))
    assert [r["submission"] for r in rows] == ["ada", "bob", "cy"]
    assert [(r["score"], r["max_score"], r["lab90.moments"], r["lab90.SquareFunction"]) for r in rows] == [
        ("5", "5", "3", "2"), ("3", "5", "3", "0"), ("0", "5", "0", "0")]
    page = (tmp_path / "class.html").read_text()
    assert page.count("data:image/png;base64,") == 2
    assert "∂J/∂x is # × the right one: a constant factor is off" in page and "not implemented yet: Lab #, exercise #" in page
    assert "graded 3 submissions" in capsys.readouterr().out


def test_class_report_masks_numbers_and_escapes_what_students_chose():
    assert diagnosis("∂J/∂W^[1] has shape (3, 4); relative error 2.5e-01") == "∂J/∂W^[1] has shape (#, #); relative error #"
    graded = [{"document": {"score": 0.0}, "results": [{"exercise": "lab90.moments", "status": "error", "earned": 0.0, "points": 1.0,
                                                       "message": "<script>alert(1)</script>"}]}]
    assert common_diagnoses(graded) == [("lab90.moments", "<script>alert(#)</script>", 1)]
    assert "<script>" not in render(graded)


def test_grade_all_usage_errors_are_one_line_before_any_grading(tmp_path, capsys):
    """Through cs229nn.cli.main, the one place that catches usage errors: one line, exit 2, nothing written."""
    (tmp_path / "subs").mkdir()
    for args, said in [([str(tmp_path / "none")], "is not a folder"), ([str(tmp_path / "subs"), "--out", str(tmp_path)], "--out"),
                       ([str(tmp_path / "subs"), "--jobs", "0"], "--jobs 0"), ([str(tmp_path / "subs"), "--solutions", str(tmp_path / "subs")], "holds no lab")]:
        assert cli_main(["grade-all", *args]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("cs229nn grade-all: error: ") and said in err, err
    assert not (tmp_path / "grades.csv").exists()
