"""Command-line mistakes: exit status 2, one line on stderr, no traceback, and no work done first.

Every case runs in-process through :func:`cs229nn.cli.main` (the expensive parts are
replaced by functions that fail the test if called, so "checked before any work" is
tested too); the ``SUBPROCESS`` cases also run the real ``python -m cs229nn`` command.
Before: ``--device gpu`` and a bad ``$CS229NN_DEVICE`` were tracebacks, ``report --out DIR``
ran the whole report and then failed, ``data list --root MISSING`` listed files that are not there.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import cs229nn.datasets.cli as data_cli
import cs229nn.experiments.soccer as soccer
import cs229nn.main_job as main_job
import cs229nn.report as report
from cs229nn import cli

REPO = Path(__file__).resolve().parents[1]
no_cuda = pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")

# (argv, environment, what stderr must say); {dir} is an existing folder, {file} an existing
# file, {missing} a path that does not exist.
CASES = {
    "device gpu": (["report", "--device", "gpu"], {}, "cs229nn report: error: --device gpu is not a device name; use cpu, cuda or cuda:<index>"),
    "device cuda:x": (["report", "--device", "cuda:x"], {}, "--device cuda:x is not a device name"),
    "device meta": (["report", "--device", "meta"], {}, "--device meta: cs229nn runs on cpu or cuda, got 'meta'"),
    "device cuda without CUDA": pytest.param(["report", "--device", "cuda"], {}, "--device cuda asks for CUDA, but torch.cuda.is_available() is False on this machine; use cpu", marks=no_cuda),
    "env device": (["report"], {"CS229NN_DEVICE": "gpu"}, "cs229nn report: error: $CS229NN_DEVICE='gpu' is not a device name"),
    "env device, run": (["run"], {"CS229NN_DEVICE": "cuda:one"}, "cs229nn run: error: $CS229NN_DEVICE='cuda:one' is not a device name"),
    "report out folder": (["report", "--out", "{dir}"], {}, "cs229nn report: error: --out {dir} is a folder; give a file path, e.g. {dir}/gradient_report.txt"),
    "report out below a file": (["report", "--out", "{file}/report.txt"], {}, "--out {file}/report.txt: {file} is a file, so nothing can be written below it"),
    "report unknown flag": (["report", "--bogus"], {}, "cs229nn report: error: unrecognized arguments: --bogus (see cs229nn report --help)"),
    "run out file": (["run", "--out", "{file}"], {}, "cs229nn run: error: --out {file} is a file; give a folder"),
    "run device": (["run", "--device", "gpu"], {}, "cs229nn run: error: --device gpu is not a device name"),
    "run root file": (["run", "--root", "{file}"], {}, "cs229nn run: error: --root {file} is a file; give a folder"),
    "soccer seed": (["soccer", "--seed", "abc"], {}, "cs229nn soccer: error: argument --seed: invalid int value: 'abc' (see cs229nn soccer --help)"),
    "soccer out file": (["soccer", "--out", "{file}"], {}, "cs229nn soccer: error: --out {file} is a file; give a folder"),
    "soccer device": (["soccer", "--device", "tpu"], {}, "cs229nn soccer: error: --device tpu is not a device name"),
    "data list missing root": (["data", "list", "--root", "{missing}"], {}, "cs229nn data: error: the datasets folder {missing} (--root '{missing}') does not exist"),
    "data verify missing root": (["data", "verify", "--root", "{missing}"], {}, "the datasets folder {missing} (--root '{missing}') does not exist"),
    "data show missing root": (["data", "show", "vowels", "--root", "{missing}"], {}, "(--root '{missing}') does not exist"),
    "data list root file": (["data", "list", "--root", "{file}"], {}, "the datasets folder {file} (--root '{file}') is a file"),
    "data env root": (["data", "list"], {"CS229NN_DATA": "{missing}"}, "cs229nn data: error: the datasets folder {missing} ($CS229NN_DATA='{missing}') does not exist"),
    "data verify unknown": (["data", "verify", "mnist"], {}, "cs229nn data: error: cs229nn.datasets: unknown dataset 'mnist'; valid datasets: vowels, portland, saratoga, windsor, soccer"),
    "data show unknown": (["data", "show", "mnist"], {}, "unknown dataset 'mnist'; valid datasets: vowels"),
    "data show out folder": (["data", "show", "vowels", "--out", "{dir}"], {}, "cs229nn data: error: --out {dir} is a folder; give a file path, e.g. {dir}/vowels.png"),
    "data show out jpg": (["data", "show", "portland", "--out", "{dir}/p.jpg"], {}, "--out {dir}/p.jpg: the preview is a PNG; give a path ending in .png"),
    "data render root file": (["data", "render", "--root", "{file}"], {}, "cs229nn data: error: --root {file} is a file; give a folder"),
    "data unknown subcommand": (["data", "frobnicate"], {}, "cs229nn data: error: argument command: invalid choice: 'frobnicate'"),
    "data no subcommand": (["data"], {}, "cs229nn data: error: the following arguments are required: command (see cs229nn data --help)"),
    "unknown command": (["train"], {}, "cs229nn: error: argument command: invalid choice: 'train' (choose from " + ", ".join(repr(c) for c in sorted(cli.COMMANDS)) + ")"),
    "no command": ([], {}, "cs229nn: error: the following arguments are required: command (see cs229nn --help)"),
}
# Run as real subprocesses as well: one per class of mistake (each starts Python and torch, ~2 s).
SUBPROCESS = [
    "device gpu", "device cuda without CUDA", "env device", "report out folder", "run out file",
    "data list missing root", "data show out folder", "unknown command",
]


@pytest.fixture(scope="module")
def places(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("cli")
    (base / "folder").mkdir()
    (base / "a_file").write_text("mine\n")
    return {"dir": str(base / "folder"), "file": str(base / "a_file"), "missing": str(base / "missing"), "base": base}


def fill(case: str, places: dict):
    argv, env, message = CASES[case].values if hasattr(CASES[case], "values") else CASES[case]
    return [a.format(**places) for a in argv], {k: v.format(**places) for k, v in env.items()}, message.format(**places)


@pytest.fixture
def no_work(monkeypatch):
    """Everything expensive fails the test if it runs: arguments must be checked before it."""

    def forbidden(*args, **kwargs):
        raise AssertionError("work started before the arguments were checked")

    for module, name in [(report, "gradient_report"), (main_job, "gradient_report"), (main_job, "run_lab"), (soccer, "run_experiment")]:
        monkeypatch.setattr(module, name, forbidden)
    for name in ("cmd_list", "cmd_verify", "cmd_render", "cmd_show"):
        monkeypatch.setattr(data_cli, name, forbidden)


@pytest.mark.parametrize("case", [c if not hasattr(v, "marks") else pytest.param(c, marks=v.marks) for c, v in CASES.items()])
def test_user_error_is_one_line_and_exit_status_2(case, places, no_work, monkeypatch, capsys):
    argv, env, message = fill(case, places)
    monkeypatch.delenv("CS229NN_DEVICE", raising=False)
    monkeypatch.delenv("CS229NN_DATA", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert cli.main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err and len(err.splitlines()) == 1, err


@pytest.fixture(scope="module")
def subprocess_results(places):
    """Start every SUBPROCESS case at once (they mostly wait on imports), then collect them."""
    running = {}
    for case in SUBPROCESS:
        if case == "device cuda without CUDA" and torch.cuda.is_available():
            continue
        argv, env, _ = fill(case, places)
        environment = {k: v for k, v in os.environ.items() if k not in ("CS229NN_DEVICE", "CS229NN_DATA")}
        environment.update(env, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1")
        running[case] = subprocess.Popen(
            [sys.executable, "-m", "cs229nn", *argv], cwd=places["base"], env=environment,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
    return {case: (process.wait(timeout=300), process.stdout.read(), process.stderr.read()) for case, process in running.items()}


@pytest.mark.parametrize("case", SUBPROCESS)
def test_the_real_command_exits_2_with_one_line(case, places, subprocess_results):
    if case not in subprocess_results:
        pytest.skip("CUDA is available here")
    _, _, message = fill(case, places)
    status, out, err = subprocess_results[case]
    assert (status, out) == (2, "") and "Traceback" not in err, err
    assert err.splitlines() == [err.strip()] and message in err, err
    assert not (places["base"] / "out").exists()  # nothing written by a refused command


def test_a_data_error_is_one_line_and_exit_status_1(tmp_path, capsys):
    """A corrupted or malformed file exits 1 (the data need repair, not the command line), without a traceback."""
    from test_bad_input_data import edit, set_cell
    from test_datasets import copy_datasets

    root = copy_datasets(tmp_path / "datasets")
    (root / "windsor" / "windsor_housing_1987.csv").write_text("price\n1\n")
    assert cli.main(["data", "verify", "windsor", "--root", str(root)]) == 1
    assert "windsor   FAILED" in capsys.readouterr().out
    assert cli.main(["data", "show", "windsor", "--root", str(root), "--out", str(tmp_path / "w.png")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cs229nn data: error: ") and "windsor_housing_1987.csv is corrupted or modified" in err and len(err.splitlines()) == 1
    path = edit(root, "portland/portland_housing_ex1data2.txt", set_cell(3, 2, ""))
    assert cli.main(["data", "show", "portland", "--root", str(root), "--out", str(tmp_path / "p.png")]) == 1
    err = capsys.readouterr().err
    assert err == f"cs229nn data: error: {path}, line 3, column 3 ('price'): expected a finite number, like the rest of the column, got an empty cell\n"
    assert not (tmp_path / "p.png").exists()
