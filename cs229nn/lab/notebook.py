"""Run a lab as a real notebook: jupytext turns the script into cells, a fresh ipykernel runs them.

What a student gets in Jupyter, checked the way CI checks it: the kernel starts in
the lab folder (so ``import exercises`` finds the lab's file) with the environment
given (``CS229NN_QUICK``, ``CS229NN_OUT``), and a failing cell stops the run with
that cell's source and error. jupytext, nbclient and ipykernel are development
dependencies (``pip install -e '.[dev]'``), imported only here.

``python -m cs229nn.lab.notebook solutions`` runs every reference lab in full,
one kernel each (``make labs-notebooks``; minutes); ``--quick`` for the CI size.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

from cs229nn.lab.loader import LabError, lab_folders, lab_script

KERNEL = "python3"  # ipykernel's own kernel spec: jupyter_client runs it with this interpreter


class CellError(RuntimeError):
    """A cell of a lab notebook raised: the message holds the cell's number, source and error."""


def to_notebook(script: Path):
    """The notebook jupytext reads from a percent script (cells split at ``# %%``)."""
    import jupytext

    return jupytext.read(script, fmt="py:percent")


def _describe(cell_number: int, cell, error: BaseException) -> str:
    outputs = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    error_text = f"{outputs[-1]['ename']}: {outputs[-1]['evalue']}" if outputs else str(error).strip().splitlines()[-1]
    source = "\n".join(f"    {line}" for line in cell.source.splitlines())
    return f"cell {cell_number} failed with {error_text}\n  its source:\n{source}"


def execute(script: Path, env: Optional[Dict[str, str]] = None, timeout: int = 600):
    """Run ``script`` as a notebook in a fresh kernel started in its folder; returns the executed notebook.

    Args:
        script: a lab's jupytext percent script.
        env: extra environment variables of the kernel (on top of this process's).
        timeout: seconds any one cell may take.

    Raises:
        CellError: the first cell that raised, with its source and the error.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    script = Path(script).resolve()
    notebook = to_notebook(script)
    client = NotebookClient(notebook, kernel_name=KERNEL, timeout=timeout, resources={"metadata": {"path": str(script.parent)}})
    try:
        client.execute(env={**os.environ, **(env or {})})
    except CellExecutionError as error:
        code = [c for c in notebook.cells if c.cell_type == "code"]
        failed = next((i for i, c in enumerate(code) if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        if failed is None:
            raise CellError(f"{script}: {error}") from None
        raise CellError(f"{script}: {_describe(failed + 1, code[failed], error)}") from None
    return notebook


def printed(notebook) -> str:
    """Everything the notebook's cells printed (stdout streams), in order."""
    return "".join(
        o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stdout"
    )


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cs229nn.lab.notebook", description="Run labs as notebooks in fresh Jupyter kernels.")
    parser.add_argument("folders", nargs="+", type=Path, help="lab folders, or folders of labs (solutions/, labs/)")
    parser.add_argument("--quick", action="store_true", help="quick mode (CS229NN_QUICK=1), as the tests run them")
    parser.add_argument("--out", type=Path, default=Path("out/notebooks"), help="figures and results (default out/notebooks)")
    args = parser.parse_args(argv)
    try:
        labs = [lab for folder in args.folders for lab in ([folder] if (folder / "exercises.py").is_file() else lab_folders(folder))]
        scripts = [lab_script(lab) for lab in labs]
    except LabError as error:
        print(f"cs229nn.lab.notebook: {error}", file=sys.stderr)
        return 2
    env = {"CS229NN_QUICK": "1" if args.quick else "0", "CS229NN_OUT": str(args.out.resolve())}
    failures = 0
    for number, script in enumerate(scripts, start=1):
        print(f"[{number}/{len(scripts)}] {script} in a fresh kernel ...", flush=True)
        start = time.perf_counter()
        try:
            execute(script, env)
            print(f"    ok in {time.perf_counter() - start:.1f} s", flush=True)
        except CellError as error:
            failures += 1
            print(f"    FAILED after {time.perf_counter() - start:.1f} s: {error}", flush=True)
    print(f"{len(scripts) - failures} of {len(scripts)} lab notebooks ran without error; outputs under {args.out}/")
    return 1 if failures else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
