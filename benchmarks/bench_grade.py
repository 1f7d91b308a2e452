"""Grading time: one full submission (every lab, reference solutions), and grade-all of 20 submissions.

The issue's bound: one full submission in at most 30 s on 2 CPU cores. Each lab
costs one child process, mostly its ``import torch``; ``--jobs`` children run at
once. grade-all's 20 submissions run 2 at a time, each grading its labs in turn.
On a shared machine the wall-clock time is mostly other people's work, so the
CPU seconds of the children and of this process are printed too: on 2 idle cores
the run takes about max(CPU seconds ÷ 2, the longest lab). ``--replicate N``
grades N copies of each lab (a child per copy), to project a longer course.

    python benchmarks/bench_grade.py [--solutions solutions] [--jobs 2] [--submissions 20] [--replicate 1] [--same-user]
"""

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from cs229nn.grade.batch import grade_all
from cs229nn.grade.grading import grade_submission
from cs229nn.grade.references import reference_labs


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of every child it has waited for (workers count their children)."""
    return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) for f in ("ru_utime", "ru_stime"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", type=Path, default=Path("solutions"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--replicate", type=int, default=1, help="grade N copies of every lab (projection for a longer course)")
    parser.add_argument("--same-user", action="store_true", help="run student code as this user even as root")
    parser.add_argument("--child-python", help="the child's interpreter (as root, when ours is unreachable)")
    args = parser.parse_args()
    isolation = {"as_student": False if args.same_user else None, "python": args.child_python}
    with tempfile.TemporaryDirectory() as tmp:
        solutions, submission = Path(tmp) / "solutions", Path(tmp) / "reference"
        for number, lab in enumerate(lab for lab in reference_labs(args.solutions) for _ in range(args.replicate)):
            name = lab.name if args.replicate == 1 else f"lab{10 + number:02d}_{lab.name[6:]}"
            shutil.copytree(args.solutions / lab.name, solutions / name, ignore=shutil.ignore_patterns("__pycache__"))
            (submission / name).mkdir(parents=True)
            shutil.copy(solutions / name / "exercises.py", submission / name / "exercises.py")
        labs = reference_labs(solutions)
        print(f"{os.cpu_count()} CPU cores, load average {os.getloadavg()[0]:.1f}; {len(labs)} labs: {', '.join(lab.name for lab in labs)}")
        start, cpu = time.perf_counter(), _cpu()
        grade = grade_submission(submission, solutions, jobs=args.jobs, seed=0, **isolation)
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        for lab in grade.labs:
            print(f"  {lab.lab.name:<24} {lab.seconds:5.1f} s  ({sum(r.earned for r in lab.results):g}/{sum(r.points for r in lab.results):g} points)")
        print(f"one full submission, {args.jobs} jobs: {seconds:.1f} s wall (bound: 30 s), {cpu:.1f} CPU s "
              f"(on 2 idle cores ≈ {max(cpu / 2, cpu / len(labs)):.1f} s); {grade.earned:g}/{grade.points:g} points")

        many = Path(tmp) / "class"
        for i in range(args.submissions):
            shutil.copytree(submission, many / f"student{i:02d}")
        start, cpu = time.perf_counter(), _cpu()
        graded = grade_all(many, solutions, jobs=args.jobs, seed=0, **isolation)
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        full = sum(e["document"]["score"] == grade.earned for e in graded)
        print(f"grade-all of {len(graded)} submissions, {args.jobs} jobs: {seconds:.1f} s wall, {cpu:.1f} CPU s "
              f"(on 2 idle cores ≈ {cpu / 2:.1f} s); {full} with full marks")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
