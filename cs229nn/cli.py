"""The ``cs229nn`` command (also ``python -m cs229nn``).

Subcommands are looked up lazily so that ``cs229nn --help`` stays fast.
"""

import argparse
import importlib
import sys
from typing import List, Optional

# subcommand -> (module with a main(argv) function, one-line help)
COMMANDS = {
    "run": ("cs229nn.main_job", "the main job: gradient report, then the soccer-ball experiment (later: the reference labs)"),
    "report": ("cs229nn.report", "manual vs autograd vs numeric gradients for every layer, loss and an MLP"),
    "data": ("cs229nn.datasets.cli", "list, verify, render and preview the datasets"),
    "assign": ("cs229nn.lab.assign", "write the student labs (labs/) from the reference solutions (solutions/)"),
    "check": ("cs229nn.lab.cli", "run a lab's public checks on its exercises.py: the self-check"),
    "grade": ("cs229nn.grade.cli", "grade a submission in isolated child processes; Gradescope results.json and autograder bundle"),
    "grade-all": ("cs229nn.grade.batch", "grade a folder of submissions in parallel: gradebook CSV and class report"),
    "soccer": ("cs229nn.experiments.soccer", "logistic regression vs a conv net on soccer balls: parameter sharing (notes §3.3.2)"),
}


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="cs229nn", description="CS229 deep-learning labs: manual backprop next to autograd.")
    parser.add_argument("command", choices=sorted(COMMANDS), help="; ".join(f"{k}: {v[1]}" for k, v in COMMANDS.items()))
    parser.add_argument("args", nargs=argparse.REMAINDER, help="arguments of the command (see cs229nn COMMAND --help)")
    ns = parser.parse_args(argv[:1] if argv and not argv[0].startswith("-") else argv)
    module = importlib.import_module(COMMANDS[ns.command][0])
    return int(module.main(argv[1:]) or 0)
