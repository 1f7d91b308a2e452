"""The grader's pieces without a child: the wire format, the static scan, uploads, limits, judging a record."""

import json
import os
import re
import subprocess
import sys
import zipfile

import jsonschema
import pytest
import torch

from cs229nn.grade import protocol, results, sandbox
from cs229nn.grade.grading import DELEGATION, judge_record
from cs229nn.grade.references import reference_labs
from cs229nn.grade.sandbox import IsolationError, Sandbox, protect
from cs229nn.grade.scan import scan
from cs229nn.grade.submission import SubmissionError, locate
from cs229nn.lab.runner import ERROR, FAILED, NOT_IMPLEMENTED, PASSED, check_generator
from gradelab import ROOT, TINY, TINY_LAB, reference, stub, write_submission

# ---- what the child sends back -------------------------------------------------------------


def _forge(folder, records, import_error=None):
    torch.save({"import_error": import_error, "records": records}, folder / protocol.OUTPUTS)
    return protocol.read_outputs(folder, len(records))


class Sub(torch.Tensor):
    """A tensor subclass (its ``__torch_function__`` could lie about comparisons)."""


def test_plain_tensors_numbers_and_strings_pass_and_the_rest_is_refused_per_record(tmp_path):
    good = protocol.record({"out": torch.ones(2, dtype=torch.float64), "raw_count": 1, "note": "x" * 5000})
    bad = [protocol.record({"out": torch.nn.Parameter(torch.ones(2))}), protocol.record({"out": torch.ones(2, requires_grad=True)}),
           protocol.record({"out": torch.ones(2).to_sparse()}),
           # a subclass without autograd history: only the exact-type check refuses it (kills isinstance there)
           protocol.record({"out": torch.nn.Parameter(torch.ones(2), requires_grad=False)})]
    report = _forge(tmp_path, [good, *bad])
    first = report["records"][0]["outputs"]
    assert type(first["out"]) is torch.Tensor and first["raw_count"] == 1 and len(first["note"]) == protocol.MAX_TEXT
    for record in report["records"][1:]:
        assert record["outputs"] is None and record["error"].startswith("the grader refused what came back")
    torch.save({"import_error": None, "records": [protocol.record({"out": torch.ones(2).as_subclass(Sub)})]}, tmp_path / protocol.OUTPUTS)
    with pytest.raises(protocol.ProtocolError, match="not plain data"):
        protocol.read_outputs(tmp_path, 1)


def test_missing_linked_or_special_output_files_are_refused(tmp_path):
    with pytest.raises(protocol.ProtocolError, match="wrote no results"):
        protocol.read_outputs(tmp_path, 1)
    (tmp_path / "elsewhere").write_bytes(b"")
    os.symlink(tmp_path / "elsewhere", tmp_path / protocol.OUTPUTS)
    with pytest.raises(protocol.ProtocolError, match="cannot be opened"):
        protocol.read_outputs(tmp_path, 1)
    os.unlink(tmp_path / protocol.OUTPUTS)
    os.mkfifo(tmp_path / protocol.OUTPUTS)  # a reader that would block forever
    with pytest.raises(protocol.ProtocolError, match="not a regular file"):
        protocol.read_outputs(tmp_path, 1)


def test_fewer_records_than_checks_leave_the_rest_missing(tmp_path):
    report = _forge(tmp_path, [protocol.record({"out": 1.0})])
    assert protocol.read_outputs(tmp_path, 3)["records"][1:] == [None, None]
    assert report["import_error"] is None

# ---- judging one record in the parent ------------------------------------------------------


@pytest.fixture(scope="module")
def tiny():
    lab = reference_labs(TINY)[0]
    checks = {c.name: c for c in lab.checks}
    return checks


def _inputs(check):
    return check.inputs(check_generator(check, 0))


def test_a_record_is_judged_by_the_check_never_by_what_the_child_says(tiny):
    check = tiny["lab90.SquareFunction.backward"]
    inputs = _inputs(check)
    right = {"out": inputs["x"] ** 2, "raw_count": 1, "grad:x": 2 * inputs["x"] * inputs["upstream"]}
    clean = scan("", [])
    assert judge_record(check, inputs, protocol.record(right), "", clean).status == PASSED
    wrong = protocol.record({**right, "grad:x": torch.zeros(5, 3, dtype=torch.float64), "verdict": "all checks passed"})
    assert judge_record(check, inputs, wrong, "", clean).status == FAILED
    delegated = judge_record(check, inputs, protocol.record(right, evidence=["autograd's engine ran"]), "", clean)
    assert delegated.earned == 0 and delegated.message.startswith(DELEGATION)
    missing = judge_record(check, inputs, None, "no result: timeout", clean)
    assert (missing.status, missing.earned, missing.message) == (ERROR, 0.0, "no result: timeout")


