"""The two entry points a student runs first: `cs229nn report` and the main job (`make run`)."""

import cs229nn.main_job as main_job
from cs229nn.cli import main as cli
from cs229nn.experiments.soccer import QUICK


def test_report_command_prints_and_writes_the_report(tmp_path, capsys):
    out = tmp_path / "report.txt"
    assert cli(["report", "--device", "cpu", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "24 of 24 checks passed." in printed and "on cpu" in printed
    assert out.read_text().startswith("cs229nn gradient report")


def test_main_job_writes_report_and_figures(soccer_root, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(main_job, "FULL", QUICK)  # the full run is `make run`; the same code, fewer epochs
    monkeypatch.setenv("CS229NN_DEVICE", "cpu")
    assert main_job.main(["--out", str(tmp_path), "--root", str(soccer_root)]) == 0
    printed = capsys.readouterr().out
    assert "running on the CPU" in printed and "conv net" in printed
    for name in ("gradient_report.txt", "soccer/results.txt", "soccer/filters.png", "soccer/position_accuracy.png"):
        assert (tmp_path / name).is_file(), name
