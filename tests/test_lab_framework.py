"""The lab framework's pieces: stubs, probes, judges, the runner's statuses, the self-check, `cs229nn check`."""

import json
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from cs229nn.cli import main as cli
from cs229nn.lab import Check, Probe, Verdict, is_stub, output_dir, quick, record_results, run_checks, self_check, skip_if_stub
from cs229nn.lab.judge import autograd_judge, partial, problem
from cs229nn.lab.loader import LabError, lab_folders, lab_script, load_checks
from cs229nn.lab.runner import ERROR, FAILED, NOT_IMPLEMENTED, PASSED
from cs229nn.lab.stubs import parse_stub, stub_message

ROOT = Path(__file__).resolve().parents[1]
STUB = stub_message(9, 2, "lab09.double", "double x")

CHECKS = '''
import torch
from cs229nn.lab import Check, Probe
from cs229nn.lab.judge import problem, verdict

def inputs(g):
    return {"x": torch.randn(3, 2, generator=g, dtype=torch.float64)}

CHECKS = [Check(name="lab09.double.values", exercise="lab09.double", points=2, inputs=inputs,
                probe=Probe("call", "double", args=("x",)),
                judge=lambda i, o: verdict([problem("2x", o.get("out"), 2 * i["x"])]))]
'''


def lab(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "lab09_double"
    folder.mkdir(exist_ok=True)
    (folder / "exercises.py").write_text(f"def double(x):\n    '''Exercise 2: double x.'''\n{body}\n")
    (folder / "checks.py").write_text(CHECKS)
    return folder


@pytest.mark.parametrize(
    "body, status, earned, words",
    [
        ("    return 2 * x", PASSED, 2, "ok"),
        ("    return 3 * x", FAILED, 0, "2x wrong"),
        ("    return (2 * x).T", FAILED, 0, "transpose of the right value"),
        (f"    raise NotImplementedError({STUB!r})", NOT_IMPLEMENTED, 0, "not implemented yet: Lab 9, exercise 2"),
        ("    return x[5]", ERROR, 0, "IndexError"),
        ("    raise NotImplementedError('my own')", ERROR, 0, "NotImplementedError: my own"),
    ],
)
def test_runner_statuses(tmp_path, body, status, earned, words):
    (result,) = run_checks(lab(tmp_path, body))
    assert (result.status, result.earned) == (status, earned)
    assert words in result.message


def test_student_error_names_the_line_of_exercises_py(tmp_path):
    (result,) = run_checks(lab(tmp_path, "    y = x\n    return y[7]"))
    assert "exercises.py, line 4, in double" in result.message


def test_self_check_prints_todo_for_a_stub_and_never_a_traceback(tmp_path, capsys):
    results = self_check(lab(tmp_path, f"    raise NotImplementedError({STUB!r})"))
    printed = capsys.readouterr().out
    assert results[0].status == NOT_IMPLEMENTED
    assert "TODO  lab09.double.values" in printed and "Traceback" not in printed
    assert "0 of 1 check passed (0 of 2 points)" in printed and "hidden checks" in printed


def test_check_command_exit_status_and_errors(tmp_path, capsys):
    folder = lab(tmp_path, "    return 2 * x")
    assert cli(["check", str(folder)]) == 0
    assert "PASS" in capsys.readouterr().out
    lab(tmp_path, f"    raise NotImplementedError({STUB!r})")
    assert cli(["check", str(folder), "--seed", "3"]) == 1
    assert "not implemented yet: Lab 9, exercise 2" in capsys.readouterr().out
    assert cli(["check", str(tmp_path / "nolab")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_the_seed_changes_the_inputs_and_a_hardcoded_answer_fails(tmp_path):
    """Kills: checks drawn from a fixed seed, which a student could pass by printing the answer."""
    from cs229nn.lab.runner import check_generator

    (check,) = load_checks(lab(tmp_path, "    return 2 * x"))
    first, second = (check.inputs(check_generator(check, seed))["x"] for seed in (0, 1))
    assert not torch.equal(first, second)
    lab(tmp_path, f"    import torch\n    return torch.tensor({(2 * first).tolist()}, dtype=torch.float64)")
    assert run_checks(tmp_path / "lab09_double", seed=0)[0].status == PASSED
    assert run_checks(tmp_path / "lab09_double", seed=1)[0].status == FAILED


def test_skip_if_stub_skips_stubs_only(capsys):
    with skip_if_stub():
        raise NotImplementedError(STUB)
    assert capsys.readouterr().out == "[skipped] Lab 9, exercise 2 is not implemented yet: double x\n"
    with pytest.raises(NotImplementedError):
        with skip_if_stub():
            raise NotImplementedError("a library's own")


def test_is_stub_and_parse_stub():
    def stub(x):
        raise NotImplementedError("Lab 9, exercise 2 (lab09.double): double x")  # a literal, as assign writes it

    assert is_stub(stub) and not is_stub(lambda x: 2 * x)
    assert parse_stub(NotImplementedError(STUB)) == "Lab 9, exercise 2" and parse_stub(ValueError(STUB)) is None


def test_autograd_judge_catches_wrong_gradients():
    """A function probe's raw backward values against autograd: right, transposed, summed wrongly."""
    g = torch.Generator().manual_seed(0)
    a, W, b, up = (torch.randn(*s, generator=g, dtype=torch.float64) for s in ((5, 3), (4, 3), (4,), (5, 4)))
    inputs = {"a": a, "W": W, "b": b, "upstream": up}
    judge = autograd_judge(F.linear, ("a", "W", "b"), ("a", "W", "b"), ("∂J/∂a", "∂J/∂W", "∂J/∂b"), "z")
    right = {"out": F.linear(a, W, b), "raw_count": 3, "grad:a": up @ W, "grad:W": up.T @ a, "grad:b": up.sum(0)}
    assert judge(inputs, right).passed
    assert "transpose of the right gradient" in judge(inputs, {**right, "grad:W": a.T @ up}).message
    assert "∂J/∂b has shape (5, 4) = (n, m); it must be (m,) = (4,)" in judge(inputs, {**right, "grad:b": up}).message
    assert "backward returned 2 values" in judge(inputs, {**right, "raw_count": 2}).message
    forward = autograd_judge(F.linear, ("a", "W", "b"), (), ("",) * 3, "z", part="forward")
    assert forward(inputs, right).passed and not forward(inputs, {"out": right["out"] + 1}).passed


def test_partial_credit_and_problem_messages():
    assert partial([("forward", None), ("backward", "wrong")]).score == 0.5
    assert problem("z", None, torch.zeros(2)) == "z: nothing was returned (None)"
    assert "dtype" in problem("z", torch.zeros(2, dtype=torch.float32), torch.zeros(2, dtype=torch.float64))
    assert Verdict.ok().passed and not Verdict.wrong("no").passed


def test_a_tensor_subclass_is_refused_even_with_the_right_numbers():
    """Kills: isinstance(got, torch.Tensor) for type(got) is torch.Tensor (a subclass's
    ``__torch_function__`` could make any comparison with the reference come out equal)."""

    class Sub(torch.Tensor):
        pass

    right = torch.ones(2, dtype=torch.float64)
    assert problem("a", right.clone().as_subclass(Sub), right) == "a: expected a torch.Tensor, got Sub"
    assert problem("∂J/∂z", torch.nn.Parameter(right.clone()), right) == "∂J/∂z: expected a torch.Tensor, got Parameter"


def test_check_declaration_errors():
    probe = Probe("call", "f")
    with pytest.raises(ValueError, match="exercise must look like"):
        Check("x.y", "x", 1, dict, probe, lambda i, o: Verdict.ok())
    with pytest.raises(ValueError, match="must start with its exercise id"):
        Check("lab01.g.v", "lab01.f", 1, dict, probe, lambda i, o: Verdict.ok())
    with pytest.raises(ValueError, match="kind"):
        Probe("run", "f")


def test_hidden_checks_must_be_marked_hidden(tmp_path):
    folder = lab(tmp_path, "    return 2 * x")
    (folder / "hidden_checks.py").write_text(CHECKS.replace(".values", ".hidden"))
    assert len(load_checks(folder)) == 1
    with pytest.raises(LabError, match="must have hidden=True"):
        load_checks(folder, hidden=True)


def test_lab_discovery(tmp_path):
    assert [p.name for p in lab_folders(ROOT / "solutions")] == sorted(p.name for p in (ROOT / "solutions").glob("lab*_*") if p.is_dir())
    folder = lab(tmp_path, "    return x")
    with pytest.raises(LabError, match="exactly one lab script"):
        lab_script(folder)
    (folder / "lab09_double.py").write_text("# %%\n")
    assert lab_script(folder).name == "lab09_double.py"


def test_session_quick_output_dir_and_results(tmp_path, monkeypatch):
    monkeypatch.setenv("CS229NN_OUT", str(tmp_path))
    monkeypatch.setenv("CS229NN_QUICK", "1")
    monkeypatch.setenv("CS229NN_DEVICE", "cpu")
    assert quick() and output_dir(4) == tmp_path / "lab04" and output_dir(4).is_dir()
    path = record_results(4, "accuracy 0.9", accuracy=torch.tensor(0.9).item())
    assert json.loads(path.read_text()) == {"lab": 4, "summary": "accuracy 0.9", "quick": True, "accuracy": pytest.approx(0.9), "device": "cpu"}
