"""The grader end to end on reference solutions, stubs and uploads of several shapes.

Every lab present in solutions/ is graded (the course labs and the tests' tiny
lab90), each in its own child process; the fixtures grade once per module.
"""

import json
import shutil
import zipfile

import jsonschema
import pytest

from cs229nn.grade import results
from cs229nn.cli import main as cli_main
from cs229nn.grade.grading import grade_submission
from cs229nn.grade.references import reference_labs
from cs229nn.lab.runner import NOT_IMPLEMENTED, PASSED
from gradelab import COURSE, ISOLATION, TINY, TINY_LAB, reference, stub, write_submission

SCHEMA = json.loads(results.SCHEMA.read_text())


@pytest.fixture(scope="module")
def solutions(tmp_path_factory):
    """Every course lab present so far, and the tiny lab."""
    folder = tmp_path_factory.mktemp("solutions")
    for lab in [*sorted(COURSE.glob("lab*_*")), TINY / TINY_LAB]:
        shutil.copytree(lab, folder / lab.name, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


@pytest.fixture(scope="module")
def lab_names(solutions):
    return [lab.name for lab in reference_labs(solutions)]


def _graded(solutions, lab_names, tmp_path_factory, version):
    folder = write_submission(tmp_path_factory.mktemp(version.__name__), {f"{name}/exercises.py": version(solutions, name) for name in lab_names})
    return grade_submission(folder, solutions, jobs=2, **ISOLATION)


@pytest.fixture(scope="module")
def reference_grade(solutions, lab_names, tmp_path_factory):
    return _graded(solutions, lab_names, tmp_path_factory, reference)


@pytest.fixture(scope="module")
def stub_grade(solutions, lab_names, tmp_path_factory):
    return _graded(solutions, lab_names, tmp_path_factory, stub)


def test_reference_solutions_get_full_marks(reference_grade, lab_names):
    """Kills: a judge fed the wrong outputs, inputs drawn differently in parent and child, a broken protocol."""
    assert [lab.lab.name for lab in reference_grade.labs] == lab_names
    failed = [(r.name, r.message) for r in reference_grade.results if r.status != PASSED]
    assert not failed
    assert reference_grade.earned == reference_grade.points > 0
    assert any(r.hidden for r in reference_grade.results), "hidden checks are graded too"


def test_results_json_validates_against_the_gradescope_schema(reference_grade, stub_grade):
    for grade in (reference_grade, stub_grade):
        document = results.gradescope(grade)
        jsonschema.validate(document, SCHEMA)
        assert document["score"] == sum(t["score"] for t in document["tests"])
        assert {t["visibility"] for t in document["tests"]} == {"visible", "after_published"}
        numbers = [t["number"] for t in document["tests"]]
        assert len(set(numbers)) == len(numbers)


def test_the_schema_rejects_what_gradescope_would(reference_grade):
    """The schema is not vacuous: a status Gradescope does not know, or a missing field, fails."""
    document = results.gradescope(reference_grade)
    document["tests"][0]["status"] = "skipped"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)
    del document["execution_time"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)


def test_stubs_score_zero_and_say_what_is_not_implemented(stub_grade):
    assert stub_grade.earned == 0
    for result in stub_grade.results:
        assert result.status == NOT_IMPLEMENTED, result
        assert result.message.startswith("not implemented yet: Lab ")


def test_flat_zip_upload_is_matched_by_the_lab_named_inside(solutions, tmp_path):
    """exercises.py files renamed by an upload are matched by their own docstring; an unknown one is refused; a missing lab scores 0."""
    upload = tmp_path / "upload.zip"
    with zipfile.ZipFile(upload, "w") as archive:
        archive.writestr("exercises.py", reference(solutions, TINY_LAB))
        archive.writestr("exercises (1).py", "import torch\n")
        archive.writestr("../escape.py", '"""Lab 90"""\n')
    grade = grade_submission(upload, solutions, jobs=2, **ISOLATION)
    by_lab = {lab.lab.name: lab for lab in grade.labs}
    assert all(r.status == PASSED for r in by_lab[TINY_LAB].results)
    assert any("exercises (1).py was not graded: it does not say which lab" in n for n in grade.notes)
    for name, lab in by_lab.items():
        if name != TINY_LAB:
            assert all(r.earned == 0 and f"{name}/exercises.py was not found" in r.message for r in lab.results)


def test_grade_command_writes_results_and_a_summary_and_keeps_the_checks_done_before_a_crash(solutions, tmp_path, capsys):
    """moments is written; SquareFunction's backward kills its own process: the check run before still counts.

    The public checks run first (moments.values, SquareFunction.backward), then the hidden ones, so
    moments' hidden float32 check comes after the crash and scores 0 with the reason.

    Kills: a child that writes its results only at the end, a parent that drops them when the child dies.
    """
    source = stub(solutions, TINY_LAB).replace("raise NotImplementedError", "return x.mean(0), x.var(0, unbiased=False)  #", 1)
    head, _, tail = source.rpartition("raise NotImplementedError")
    folder = write_submission(tmp_path / "sub", {f"{TINY_LAB}/exercises.py": head + "import os, signal; os.kill(os.getpid(), signal.SIGKILL)  #" + tail})
    options = ["--same-user"] if ISOLATION.get("as_student") is False else [f"--child-python={ISOLATION['python']}"] if ISOLATION.get("python") else []
    status = cli_main(["grade", str(folder), "--solutions", str(solutions), "--lab", "90", "--seed", "5", "--results", str(tmp_path / "r.json"), *options])
    assert status == 0
    document = json.loads((tmp_path / "r.json").read_text())
    jsonschema.validate(document, SCHEMA)
    assert [t["score"] for t in document["tests"]] == [2, 0, 0, 0]
    assert all("killed by SIGKILL" in t["output"] for t in document["tests"][1:])
    out = capsys.readouterr().out
    assert "lab90_tiny: 2/5 points, 1 of 4 checks passed" in out and "seed 5" in out


def test_grade_command_user_errors_are_one_line_and_still_leave_results(solutions, tmp_path, capsys):
    """Through the one place that catches usage errors (cs229nn.cli.main): one line, exit 2, and for Gradescope a results file."""
    status = cli_main(["grade", str(tmp_path / "nothing"), "--solutions", str(solutions), "--results", str(tmp_path / "r.json")])
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("cs229nn grade: error: ") and "neither a folder nor a zip" in err
    document = json.loads((tmp_path / "r.json").read_text())
    jsonschema.validate(document, SCHEMA)
    assert document["score"] == 0 and "not graded" in document["output"]
    assert cli_main(["grade", str(tmp_path), "--solutions", str(tmp_path)]) == 2
    assert "holds no lab folder" in capsys.readouterr().err
    for bad, said in [(["--jobs", "0"], "--jobs 0: give at least 1"), (["--timeout", "-1"], "--timeout -1"),
                      (["--results", str(tmp_path)], "is a folder"), ([], "give a SUBMISSION")]:
        assert cli_main(["grade", *([] if not bad else [str(tmp_path)]), *bad]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and said in err, err
