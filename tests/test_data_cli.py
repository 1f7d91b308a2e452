"""``cs229nn data list | verify | render | show``.

The soccer set is replaced by a stand-in module that records its calls, so these
tests check the command's own logic (what it calls, with which flags, what it
prints and returns) without rendering anything.
"""

import sys
import types
from pathlib import Path

import pytest
from PIL import Image

from cs229nn import cli
from cs229nn.datasets import ChecksumError, Saratoga
from test_datasets import UPSTREAM_SHA256, copy_datasets


def main(argv):
    """``cs229nn data ARGV`` through the real entry point, which turns usage errors into exit status 2."""
    return cli.main(["data", *argv])


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_datasets(tmp_path / "datasets")


@pytest.fixture
def soccer(monkeypatch):
    """A stand-in for cs229nn.datasets.soccer: records calls, renders nothing."""
    fake = types.ModuleType("cs229nn.datasets.soccer")
    fake.SPLITS = {"train": 2000, "test": 500, "shifted": 500}
    fake.calls = []
    fake.verify_error = None
    fake.render_error = None

    def render_soccer(root=None, *, force=False, progress=True):
        fake.calls.append(("render", root, force, progress))
        if fake.render_error:
            raise fake.render_error
        return Path(root) / "soccer"

    def verify_soccer(root=None):
        fake.calls.append(("verify", root))
        if fake.verify_error:
            raise fake.verify_error

    def preview_soccer(root=None, path=None):
        fake.calls.append(("preview", root, path))
        return Path(path)

    fake.render_soccer, fake.verify_soccer, fake.preview_soccer = render_soccer, verify_soccer, preview_soccer
    monkeypatch.setitem(sys.modules, "cs229nn.datasets.soccer", fake)
    return fake


def files_under(folder: Path):
    return sorted(p.relative_to(folder) for p in folder.rglob("*"))


def test_list_shows_sizes_and_provenance_and_renders_nothing(root, soccer, capsys):
    before = files_under(root)
    assert main(["list", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    for name, size in (("vowels", "1520 tokens"), ("portland", "47 houses"), ("saratoga", "1728 houses"), ("windsor", "546 houses")):
        assert f"{name}" in out and size in out
    for relpath in UPSTREAM_SHA256:
        assert str(root / Path(relpath).parent / "PROVENANCE.md") in out
    assert "2000/500/500 images (train/test/shifted)" in out and "not rendered yet: run `cs229nn data render`" in out
    assert files_under(root) == before and soccer.calls == []


def test_verify_passes_and_says_how_to_render_the_soccer_set(root, soccer, capsys):
    assert main(["verify", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    for name in ("vowels", "portland", "saratoga", "windsor"):
        assert f"{name:9} ok" in out
    assert "soccer    not rendered yet, nothing to verify; render it with: cs229nn data render" in out
    assert soccer.calls == []  # nothing rendered, nothing verified that is not there


def test_verify_fails_on_a_corrupted_file_and_names_it(root, soccer, capsys):
    path = root / Saratoga.RELPATH
    path.write_bytes(path.read_bytes() + b"\n")
    assert main(["verify", "saratoga", "vowels", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "saratoga  FAILED" in out and str(path) in out and UPSTREAM_SHA256[Saratoga.RELPATH] in out
    assert "restore it with: cp " in out and "vowels    ok" in out


def test_verify_checks_a_rendered_soccer_set(root, soccer, capsys):
    (root / "soccer").mkdir()
    assert main(["verify", "soccer", "--root", str(root)]) == 0
    soccer.verify_error = ChecksumError("soccer/train/1/00001.png is corrupted")
    assert main(["verify", "soccer", "--root", str(root)]) == 1
    assert "soccer    FAILED: soccer/train/1/00001.png is corrupted" in capsys.readouterr().out
    assert soccer.calls == [("verify", root), ("verify", root)]


def test_verify_unknown_name_lists_the_valid_ones(root, capsys):
    assert main(["verify", "mnist", "--root", str(root)]) == 2
    assert "unknown dataset 'mnist'; valid datasets: vowels, portland, saratoga, windsor, soccer" in capsys.readouterr().err


def test_render_overwrites_only_with_force(root, soccer, capsys):
    assert main(["render", "--root", str(root), "--quiet"]) == 0
    assert main(["render", "--root", str(root), "--force"]) == 0
    assert soccer.calls == [("render", root, False, False), ("render", root, True, True)]
    soccer.render_error = FileExistsError("soccer/train/1/00001.png was modified; pass --force to overwrite it")
    assert main(["render", "--root", str(root)]) == 1
    assert "pass --force" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["vowels", "portland"])
def test_show_prints_the_splits_and_writes_a_png(root, tmp_path, name, capsys):
    out = tmp_path / "previews" / f"{name}.png"
    assert main(["show", name, "--root", str(root), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Split: train" in text and "Split: test" in text and f"preview written to {out}" in text
    with Image.open(out) as image:
        assert image.format == "PNG" and min(image.size) >= 200


def test_show_soccer_calls_its_preview(root, tmp_path, soccer):
    out = tmp_path / "soccer.png"
    assert main(["show", "soccer", "--root", str(root), "--out", str(out)]) == 0
    assert soccer.calls == [("preview", root, out)]


def test_show_unknown_name_and_a_corrupted_file(root, capsys):
    assert main(["show", "mnist"]) == 2
    assert "unknown dataset 'mnist'; valid datasets: vowels" in capsys.readouterr().err
    (root / Saratoga.RELPATH).unlink()
    assert main(["show", "saratoga", "--root", str(root)]) == 1
    assert "saratoga_houses_2006.csv is missing" in capsys.readouterr().err


def test_wired_into_the_cs229nn_command(root, soccer, capsys, monkeypatch):
    monkeypatch.setenv("CS229NN_DATA", str(root))
    assert cli.main(["data", "list"]) == 0
    assert str(root / "vowels" / "PROVENANCE.md") in capsys.readouterr().out
