"""The main job (``make run``): the gradient report, then the reference experiments.

1. the manual-vs-autograd-vs-numeric gradient report of every layer and loss;
2. the soccer-ball experiment of Ng §3.3.2 (logistic regression vs a conv net,
   both with hand-written backward passes), rendering the images on first use.

Runs on CUDA if present, else the CPU (``$CS229NN_DEVICE`` overrides), and writes
everything under ``out/`` (or ``--out``), saying where. The labs join this job when
they exist.
"""

import argparse
import time
from pathlib import Path
from typing import List, Optional

import cs229nn
from cs229nn.experiments.soccer import FULL, run_experiment
from cs229nn.report import gradient_report


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="cs229nn run", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the report and figures (default: out/)")
    parser.add_argument("--root", type=Path, default=None, help="datasets folder (default: $CS229NN_DATA or datasets/)")
    args = parser.parse_args(argv)
    device = cs229nn.device()
    print(f"cs229nn main job on {device}" + ("" if device.type == "cuda" else " (no CUDA: running on the CPU)"))
    args.out.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    print("\n== 1. gradient report ==")
    text, ok = gradient_report(device)
    print(text)
    report_path = args.out / "gradient_report.txt"
    report_path.write_text(text + "\n", encoding="utf-8")
    print(f"gradient report written to {report_path}")

    print("\n== 2. parameter sharing: soccer balls (Ng §3.3.2) ==")
    results = run_experiment(FULL, root=args.root, out_dir=args.out / "soccer", device=device)
    summary = results.summary()
    print(summary)
    (args.out / "soccer" / "results.txt").write_text(summary + "\n", encoding="utf-8")

    print(f"\ndone in {time.perf_counter() - start:.0f} s; report and figures are in {args.out.resolve()}/")
    return 0 if ok else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
