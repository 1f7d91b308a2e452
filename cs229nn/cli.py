"""The ``cs229nn`` command (also ``python -m cs229nn``).

Subcommands are looked up lazily so that ``cs229nn --help`` stays fast. A user
error in any of them (:class:`~cs229nn.usage.UsageError`) is caught here, and
only here: one line on stderr, exit status 2. A data file that is missing,
modified or malformed is one line too, with exit status 1: the data need
repair (the message says how), not the command line.
"""

import importlib
import sys
from typing import List, Optional

from cs229nn.datasets.checksums import ChecksumError
from cs229nn.datasets.tabular import MalformedDataError
from cs229nn.usage import ArgumentParser, UsageError

# subcommand -> (module with a main(argv) function, one-line help)
COMMANDS = {
    "run": ("cs229nn.main_job", "the main job: gradient report, then every reference lab end to end, and a summary table"),
    "report": ("cs229nn.report", "manual vs autograd vs numeric gradients for every layer, loss and an MLP"),
    "data": ("cs229nn.datasets.cli", "list, verify, render and preview the datasets"),
    "assign": ("cs229nn.lab.assign", "write the student labs (labs/) from the reference solutions (solutions/)"),
    "check": ("cs229nn.lab.cli", "run a lab's public checks on its exercises.py: the self-check"),
    "grade": ("cs229nn.grade.cli", "grade a submission in isolated child processes; Gradescope results.json and autograder bundle"),
    "grade-all": ("cs229nn.grade.batch", "grade a folder of submissions in parallel: gradebook CSV and class report"),
    "soccer": ("cs229nn.experiments.soccer", "logistic regression vs a conv net on soccer balls: parameter sharing (Ng §3.3.2)"),
}


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    prog = "cs229nn" + (f" {argv[0]}" if argv and argv[0] in COMMANDS else "")
    parser = ArgumentParser(prog="cs229nn", description="CS229 deep-learning labs: manual backprop next to autograd.")
    parser.add_argument("command", choices=sorted(COMMANDS), help="; ".join(f"{k}: {v[1]}" for k, v in COMMANDS.items()))
    parser.add_argument("args", nargs="*", default=[], help="arguments of the command (see cs229nn COMMAND --help)")
    try:
        ns = parser.parse_args(argv[:1] if argv and not argv[0].startswith("-") else argv)
        module = importlib.import_module(COMMANDS[ns.command][0])
        return int(module.main(argv[1:]) or 0)
    except UsageError as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
        return 2
    except (ChecksumError, MalformedDataError) as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
        return 1
