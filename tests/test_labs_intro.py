"""Key results of labs 1–3, from one quick-mode run of each reference notebook (shared with test_notebooks.py)."""

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
