"""Labs 4–6 (deep backprop, initialization, optimization): the labs run and their checks grade.

For each lab: the reference runs top to bottom in quick mode and records its key
results; the student version runs too, every check saying "not implemented";
the reference passes every public and hidden check; and each exercise's public
check fails when the exercise is broken in a typical way (the mutations below).
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Callable, Dict, Tuple

import pytest
import torch

from cs229nn.lab import run_checks
from cs229nn.lab.loader import load_exercises
from cs229nn.lab.runner import FAILED, NOT_IMPLEMENTED, PASSED

ROOT = Path(__file__).resolve().parents[1]
LABS = {4: "lab04_deep_backprop", 5: "lab05_initialization", 6: "lab06_optimization"}


def run_script(folder: Path, out: Path) -> dict:
    """Run ``folder``'s lab script in quick mode in a fresh interpreter; its results.json."""
    env = {**os.environ, "CS229NN_QUICK": "1", "CS229NN_OUT": str(out), "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, f"{folder.name}.py"], cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{folder.name}.py failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return json.loads((out / f"lab{int(folder.name[3:5]):02d}" / "results.json").read_text())


@pytest.fixture
def lab_run(request, tmp_path) -> Callable[[Path], Tuple[dict, Path]]:
    """(results.json, figure folder) of a lab run in quick mode.

    Where the suite has the shared notebook run (``run_lab_notebook`` of tests/lab_fixtures.py,
    with nbclient installed), that one execution per lab serves these tests too; otherwise the
    script runs here in a subprocess.
    """
    try:
        notebook = request.getfixturevalue("run_lab_notebook")
    except (pytest.FixtureLookupError, pytest.skip.Exception):
        notebook = None

    def run(folder: Path) -> Tuple[dict, Path]:
        number = int(folder.name[3:5])
        if notebook is not None:
            done = notebook(folder)
            return done.results, done.out / f"lab{number:02d}"
        return run_script(folder, tmp_path), tmp_path / f"lab{number:02d}"

    return run


def test_lab04_results(lab_run):
    """Every δ^[k] matches autograd; the backward pass costs (2r − 1)/r forward passes; GD with the gradients descends."""
    results, figures = lab_run(ROOT / "solutions" / LABS[4])
    assert results["max_delta_rel_error"] < 1e-10
    assert results["max_grad_rel_error"] < 1e-10
    for r, ratio in zip(results["flop_depths"], results["flop_ratios"]):
        assert ratio == pytest.approx((2 * r - 1) / r)
    assert 1.8 < results["flop_ratio"] < 2.0
    assert results["final_loss"] < 0.7 * results["initial_loss"]
    assert {"deltas.png", "training.png", "flops.png"} <= {p.name for p in figures.iterdir()}


def test_lab05_results(lab_run):
    """Constant and zero initializations keep the hidden units identical; Xavier/He keep the activations' scale."""
    results, _ = lab_run(ROOT / "solutions" / LABS[5])
    assert results["symmetry_broken"] == {"zeros": False, "constant 0.5": False, "Xavier": True}
    assert max(results["hidden_spread_after"]["constant 0.5"]) < 1e-4  # relative to ‖W‖: identical up to rounding
    assert min(results["hidden_spread_after"]["Xavier"]) > 0.1
    std = results["last_layer_std"]
    assert 0.3 < std["relu He"] < 3.0          # flat through depth 8
    assert std["relu N(0, 1)"] > 1e4           # explodes, about √(n/2) per layer
    assert std["relu N(0, 0.01²)"] < 1e-4      # vanishes
    assert std["tanh N(0, 1)"] > 0.9           # saturated at ±1
    assert std["tanh Xavier"] > 0.1
    losses = results["final_train_loss"]
    assert losses["Xavier"] < losses["N(0, 0.01²)"] - 0.5


def test_lab06_results(lab_run):
    """Ng's momentum is torch's SGD(lr=α(1 − β), momentum=β); every method descends; L2 shrinks W and the train/test gap."""
    results, _ = lab_run(ROOT / "solutions" / LABS[6])
    assert results["momentum_torch_gap"] < 1e-12
    assert sum(results["sampler_counts"]) == 2000 * 5
    for name, final in results["final_losses"].items():
        assert final < 0.5 * results["initial_loss"], name
    l2 = results["l2"]
    assert l2["0.03"]["weight_norm"] < 0.8 * l2["0.0"]["weight_norm"]
    assert l2["0.03"]["train"] > l2["0.0"]["train"]       # the price: a worse fit of the 40 houses
    assert l2["0.03"]["test"] < l2["0.0"]["test"]         # the gain: a better fit of the others
    assert results["gap_with_l2"] < results["gap_without_l2"]


@pytest.mark.parametrize("number", sorted(LABS))
def test_student_version_runs_and_every_check_is_todo(number, lab_run):
    """The generated lab runs top to bottom with every exercise a stub, and every public check says "not implemented"."""
    folder = ROOT / "labs" / LABS[number]
    results, _ = lab_run(folder)
    assert results["summary"] == "exercises not implemented yet"
    statuses = {r.name: r.status for r in run_checks(folder)}
    assert statuses and set(statuses.values()) == {NOT_IMPLEMENTED}, statuses


@pytest.mark.parametrize("number", sorted(LABS))
def test_reference_passes_every_check(number):
    results = run_checks(ROOT / "solutions" / LABS[number], seed=1, hidden=True)
    assert [r for r in results if r.status != PASSED] == []
    assert any(r.hidden for r in results)


@pytest.mark.parametrize("number", sorted(LABS))
def test_every_exercise_has_a_public_check(number):
    """Each exercise of the reference is named by at least one public check (which the stub fails, above)."""
    exercises = load_exercises(ROOT / "solutions" / LABS[number])
    declared = {
        f"lab{number:02d}.{name}"
        for name, obj in vars(exercises).items()
        if callable(obj) and (getattr(obj, "__doc__", None) or "").startswith("Exercise ")
    }
    checked = {r.exercise for r in run_checks(ROOT / "labs" / LABS[number])}
    assert declared and declared == checked


def mutant(number: int, **replacements: Callable) -> ModuleType:
    """The reference exercises of lab ``number`` with some functions replaced by broken ones."""
    module = load_exercises(ROOT / "solutions" / LABS[number])
    for name, function in replacements.items():
        setattr(module, name, function)
    return module


MUTANTS: Dict[str, tuple] = {
    # mutation: (lab, the public check that must fail, {exercise name: broken version})
    "forward without ReLU": (4, "lab04.forward_pass.values", dict(forward_pass=lambda x, W, b: _forward(x, W, b, relu=False))),
    "δ^[r] without the 1/n of the mean": (4, "lab04.output_delta.values", dict(output_delta=lambda z, y: z - y)),
    "δ recursion without ReLU′": (4, "lab04.backward_deltas.values", dict(backward_deltas=lambda zs, W, d: _deltas(zs, W, d, mask=False))),
    "∂J/∂W^[k] transposed": (4, "lab04.parameter_gradients.values", dict(
        parameter_gradients=lambda acts, ds: [g for a, d in zip(acts, ds) for g in (a.T @ d, d.sum(0))])),
    "∂J/∂b^[k] averaged instead of summed": (4, "lab04.parameter_gradients.values", dict(
        parameter_gradients=lambda acts, ds: [g for a, d in zip(acts, ds) for g in (d.T @ a, d.mean(0))])),
    # lab 5
    "spread as a mean, not a max": (5, "lab05.unit_spread.random", dict(unit_spread=lambda W: torch.cdist(W, W).mean())),
    "spread without the square root": (5, "lab05.unit_spread.random", dict(unit_spread=lambda W: (torch.cdist(W, W) ** 2).max())),
    "Xavier's variance used as the std": (5, "lab05.xavier_normal.statistics", dict(
        xavier_normal=lambda fi, fo, g=None, dtype=torch.float32: 2.0 / (fi + fo) * torch.randn(fo, fi, generator=g, dtype=dtype))),
    "Xavier with 1 / fan_in": (5, "lab05.xavier_normal.statistics", dict(
        xavier_normal=lambda fi, fo, g=None, dtype=torch.float32: fi**-0.5 * torch.randn(fo, fi, generator=g, dtype=dtype))),
    "Xavier transposed": (5, "lab05.xavier_normal.statistics", dict(
        xavier_normal=lambda fi, fo, g=None, dtype=torch.float32: (2.0 / (fi + fo)) ** 0.5 * torch.randn(fi, fo, generator=g, dtype=dtype))),
    "He with Xavier's variance": (5, "lab05.he_normal.statistics", dict(
        he_normal=lambda fi, fo, g=None, dtype=torch.float32: (2.0 / (fi + fo)) ** 0.5 * torch.randn(fo, fi, generator=g, dtype=dtype))),
    "He drawn uniformly with the right variance": (5, "lab05.he_normal.normal", dict(  # hidden: E[w⁴]/Var(w)² = 1.8, not 3
        he_normal=lambda fi, fo, g=None, dtype=torch.float32: (6.0 / fi) ** 0.5 * (2 * torch.rand(fo, fi, generator=g, dtype=dtype) - 1))),
    "spread of the columns (inputs) instead of the rows (units)": (5, "lab05.unit_spread.random", dict(
        unit_spread=lambda W: torch.cdist(W.T, W.T).max())),
    # lab 6
    "λ added to W instead of multiplying it": (6, "lab06.sgd_step.values", dict(sgd_step=lambda W, g, lr, lam: W - lr * g - lam)),
    "L2 step without α on λW": (6, "lab06.sgd_step.values", dict(sgd_step=lambda W, g, lr, lam: (1 - lam) * W - lr * g)),
    "torch's momentum (no 1 − β)": (6, "lab06.momentum_step.values", dict(
        momentum_step=lambda W, v, g, lr, beta: (W - lr * (beta * v + g), beta * v + g))),
    "momentum stepping with the old velocity": (6, "lab06.momentum_step.values", dict(
        momentum_step=lambda W, v, g, lr, beta: (W - lr * v, beta * v + (1 - beta) * g))),
    "sampler with replacement": (6, "lab06.sample_minibatches.uniform", dict(
        sample_minibatches=lambda n, B, T, generator=None: torch.randint(n, (T, B), generator=generator))),
    "sampler of consecutive blocks": (6, "lab06.sample_minibatches.uniform", dict(
        sample_minibatches=lambda n, B, T, generator=None: (torch.randint(n, (T, 1), generator=generator) + torch.arange(B)) % n)),
    "sampler that repeats one batch": (6, "lab06.sample_minibatches.uniform", dict(
        sample_minibatches=lambda n, B, T, generator=None: torch.randperm(n, generator=generator)[:B].repeat(T, 1))),
}


def _forward(x, weights, biases, relu=True):
    zs, activations = [], [x]
    for k, (W, b) in enumerate(zip(weights, biases), start=1):
        zs.append(activations[-1] @ W.T + b)
        activations.append(zs[-1].clamp(min=0) if relu and k < len(weights) else zs[-1])
    return zs, activations


def _deltas(zs, weights, delta_r, mask=True):
    deltas = [delta_r]
    for k in range(len(weights) - 1, 0, -1):
        deltas.insert(0, (deltas[0] @ weights[k]) * ((zs[k - 1] > 0).double() if mask else 1.0))
    return deltas


@pytest.mark.parametrize("mutation", sorted(MUTANTS))
def test_check_catches(mutation):
    """The named check (public unless noted) fails on a typical mistake, with a message, not a crash."""
    number, check, replacements = MUTANTS[mutation]
    results = {r.name: r for r in run_checks(ROOT / "solutions" / LABS[number], seed=2, hidden=True, exercises=mutant(number, **replacements))}
    assert results[check].status == FAILED, results[check]
