"""The Gradescope bundle, unpacked into a temporary root laid out like /autograder and run end to end.

setup.sh's steps need root and the network (apt, pip); they are not run here.
What they prepare, the grader checks or does itself: the unprivileged user
(student_account) and the private solutions/ (protect), tested in the red-team suite.
"""

import json
import os
import subprocess
import sys
import zipfile

import jsonschema

from cs229nn.grade import results
from cs229nn.grade.bundle import unpack
from cs229nn.grade.cli import main as grade_main
from gradelab import ISOLATION, TINY, TINY_LAB, reference, write_submission


def test_bundle_grades_a_submission_into_results_json(tmp_path, capsys):
    bundle = tmp_path / "autograder.zip"
    assert grade_main(["--bundle", str(bundle), "--solutions", str(TINY)]) == 0
    assert "upload it" in capsys.readouterr().out
    names = zipfile.ZipFile(bundle).namelist()
    assert {"setup.sh", "run_autograder", "cs229nn/grade/child.py", "cs229nn/grade/results.schema.json", f"solutions/{TINY_LAB}/hidden_checks.py"} <= set(names)
    assert not [n for n in names if "__pycache__" in n]

    root = tmp_path / "autograder"
    unpack(bundle, root / "source")
    assert os.access(root / "source" / "run_autograder", os.X_OK)
    write_submission(root / "submission", {f"{TINY_LAB}/exercises.py": reference(TINY, TINY_LAB)})
    options = "--same-user" if ISOLATION.get("as_student") is False else f"--child-python={ISOLATION['python']}" if ISOLATION.get("python") else ""
    env = {"PATH": os.environ["PATH"], "CS229NN_AUTOGRADER_ROOT": str(root), "CS229NN_PYTHON": sys.executable, "CS229NN_GRADE_OPTIONS": options, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    document = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(document, json.loads(results.SCHEMA.read_text()))
    assert document["score"] == sum(t["max_score"] for t in document["tests"]) == 5


def test_run_autograder_leaves_results_even_when_the_grader_cannot_start(tmp_path):
    """Kills: a run_autograder that trusts the grader to always write results.json."""
    bundle = tmp_path / "autograder.zip"
    assert grade_main(["--bundle", str(bundle), "--solutions", str(TINY)]) == 0
    root = tmp_path / "autograder"
    unpack(bundle, root / "source")
    env = {"PATH": os.environ["PATH"], "CS229NN_AUTOGRADER_ROOT": str(root), "CS229NN_PYTHON": str(tmp_path / "no-python")}
    subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, timeout=120)
    document = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(document, json.loads(results.SCHEMA.read_text()))
    assert document["score"] == 0 and "the grader failed" in document["output"]
