"""``cs229nn grade --bundle autograder.zip``: the Gradescope autograder.

Gradescope unpacks the zip into ``/autograder/source``, runs ``setup.sh`` once
(as root, when the image is built) and ``run_autograder`` for every submission
(as root, with the submission in ``/autograder/submission``); the score is read
from ``/autograder/results/results.json``. The zip holds the cs229nn package,
``pyproject.toml`` (for the dependencies) and the reference solutions with their
hidden checks. The grader itself creates the unprivileged user and makes
``solutions/`` private before running student code (:mod:`cs229nn.grade.sandbox`).
"""

import os
import stat
import zipfile
from pathlib import Path

import cs229nn
from cs229nn.grade.references import reference_labs

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
SOURCE="$(cd "$(dirname "$0")" && pwd)"
apt-get update && apt-get install -y --no-install-recommends python3 python3-pip python3-venv
python3 -m pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu torch torchvision
python3 -m pip install --no-cache-dir "$SOURCE"
# The unprivileged user that runs student code (the grader would create it otherwise).
id cs229nn-student >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --user-group cs229nn-student
chmod 700 "$SOURCE/solutions"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this as root for every submission; it always leaves a results.json.
# CS229NN_AUTOGRADER_ROOT, CS229NN_PYTHON and CS229NN_GRADE_OPTIONS exist for testing the bundle elsewhere.
set -u
ROOT="${CS229NN_AUTOGRADER_ROOT:-/autograder}"
PYTHON="${CS229NN_PYTHON:-python3}"
SOURCE="$ROOT/source"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
cd "$SOURCE"
# shellcheck disable=SC2086  # the options are words
PYTHONPATH="$SOURCE" "$PYTHON" -m cs229nn grade "$ROOT/submission" --solutions "$SOURCE/solutions" --results "$RESULTS" ${CS229NN_GRADE_OPTIONS:-}
status=$?
if [ ! -s "$RESULTS" ]; then
  printf '{"score": 0, "execution_time": 0, "output": "cs229nn grade: not graded: the grader failed (exit status %s); see the autograder log", "tests": []}\\n' "$status" > "$RESULTS"
fi
exit 0
"""


def _add_tree(archive: zipfile.ZipFile, folder: Path, name: str) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            archive.write(path, f"{name}/{path.relative_to(folder).as_posix()}")


def _add_script(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.external_attr = (stat.S_IFREG | 0o755) << 16
    archive.writestr(info, text)


def build(path: Path, solutions: Path) -> Path:
    """Write the autograder zip for the labs of ``solutions`` (checked to load first)."""
    reference_labs(Path(solutions))
    package = Path(cs229nn.__file__).parent
    project = package.parent
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _add_script(archive, "setup.sh", SETUP)
        _add_script(archive, "run_autograder", RUN_AUTOGRADER)
        _add_tree(archive, package, "cs229nn")
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            if (project / name).is_file():
                archive.write(project / name, name)
        _add_tree(archive, Path(solutions), "solutions")
    return Path(path)


def unpack(path: Path, source: Path) -> None:
    """Unpack a bundle as Gradescope does (scripts keep their execute bit); for tests and dry runs."""
    with zipfile.ZipFile(path) as archive:
        archive.extractall(source)
        for info in archive.infolist():
            mode = info.external_attr >> 16
            if mode & 0o111:
                os.chmod(source / info.filename, stat.S_IMODE(mode))
