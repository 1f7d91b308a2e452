"""Malicious submissions: none earns a point it did not earn, and grading always ends with a valid results.json.

All attacks are graded in one run of ``cs229nn grade`` (each as its own copy of
the tiny lab, so each gets its own child); then every test reads its lab's tests
from the results file. Run as root with a reachable interpreter, student code
runs as the unprivileged grading user; otherwise as this user, where the attack
on the reference solutions is out of reach of the grader's isolation (skipped,
see docs/grading.md).
"""

import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path

import jsonschema
import pytest

from attacks import ATTACKS, Context
from cs229nn.grade import results
from cs229nn.grade.cli import main as grade_main
from cs229nn.grade.grading import DELEGATION
from gradelab import COURSE, ISOLATION, NOT_ISOLATED, TINY, TINY_LAB, USER_ISOLATED, stub

ROOT_WITHOUT_USER = os.geteuid() == 0 and not USER_ISOLATED
LAB03 = COURSE / "lab03_backprop"


def _world_readable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """Grade every attack once; returns (results document, tests by attack, context, digest of results.json)."""
    shared = Path(tempfile.mkdtemp(prefix="cs229nn-redteam-"))  # outside pytest's private tmp: readable by others
    try:
        solutions, submission, markers = shared / "solutions", shared / "submission", shared / "markers"
        markers.mkdir(parents=True)
        results_path = tmp_path_factory.mktemp("results") / "results.json"
        context = Context(str(results_path), str(solutions), str(markers))
        names = {}
        for number, (name, attack) in enumerate(ATTACKS.items(), start=10):
            lab = f"lab{number}_{name}"
            shutil.copytree(TINY / TINY_LAB, solutions / lab, ignore=shutil.ignore_patterns("__pycache__"))
            for relative, text in attack(context._replace(solutions=str(TINY))  if name == "hard_coded_answers" else context).items():
                (submission / lab).mkdir(parents=True, exist_ok=True)
                (submission / lab / relative).write_text(text)
            names[name] = number
        if LAB03.is_dir():  # the manual backward is cs229nn's own LinearFunction
            shutil.copytree(LAB03, solutions / "lab40_backprop", ignore=shutil.ignore_patterns("__pycache__"))
            (submission / "lab40_backprop").mkdir()
            source = stub(solutions, "lab40_backprop") + "\nimport cs229nn.functional\nLinearFunction = cs229nn.functional.LinearFunction\n"
            (submission / "lab40_backprop" / "exercises.py").write_text(source)
            names["cs229nn_function_as_the_answer"] = 40
        _world_readable(shared)
        os.chmod(markers, 0o777)  # any attack that gets further than it should can leave its mark
        options = ["--same-user"] if ISOLATION.get("as_student") is False else [f"--child-python={ISOLATION['python']}"] if ISOLATION.get("python") else []
        status = grade_main([str(submission), "--solutions", str(solutions), "--results", str(results_path), "--seed", "11", "--timeout", "20", "--jobs", "2", *options])
        assert status == 0
        digest = hashlib.sha256(results_path.read_bytes()).hexdigest()
        for marker in markers.iterdir():
            marker.unlink()
        time.sleep(1.5)  # anything still alive would rewrite results.json or a marker by now
        document = json.loads(results_path.read_text())
        by_attack = {name: [t for t in document["tests"] if t["number"].split(".")[0] == str(n)] for name, n in names.items()}
        yield document, by_attack, context, digest, results_path, sorted(p.name for p in markers.iterdir()), shared
    finally:
        shutil.rmtree(shared, ignore_errors=True)


ALL = [*ATTACKS, "cs229nn_function_as_the_answer"]


@pytest.mark.parametrize("attack", ALL)
def test_an_attack_earns_nothing_and_the_results_file_stays_valid(attacked, attack):
    document, by_attack, context, digest, results_path, markers, _ = attacked
    if attack == "read_the_reference_solutions" and not USER_ISOLATED:
        pytest.skip(f"student code can read what the grader can: {NOT_ISOLATED}")
    if attack == "fork_bomb" and ROOT_WITHOUT_USER:
        pytest.skip(f"RLIMIT_NPROC does not bind root: not run without the unprivileged user ({NOT_ISOLATED})")
    if attack == "cs229nn_function_as_the_answer" and attack not in by_attack:
        pytest.skip("lab03 is not in solutions/")
    jsonschema.validate(document, json.loads(results.SCHEMA.read_text()))
    assert hashlib.sha256(results_path.read_bytes()).hexdigest() == digest, "results.json was rewritten after the grader wrote it"
    tests = by_attack[attack]
    assert tests and sum(t["score"] for t in tests) == 0, [t["output"] for t in tests]
    assert all(t["status"] == "failed" for t in tests)
    assert markers == [], f"code outside the checks ran: {markers}"


def _outputs(attacked, attack):
    return " | ".join(t["output"] for t in attacked[1][attack])


def test_an_endless_loop_is_stopped_by_the_wall_clock(attacked):
    assert "ran past the 20 s time limit" in _outputs(attacked, "ignore_alarms_and_loop")


def test_a_memory_bomb_fails_inside_its_limit(attacked):
    assert "MemoryError" in _outputs(attacked, "memory_bomb") or "killed" in _outputs(attacked, "memory_bomb")


def test_leaving_at_import_is_reported(attacked):
    assert "SystemExit" in _outputs(attacked, "exit_after_fake_results")
    assert "exited (status 0) before this check finished" in _outputs(attacked, "os_exit_after_fake_results")
    assert "SkipTest" in _outputs(attacked, "skip_at_import")


def test_delegating_the_backward_is_named_with_its_evidence(attacked):
    autograd = _outputs(attacked, "autograd_inside_backward")
    assert DELEGATION in autograd and "autograd's engine ran" in autograd and "autograd turned on" in autograd
    library = _outputs(attacked, "cs229nn_functions_in_backward")
    assert DELEGATION in library and "cs229nn.functional.linear.linear_backward" in library and "cs229nn's own implementation" in library
    if "cs229nn_function_as_the_answer" in attacked[1]:
        assert "LinearFunction.backward is not written in exercises.py" in _outputs(attacked, "cs229nn_function_as_the_answer")


def test_returned_objects_that_are_not_plain_tensors_are_refused(attacked):
    assert "not a tensor: Liar" in _outputs(attacked, "torch_function_subclass")
    assert "not a tensor: Anything" in _outputs(attacked, "always_equal")
    assert "not plain data" in _outputs(attacked, "forged_output_pickle")


@pytest.mark.skipif(not USER_ISOLATED, reason=f"the references are private only when student code runs as another user; {NOT_ISOLATED}")
def test_the_references_are_made_private_before_student_code_runs(attacked):
    document, shared = attacked[0], attacked[6]
    assert "made " in document["output"] and "private" in document["output"]
    assert stat.S_IMODE((shared / "solutions").stat().st_mode) == 0o700


@pytest.mark.skipif(not USER_ISOLATED, reason=f"needs the unprivileged grading user; {NOT_ISOLATED}")
def test_no_process_of_the_grading_user_survives(attacked):
    import pwd

    uid = pwd.getpwnam("cs229nn-student").pw_uid
    alive = [p for p in os.listdir("/proc") if p.isdigit() and _uid(p) == uid]
    assert alive == []


def _uid(pid: str) -> int:
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return -1
