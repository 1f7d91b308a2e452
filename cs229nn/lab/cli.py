"""``cs229nn check LAB``: the self-check from the command line."""

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from cs229nn.lab.loader import LabError, lab_number
from cs229nn.lab.runner import PASSED, format_report, run_checks


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="cs229nn check", description="Run a lab's public checks on its exercises.py and print the report.")
    parser.add_argument("lab", type=Path, help="the lab folder, e.g. labs/lab03_backprop")
    parser.add_argument("--seed", type=int, default=0, help="seed of the checks' inputs (default 0)")
    parser.add_argument("--hidden", action="store_true", help="also run hidden checks (instructors, in solutions/)")
    args = parser.parse_args(argv)
    try:
        number = lab_number(args.lab)
        results = run_checks(args.lab, seed=args.seed, hidden=args.hidden)
    except LabError as error:
        print(f"cs229nn check: {error}", file=sys.stderr)
        return 2
    which = "public and hidden" if args.hidden else "public"
    print(format_report(results, f"Lab {number}: {which} checks on {args.lab / 'exercises.py'} (seed {args.seed})"))
    return 0 if all(r.status == PASSED for r in results) else 1
