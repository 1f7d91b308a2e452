"""The project's own promises: pip and conda agree, the README opens with the two commands, CI runs them."""

import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
tomllib = pytest.importorskip("tomllib")  # Python ≥ 3.11

CONDA_NAMES = {"pytorch": "torch"}  # conda's name -> pip's name


def requirement(spec: str):
    name, bound = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", spec).groups()
    return CONDA_NAMES.get(name.lower(), name.lower()), bound.replace(" ", "")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip = dict(requirement(s) for s in project["dependencies"] + project["optional-dependencies"]["dev"])
    conda = {}
    dependencies = (ROOT / "environment.yml").read_text().split("\ndependencies:\n")[1]
    for line in dependencies.splitlines():
        match = re.match(r"^  - ([A-Za-z][^:#]*?)\s*(#.*)?$", line)
        if match and match.group(1) not in ("pip",):
            name, bound = requirement(match.group(1))
            if name != "python":
                conda[name] = bound
    assert conda == pip


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^(make \w+)", readme.split("\n## ")[0], flags=re.M)
    assert commands[:2] == ["make run", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run: ", makefile, re.M) and re.search(r"^test: ", makefile, re.M)
    assert re.search(r"^make test$", (ROOT / ".ci/run").read_text(), re.M)


def test_dependencies_are_ranges_not_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not [d for d in project["dependencies"] if "==" in d]
