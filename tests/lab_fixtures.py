"""Running labs in tests: each lab notebook executes once per session, in a fresh kernel, in quick mode.

``run_lab_notebook(folder)`` returns a :class:`LabRun` (the executed notebook, what it
printed, its results.json); the generic notebook tests and each lab's key-result
tests share the same execution, so a lab runs once however many tests read it.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS, LABS = ROOT / "solutions", ROOT / "labs"


@dataclass
class LabRun:
    notebook: object
    printed: str
    results: Optional[dict]
    out: Path


@pytest.fixture(scope="session")
def run_lab_notebook(tmp_path_factory):
    # jupytext, nbclient and ipykernel are dev dependencies: missing, they fail the tests rather than skip them
    from cs229nn.lab.loader import lab_number, lab_script
    from cs229nn.lab.notebook import execute, printed

    done = {}

    def run(folder: Path) -> LabRun:
        folder = Path(folder)
        if folder not in done:
            out = tmp_path_factory.mktemp(f"{folder.parent.name}-{folder.name}")
            env = {"CS229NN_QUICK": "1", "CS229NN_OUT": str(out), "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1"}
            notebook = execute(lab_script(folder), env=env, timeout=300)
            results = out / f"lab{lab_number(folder):02d}" / "results.json"
            done[folder] = LabRun(notebook, printed(notebook), json.loads(results.read_text()) if results.is_file() else None, out)
        return done[folder]

    return run
