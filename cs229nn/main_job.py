"""The main job (``make run``): the gradient report, then the reference experiments.

Writes everything under ``out/`` (or ``--out``) and says where.
"""

import argparse
import time
from pathlib import Path
from typing import List, Optional

import torch

import cs229nn
from cs229nn.report import gradient_report


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="cs229nn run", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the report and figures (default: out/)")
    args = parser.parse_args(argv)
    device = cs229nn.device()
    print(f"cs229nn main job on {device}" + ("" if device.type == "cuda" else " (no CUDA: running on the CPU)"))
    args.out.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    text, ok = gradient_report(device)
    print(text)
    report_path = args.out / "gradient_report.txt"
    report_path.write_text(text + "\n", encoding="utf-8")
    print(f"\ngradient report written to {report_path} ({time.perf_counter() - start:.1f} s)")
    return 0 if ok else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
