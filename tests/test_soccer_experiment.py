"""The soccer-ball experiment (Ng §3.3.2): parameter sharing finds the ball where logistic regression cannot."""

import dataclasses

import pytest
import torch

import cs229nn.experiments.soccer as soccer
from cs229nn.experiments.soccer import QUICK, SoccerSplit, accuracy_by_position, logistic_regression, run_experiment, soccer_convnet
from cs229nn.nn.module import TwinModule
from cs229nn.parameters import count_parameters

# The expectations. "Does well" and "a few points" are fixed here, before seeing any result.
DOES_WELL = 0.80  # accuracy on test for both models
FEW_POINTS = 0.05  # the conv net's |test − shifted|
DROP = 0.15  # logistic regression's test − shifted, at least


def test_parameter_sharing_finds_the_ball_where_logistic_regression_cannot(soccer_root, tmp_path):
    results = run_experiment(QUICK, root=soccer_root, out_dir=tmp_path, device="cpu", progress=False)
    logistic, conv = results.logistic, results.conv
    report = results.summary()
    assert logistic.accuracy("test") >= DOES_WELL, report
    assert conv.accuracy("test") >= DOES_WELL, report
    assert abs(conv.drop) <= FEW_POINTS, report
    assert logistic.drop >= DROP, report
    for name in ("filters", "logistic_weights", "position_accuracy"):
        path = results.figures[name]
        assert path.parent == tmp_path and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_models_are_manual_and_share_parameters_as_counted():
    logistic, conv = logistic_regression(), soccer_convnet((8, 16))
    for model in (logistic, conv):
        twins = [m for m in model.modules() if isinstance(m, TwinModule)]
        assert twins and all(m.mode == "manual" for m in twins)
    assert count_parameters(logistic) == 64 * 64 * 3 + 1
    # conv 4×4×3 → 8, conv 3×3×8 → 16, linear 16 → 1: a tenth of one logistic unit
    assert count_parameters(conv) == (4 * 4 * 3 + 1) * 8 + (3 * 3 * 8 + 1) * 16 + 16 + 1
    assert conv(torch.zeros(2, 3, 64, 64)).shape == (2, 1)


def test_accuracy_by_position_bins_ball_centres():
    centers = torch.tensor([[1.0, 1.0], [3.0, 2.0], [60.0, 1.0], [float("nan"), float("nan")], [63.9, 63.9]])
    correct = torch.tensor([[True], [False], [True], [False], [True]])
    accuracy, count = accuracy_by_position(correct, centers, bins=2)
    # [row = y cell, column = x cell]; the image without a ball counts nowhere
    assert count.tolist() == [[2.0, 1.0], [0.0, 1.0]]
    assert accuracy[0, 0] == 0.5 and accuracy[0, 1] == 1.0 and accuracy[1, 1] == 1.0
    assert torch.isnan(accuracy[1, 0])


def test_main_runs_end_to_end_and_prints_the_table(monkeypatch, tmp_path, capsys):
    """The CLI on a tiny synthetic stand-in for the data (the real run is the test above)."""
    generator = torch.Generator().manual_seed(0)

    def tiny_splits(root=None):
        n = 6
        centers = torch.full((n, 2), float("nan"))
        centers[1::2] = torch.tensor([[20.0, 30.0], [45.0, 40.0], [12.0, 12.0]])
        labels = (torch.arange(n) % 2).float().unsqueeze(1)
        return {s: SoccerSplit(torch.rand(n, 3, 64, 64, generator=generator), labels, centers) for s in soccer.SPLITS}

    monkeypatch.setattr(soccer, "load_splits", tiny_splits)
    monkeypatch.setattr(soccer, "QUICK", dataclasses.replace(QUICK, epochs_logistic=1, epochs_conv=1))
    assert soccer.main(["--quick", "--out", str(tmp_path), "--device", "cpu", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "logistic regression" in out and "conv net" in out and "12,289" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["filters.png", "logistic_weights.png", "position_accuracy.png"]


def test_main_help(capsys):
    with pytest.raises(SystemExit) as info:
        soccer.main(["--help"])
    assert info.value.code == 0 and "Ng §3.3.2" in capsys.readouterr().out
