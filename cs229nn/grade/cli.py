"""``cs229nn grade SUBMISSION``: grade one submission; ``cs229nn grade --bundle ZIP``: the Gradescope autograder."""

import argparse
import time
import traceback
from pathlib import Path
from typing import List, Optional

from cs229nn.grade import results
from cs229nn.grade.grading import grade_submission
from cs229nn.grade.sandbox import IsolationError, Limits
from cs229nn.grade.submission import SubmissionError
from cs229nn.lab.loader import LabError
from cs229nn.usage import ArgumentParser, UsageError, output_file

USER_ERRORS = (LabError, SubmissionError, IsolationError)  # the command line or the machine must change: exit 2


def add_grading_options(parser: argparse.ArgumentParser) -> None:
    """The options ``grade`` and ``grade-all`` share."""
    parser.add_argument("--solutions", type=Path, default=Path("solutions"), help="the reference labs with their hidden checks (default: solutions)")
    parser.add_argument("--lab", type=int, action="append", dest="labs", metavar="N", help="grade only lab N (repeatable; default: every lab)")
    parser.add_argument("--seed", type=int, help="seed of the checks' inputs (default: drawn at random per run)")
    parser.add_argument("--timeout", type=float, default=Limits.wall_s, help=f"wall-clock seconds per lab (default {Limits.wall_s:g})")
    parser.add_argument("--same-user", action="store_true", help="as root, run student code as root too (no user isolation; see docs/grading.md)")
    parser.add_argument("--child-python", metavar="PYTHON", help="interpreter for student code (same version), when the unprivileged user cannot run this one")


def positive(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """``--jobs`` and ``--timeout`` must be positive (checked before any grading starts)."""
    if args.jobs < 1:
        parser.error(f"--jobs {args.jobs}: give at least 1")
    if not args.timeout > 0:
        parser.error(f"--timeout {args.timeout:g}: give a positive number of seconds")


def limits(args: argparse.Namespace) -> Limits:
    return Limits(wall_s=args.timeout, cpu_s=int(args.timeout) + 5)


def main(argv: Optional[List[str]] = None) -> int:
    parser = ArgumentParser(prog="cs229nn grade", description="Grade a submission (a folder or zip of labNN_*/exercises.py) with every lab's public and hidden checks.")
    parser.add_argument("submission", type=Path, nargs="?", help="the submission: a folder or a zip holding labNN_name/exercises.py files")
    parser.add_argument("--results", type=Path, help="write Gradescope's results.json here")
    parser.add_argument("--jobs", type=int, default=2, help="labs graded at once (default 2)")
    parser.add_argument("--bundle", type=Path, metavar="ZIP", help="instead of grading: write the Gradescope autograder zip (setup.sh, run_autograder)")
    add_grading_options(parser)
    args = parser.parse_args(argv)
    positive(parser, args)
    if args.bundle is not None:
        from cs229nn.grade.bundle import build

        try:
            build(output_file(args.bundle, "--bundle", "autograder.zip"), args.solutions)
        except LabError as error:
            raise UsageError(str(error)) from None
        print(f"wrote {args.bundle}: upload it as the autograder of a Gradescope programming assignment (docs/grading.md)")
        return 0
    if args.submission is None:
        parser.error("give a SUBMISSION to grade, or --bundle ZIP")
    if args.results is not None:
        output_file(args.results, "--results", "results.json")
    start = time.perf_counter()
    try:
        grade = grade_submission(args.submission, args.solutions, args.labs, args.seed, limits(args), args.jobs, False if args.same_user else None, args.child_python)
    except USER_ERRORS as error:  # Gradescope still gets a results file saying why nothing was graded
        if args.results:
            results.write(results.failure(str(error), time.perf_counter() - start), args.results)
        raise UsageError(str(error)) from None
    except Exception:  # a grader bug: still leave a results file saying so
        if args.results:
            results.write(results.failure("the grader failed; see its log", time.perf_counter() - start), args.results)
        traceback.print_exc()
        return 1
    document = results.gradescope(grade)
    if args.results:
        results.write(document, args.results)
    print(document["output"])
    return 0
