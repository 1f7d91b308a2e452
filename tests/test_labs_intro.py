"""Key results of labs 1–3, from one quick-mode run of each reference notebook (shared with test_notebooks.py)."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from cs229nn.datasets import Portland

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"


def test_lab01_kink_is_where_the_least_squares_line_reaches_zero(run_lab_notebook):
    """The neuron is active on every Portland house, so its kink is the zero of the least-squares line.

    Kills: a kink reported in standardized units, or mapped back with the wrong sign or scale.
    """
    results = run_lab_notebook(SOLUTIONS / "lab01_neuron").results
    houses = Portland(features="livingArea", split="all")
    slope, intercept = np.polyfit(houses.data[:, 0].double().numpy(), houses.targets[:, 0].double().numpy() / 1000, 1)
    assert results["kink_sqft"] == pytest.approx(-intercept / slope, abs=1.0)
    assert results["kink_sqft"] < results["smallest_house_sqft"] == 852
    assert "left of the smallest house" in results["summary"]


def test_lab01_plot_shows_the_kink(run_lab_notebook):
    run = run_lab_notebook(SOLUTIONS / "lab01_neuron")
    assert (run.out / "lab01" / "kink.png").stat().st_size > 10_000
    assert "kink at -530 sq ft: left of the data" in run.printed


def test_lab02_prints_the_measured_speed_ratio_and_counts_3d_plus_14(run_lab_notebook):
    run = run_lab_notebook(SOLUTIONS / "lab02_vectorization")
    assert run.results["speedup"] > 5, "the vectorized forward should beat a Python loop over 1297 houses by far"
    assert f"vectorized is {run.results['speedup']:.0f}x faster" in run.printed
    assert run.results["parameters_d_3_2_1"] == 3 * 4 + 14
    assert run.results["test_rmse_dollars"] < 80_000  # the spread of prices is about $100k
    assert "sizes [12288, 3, 2, 1]: yours 36878" in run.printed


def test_lab03_every_gradient_report_passes(run_lab_notebook):
    results = run_lab_notebook(SOLUTIONS / "lab03_backprop").results
    assert results["reports_total"] >= 6 and results["reports_passed"] == results["reports_total"]
    assert results["checks_passed"] == results["checks_total"] == 9
    assert results["final_loss"] < 0.1  # y = sin(3x) + noise; J starts near 0.4


MUTANTS = [
    # (lab, original, mutant, check that must fail, words in its message)
    ("lab01_neuron", "return (delta * x).sum(), delta.sum()", "return delta.sum(), (delta * x).sum()", "lab01.neuron_gradients.autograd", "(∂J/∂w, ∂J/∂b) are swapped"),
    ("lab01_neuron", "return mean - std * b / w", "return -b / w", "lab01.kink_in_original_units.values", "the kink's x wrong"),
    ("lab01_neuron", "(z > 0).to(x.dtype)", "1", "lab01.neuron_gradients.dead_neuron", "wrong"),
    ("lab02_vectorization", "m_in * m_out + m_out for", "m_in * m_out for", "lab02.parameter_count.three_two_one", "check the weights and the biases"),
    ("lab02_vectorization", "return W2 @ torch.clamp(Z1, min=0) + b2[:, None]", "return (W2 @ torch.clamp(Z1, min=0) + b2[:, None]).T", "lab02.forward_columns.values", "transpose of the right value"),
    ("lab03_backprop", "return delta @ W, delta.T @ a, delta.sum(0)", "return delta @ W, a.T @ delta, delta.sum(0)", "lab03.LinearFunction.backward", "transpose of the right gradient"),
    ("lab03_backprop", "return delta @ W, delta.T @ a, delta.sum(0)", "return delta @ W, delta.T @ a, delta", "lab03.LinearFunction.backward", "∂J/∂b has shape (5, 4) = (n, m); it must be (m,) = (4,): sum δ over the examples"),
    ("lab03_backprop", "return delta * a * (1 - a)", "return a * (1 - a)", "lab03.SigmoidFunction.backward", "∂J/∂z wrong"),
    ("lab03_backprop", "return upstream * (o - y) / o.shape[0], None", "return upstream * (o - y), None", "lab03.SquaredLossFunction.backward", "n = 6 times"),
    (
        "lab03_backprop",
        "return (torch.log1p(torch.exp(-z.abs())) + z.clamp(min=0) - y * z).sum() / z.shape[0]",
        "return -(y * torch.log(1 / (1 + torch.exp(-z))) + (1 - y) * torch.log(1 - 1 / (1 + torch.exp(-z)))).sum() / z.shape[0]",
        "lab03.LogisticLossFunction.large_logits",
        "nan or inf",
    ),
]


@pytest.mark.parametrize("lab, original, mutant, check, words", MUTANTS, ids=[f"{m[0]}:{m[3]}" for m in MUTANTS])
def test_checks_catch_a_typical_mistake(tmp_path, lab, original, mutant, check, words):
    """Each public or hidden check named here fails, with a useful diagnosis, on a plausible student mistake."""
    from cs229nn.lab import run_checks

    folder = tmp_path / lab
    shutil.copytree(SOLUTIONS / lab, folder, ignore=shutil.ignore_patterns("__pycache__"))
    source = (folder / "exercises.py").read_text()
    assert source.count(original) == 1, f"the mutation's original line is gone from {lab}/exercises.py"
    (folder / "exercises.py").write_text(source.replace(original, mutant))
    result = {r.name: r for r in run_checks(folder, seed=3, hidden=True)}[check]
    assert result.status in ("failed", "error") and words in result.message, result.message