def test_stubs_errors_and_unjudgeable_values_score_zero(tiny):
    check = tiny["lab90.moments.values"]
    inputs, clean = _inputs(check), scan("", [])
    message = "Lab 90, exercise 1 (lab90.moments): the mean"
    assert judge_record(check, inputs, protocol.record(error="NotImplementedError: x", stub=message), "", clean).status == NOT_IMPLEMENTED
    error = judge_record(check, inputs, protocol.record(error="SkipTest: nothing to see"), "", clean)
    assert (error.status, error.message) == (ERROR, "SkipTest: nothing to see")
    odd = judge_record(check, inputs, protocol.record({"out0": "<not a tensor: Liar>", "out1": 3}), "", clean)
    assert odd.earned == 0 and "Liar" in odd.message

# ---- the static scan -------------------------------------------------------------------------


BACKWARD = '''
import torch
from torch.autograd import grad as g
import cs229nn.functional as F

def helper(x, d):
    return torch.func.vjp(torch.sin, x)[1](d)

class Fn(torch.autograd.Function):
    @staticmethod
    def backward(ctx, d):
        x, = ctx.saved_tensors
        {body}

class Honest(torch.autograd.Function):
    @staticmethod
    def backward(ctx, d):
        return 2 * d
'''


@pytest.mark.parametrize("body, found", [
    ("return g(x * x, x, d)", "line 13: torch.autograd.grad is autograd"),
    ("x.sum().backward(); return x.grad", ".backward() asks autograd"),
    ("return helper(x, d)", "line 7: torch.func.vjp is autograd"),
    ("return F.linear_backward(d, x, None)", "line 13: cs229nn.functional.linear_backward is cs229nn's own implementation"),
    ("return torch.ops.aten.threshold_backward(d, x, 0)", "torch.ops.aten.threshold_backward is autograd or torch's own derivative"),
])
def test_the_scan_follows_imports_and_helpers_in_a_backward(body, found):
    result = scan(BACKWARD.format(body=body), ["Fn", "Honest"])
    assert any(found in f for f in result.backward["Fn"]), result.backward
    assert result.backward["Honest"] == []


def test_the_scan_flags_tampering_for_review_but_not_plain_math():
    assert scan(reference(TINY, TINY_LAB), ["SquareFunction"]).flags == []
    flags = scan("import os, sys\nexec('x')\ngetattr(torch, 'auto' + 'grad')\nf = sys._getframe(1).f_back\n", []).flags
    assert flags == ["line 1: imports os", "line 1: imports sys", "line 2: calls exec()", "line 3: getattr() with a computed name",
                     "line 4: uses .f_back", "line 4: uses ._getframe"]
    assert scan("def f(:\n", []).error.startswith("exercises.py does not parse: line 1")

# ---- finding the labs' files in an upload ----------------------------------------------------


def test_uploads_are_matched_by_folder_then_by_the_lab_named_inside(tmp_path):
    labs = reference_labs(TINY)
    nested = write_submission(tmp_path / "nested", {f"handin/{TINY_LAB}/exercises.py": "x = 1\n", f"{TINY_LAB}/exercises.py": "y = 2\n"})
    assert locate(nested, labs).sources[90] == b"y = 2\n"  # the shallowest copy
    flat = write_submission(tmp_path / "flat", {"exercises.py": stub(TINY, TINY_LAB), "exercises-2.py": stub(TINY, TINY_LAB)})
    found = locate(flat, labs)
    assert found.origins[90] == "exercises-2.py"
    assert found.notes == [f"exercises.py was not graded: that lab was already submitted; submit the files as in labs/ ({TINY_LAB}/exercises.py)"]
    handed_in = write_submission(tmp_path / "whole", {f"{TINY_LAB}/exercises.py": "x = 1\n", f"{TINY_LAB}/{TINY_LAB}.py": "# the lab script\n"})
    assert locate(handed_in, labs).notes == []  # the lab's own script comes with the folder: not a stray file
    os.symlink(TINY / TINY_LAB / "exercises.py", tmp_path / "linked.py")
    linked = tmp_path / "linked"
    linked.mkdir()
    os.symlink(TINY / TINY_LAB / "exercises.py", linked / "exercises.py")
    assert locate(linked, labs).sources == {}
    with pytest.raises(SubmissionError, match="neither a folder nor a zip"):
        locate(tmp_path / "linked.py", labs)


