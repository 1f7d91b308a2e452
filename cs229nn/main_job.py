"""The main job (``make run``): the gradient report, then every reference lab end to end.

1. the manual-vs-autograd-vs-numeric gradient report of every layer and loss;
2. each lab of ``solutions/`` as its own process (``python labNN_name.py`` in the
   lab's folder), its output streaming through, so progress is visible throughout;
3. a table: lab, its key result (from its ``results.json``), time, device, also
   written to ``out/summary.md``.

Runs on CUDA if present, else the CPU (``--device`` or ``$CS229NN_DEVICE`` overrides;
the labs inherit it), and writes everything under ``out/`` (or ``--out``), saying where.
"""

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from cs229nn.lab.loader import LabError, lab_folders, lab_number, lab_script
from cs229nn.report import gradient_report
from cs229nn.usage import ArgumentParser, UsageError, device_option, output_folder

PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # the checkout holding cs229nn/ and solutions/
BUDGET_S = 45  # seconds a lab may take on 2 CPU cores (docs/labs.md)
TIMEOUT_S = 600  # a lab still running after this is stopped: the job goes on with the next


@dataclass
class LabRun:
    """How one lab went: its folder, its key result (or why there is none), seconds, device."""

    folder: Path
    ok: bool
    summary: str
    seconds: float
    device: str


def run_lab(folder: Path, out: Path, env: dict, timeout: float = TIMEOUT_S) -> LabRun:
    """Run one reference lab as a script in its folder; its output goes straight to ours."""
    number = lab_number(folder)
    results = out / f"lab{number:02d}" / "results.json"
    results.unlink(missing_ok=True)  # a stale file from an earlier run must not pass for this one
    start = time.perf_counter()
    try:
        code = subprocess.call([sys.executable, lab_script(folder).name], cwd=folder, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:  # call() has killed it
        return LabRun(folder, False, f"FAILED: stopped after {timeout:.0f} s", time.perf_counter() - start, "-")
    seconds = time.perf_counter() - start
    if code != 0:
        return LabRun(folder, False, f"FAILED: exit status {code} (its output is above)", seconds, "-")
    if not results.is_file():
        return LabRun(folder, False, f"FAILED: wrote no {results} (record_results missing?)", seconds, "-")
    recorded = json.loads(results.read_text(encoding="utf-8"))
    return LabRun(folder, True, str(recorded.get("summary", "")), seconds, str(recorded.get("device", "-")))


def lab_env(out: Path, quick: bool, root: Optional[Path], device: Optional[str] = None) -> dict:
    """The labs' environment: ours, plus where to write, quick mode, the data and this cs229nn."""
    env = dict(os.environ)
    env["CS229NN_OUT"] = str(out.resolve())
    env["CS229NN_QUICK"] = "1" if quick else "0"
    if device is not None:
        env["CS229NN_DEVICE"] = device
    env["MPLBACKEND"] = "Agg"
    env["PYTHONUNBUFFERED"] = "1"  # progress shows as it happens, also when our output is a pipe (CI logs, tee)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PACKAGE_ROOT), env.get("PYTHONPATH", "")) if p)
    if root is not None:
        env["CS229NN_DATA"] = str(root.resolve())
    return env


def table(runs: List[LabRun]) -> str:
    """The summary as a Markdown table (readable as plain text too)."""
    lines = ["| lab | key result | time | device |", "|---|---|---:|---|"]
    for run in runs:
        slow = f" (over {BUDGET_S} s)" if run.seconds > BUDGET_S else ""
        lines.append(f"| {run.folder.name} | {run.summary} | {run.seconds:.1f} s{slow} | {run.device} |")
    return "\n".join(lines)


def select(solutions: Path, wanted: Optional[str]) -> List[Path]:
    """The lab folders to run: all, or those whose numbers are in ``wanted`` ("1,3")."""
    folders = lab_folders(solutions)
    if not wanted:
        return folders
    try:
        numbers = {int(n) for n in wanted.split(",")}
    except ValueError:
        raise LabError(f"--labs takes lab numbers separated by commas, like 1,3; got {wanted!r}") from None
    missing = numbers - {lab_number(f) for f in folders}
    if missing:
        raise LabError(f"--labs: no lab {sorted(missing)} in {solutions}")
    return [f for f in folders if lab_number(f) in numbers]


def main(argv: Optional[List[str]] = None) -> int:
    parser = ArgumentParser(prog="cs229nn run", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the report, the labs' figures and the summary (default: out/)")
    parser.add_argument("--root", type=Path, default=None, help="datasets folder (default: $CS229NN_DATA or datasets/)")
    parser.add_argument("--device", help="cpu, cuda, cuda:1 … (default: $CS229NN_DEVICE, else CUDA if available)")
    parser.add_argument("--solutions", type=Path, default=PACKAGE_ROOT / "solutions", help="the reference labs (default: the checkout's solutions/)")
    parser.add_argument("--labs", default=None, help="only these labs, by number: --labs 1,3 (default: all)")
    parser.add_argument("--quick", action="store_true", help="the labs' quick mode (CS229NN_QUICK=1): seconds each, as the tests run them")
    args = parser.parse_args(argv)
    # Every argument is checked before the first minute of work.
    device = device_option(args.device)
    out = output_folder(args.out)
    root = output_folder(args.root, "--root") if args.root is not None else None  # the soccer set may be rendered there
    try:
        folders = select(args.solutions, args.labs)
        for folder in folders:
            lab_script(folder)  # refuse a malformed lab before spending minutes
    except LabError as error:
        raise UsageError(str(error)) from None
    print(f"cs229nn main job on {device}" + ("" if device.type == "cuda" else " (no CUDA: running on the CPU)"), flush=True)
    out.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    print("\n== 1. gradient report ==", flush=True)
    text, ok = gradient_report(device)
    print(text)
    report_path = out / "gradient_report.txt"
    report_path.write_text(text + "\n", encoding="utf-8")
    print(f"gradient report written to {report_path}", flush=True)

    env = lab_env(out, args.quick, root, str(device))
    runs = []
    for i, folder in enumerate(folders, start=1):
        print(f"\n== 2.{i} of {len(folders)}: {folder.name} ({'quick' if args.quick else 'full'}) ==", flush=True)
        runs.append(run_lab(folder, out, env))
        print(f"-- {folder.name}: {'done' if runs[-1].ok else 'FAILED'} in {runs[-1].seconds:.1f} s", flush=True)

    summary = table(runs)
    summary_path = out / "summary.md"
    summary_path.write_text(f"gradient report: {'all checks passed' if ok else 'FAILURES'}\n\n{summary}\n", encoding="utf-8")
    print(f"\n== 3. summary ==\ngradient report: {'all checks passed' if ok else 'FAILURES (see above)'}\n{summary}")
    print(f"\ndone in {time.perf_counter() - start:.0f} s; report, figures and {summary_path.name} are in {out.resolve()}/")
    return 0 if ok and all(r.ok for r in runs) else 1


if __name__ == "__main__":  # pragma: no cover
    from cs229nn.cli import main as cli_main

    raise SystemExit(cli_main(["run", *sys.argv[1:]]))