def test_zip_members_outside_the_upload_or_too_large_are_ignored(tmp_path):
    upload = tmp_path / "up.zip"
    with zipfile.ZipFile(upload, "w") as archive:
        archive.writestr("../lab90_tiny/exercises.py", "escape = 1\n")
        archive.writestr("top/lab90_tiny/exercises.py", "# " + "x" * 2_000_000)
    found = locate(upload, reference_labs(TINY))
    assert found.sources == {} and "larger than 1000 kB" in found.notes[0]
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(SubmissionError):
        locate(tmp_path / "bad.zip", reference_labs(TINY))

# ---- limits, users, results ------------------------------------------------------------------


def test_the_child_lowers_its_limits_before_student_code_and_cannot_raise_them():
    code = ("import resource; from cs229nn.grade.child import apply_limits; "
            "apply_limits({'cpu_s': 7, 'memory_bytes': 2**30, 'processes': 4000, 'file_bytes': 2**20}); "
            "g = resource.getrlimit; print(g(resource.RLIMIT_CPU), g(resource.RLIMIT_FSIZE), g(resource.RLIMIT_NPROC), g(resource.RLIMIT_CORE)); "
            "import os; os.setuid(os.getuid()) if os.getuid() else None\n"
            "try:\n resource.setrlimit(resource.RLIMIT_CPU, (100, 100)); print('raised')\nexcept (ValueError, OSError): print('fixed')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    lines = out.stdout.splitlines()
    assert lines[0] == "(7, 7) (1048576, 1048576) (4000, 4000) (0, 0)", out.stderr
    assert lines[1] == "fixed" or os.geteuid() == 0  # root (with CAP_SYS_RESOURCE) may raise them: hence the unprivileged user


def test_as_an_ordinary_user_the_process_limit_counts_the_users_processes():
    with Sandbox(as_student=False) as sandbox:
        limits = sandbox.child_limits()
        assert sandbox.account is None and limits["processes"] > sandbox.limits.processes


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs student code as another user")
def test_as_root_the_references_become_private_and_the_student_user_is_unprivileged(tmp_path):
    from cs229nn.grade.sandbox import student_account

    account = student_account()
    assert account.uid != 0 and account.gid != 0
    folder = tmp_path / "solutions"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    assert "made" in protect(folder) and (folder.stat().st_mode & 0o077) == 0
    assert protect(folder) is None


def test_a_run_that_could_not_grade_still_has_valid_results(tmp_path):
    results.write(results.failure("no submission"), tmp_path / "r.json")
    jsonschema.validate(json.loads((tmp_path / "r.json").read_text()), json.loads(results.SCHEMA.read_text()))
    assert oct((tmp_path / "r.json").stat().st_mode & 0o777) == "0o600"


def test_a_child_without_results_is_explained():
    from cs229nn.grade.sandbox import ChildRun, Limits

    limits = Limits(wall_s=9)
    assert "ran past the 9 s time limit" in ChildRun(-9, True, 9.1, "").why_no_result(limits)
    assert "killed by SIGKILL" in ChildRun(-9, False, 1.0, "").why_no_result(limits)
    assert "killed by SIGXCPU" in ChildRun(-24, False, 1.0, "").why_no_result(limits)
    exited = ChildRun(0, False, 1.0, "loading\nbye now\n").why_no_result(limits)
    assert exited == "no result: the process running your code exited (status 0) before this check finished (its last output: bye now)"
    assert ChildRun(3, False, 1.0, "").why_no_result(limits).endswith("(status 3) before this check finished")


SYSTEM_PYTHON = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"


@pytest.mark.skipif(os.geteuid() != 0 or not os.path.exists(SYSTEM_PYTHON), reason="needs root (user isolation) and a system Python of this version")
def test_dependencies_the_grading_user_cannot_read_are_refused_before_any_child_runs(tmp_path, monkeypatch):
    """CI's venv under /root: torch is out of the student user's reach; the grader says so and how to fix it (kills a silent 0 for every lab)."""
    private = tmp_path / "root"
    (private / "site-packages").mkdir(parents=True)
    os.chmod(private, 0o700)
    monkeypatch.setattr(sandbox, "_site_packages", lambda: [str(private / "site-packages")])
    with pytest.raises(IsolationError, match=rf"cannot read \S+ \(needed to import torch and the other dependencies from {re.escape(str(private))}/site-packages\); install them where other users can read them.* --same-user"):
        Sandbox(as_student=True, python=SYSTEM_PYTHON)
