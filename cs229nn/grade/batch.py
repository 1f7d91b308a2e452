"""``cs229nn grade-all SUBMISSIONS --jobs N --out grades.csv --report class.html``: grade a class.

Every entry of SUBMISSIONS (a folder or a zip, not starting with ``.``) is one
submission, named by its file name. Submissions are graded in ``N`` worker
processes at once, each isolated exactly as ``cs229nn grade`` isolates one (a
child per lab). The gradebook has one row per submission: total, maximum and
the points of every exercise; the class report (:mod:`cs229nn.grade.classreport`)
shows the distributions and the most common diagnoses.
"""

import csv
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any, Dict, List, Optional

from cs229nn.grade import results
from cs229nn.grade.cli import USER_ERRORS, add_grading_options, limits, positive
from cs229nn.grade.grading import grade_submission, new_seed
from cs229nn.grade.references import reference_labs
from cs229nn.grade.sandbox import Limits, Sandbox
from cs229nn.lab.loader import LabError
from cs229nn.usage import ArgumentParser, UsageError, output_file


def submissions(folder: Path) -> List[Path]:
    """The submissions in ``folder``: its sub-folders and zip files, by name."""
    if not Path(folder).is_dir():
        raise LabError(f"{folder} is not a folder of submissions")
    return sorted(p for p in Path(folder).iterdir() if not p.name.startswith(".") and (p.is_dir() or p.suffix == ".zip"))


def grade_one(path: Path, options: Dict[str, Any]) -> Dict[str, Any]:
    """One submission, in a worker: its name, results.json document and check results (plain data)."""
    try:
        grade = grade_submission(path, jobs=1, **options)
    except Exception as error:  # a submission that cannot be graded still gets a row
        return {"name": path.name, "document": results.failure(f"{type(error).__name__}: {error}"), "results": []}
    return {"name": path.name, "document": results.gradescope(grade), "results": [asdict(r) for r in grade.results]}


def grade_all(folder: Path, solutions: Path, jobs: int = 2, seed: Optional[int] = None, limits: Limits = Limits(),
              as_student: Optional[bool] = None, python: Optional[str] = None, labs: Optional[List[int]] = None) -> List[Dict[str, Any]]:
    """Every submission of ``folder``, ``jobs`` at a time; one seed for the run."""
    reference_labs(Path(solutions), labs)  # refuse a bad solutions folder or an impossible isolation before starting workers
    Sandbox(limits, as_student=as_student, python=python).close()
    options = {"solutions": Path(solutions), "labs": labs, "seed": new_seed() if seed is None else seed,
               "limits": limits, "as_student": as_student, "python": python}
    paths = submissions(folder)
    context = multiprocessing.get_context("spawn")  # workers start clean: no torch state forked from here
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context) as pool:
        return list(pool.map(grade_one, paths, [options] * len(paths)))


def exercise_points(graded: List[Dict[str, Any]]) -> List[str]:
    """The exercises, in the order of the checks."""
    names: List[str] = []
    for entry in graded:
        for result in entry["results"]:
            if result["exercise"] not in names:
                names.append(result["exercise"])
    return names


def write_gradebook(graded: List[Dict[str, Any]], path: Path) -> None:
    """One row per submission: score, max_score, then each exercise's points."""
    exercises = exercise_points(graded)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["submission", "score", "max_score", *exercises])
        for entry in graded:
            earned = {e: 0.0 for e in exercises}
            for result in entry["results"]:
                earned[result["exercise"]] += result["earned"]
            max_score = sum(r["points"] for r in entry["results"])
            writer.writerow([entry["name"], f"{entry['document']['score']:g}", f"{max_score:g}", *(f"{earned[e]:g}" for e in exercises)])


def main(argv: Optional[List[str]] = None) -> int:
    parser = ArgumentParser(prog="cs229nn grade-all", description="Grade a folder of submissions in parallel: a gradebook CSV and a class report.")
    parser.add_argument("submissions", type=Path, help="a folder holding one folder or zip per submission")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded at once (default 2)")
    parser.add_argument("--out", type=Path, default=Path("grades.csv"), help="the gradebook (default grades.csv)")
    parser.add_argument("--report", type=Path, help="write the class report (one HTML page) here")
    add_grading_options(parser)
    args = parser.parse_args(argv)
    positive(parser, args)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder; give the folder holding one folder or zip per submission")
    output_file(args.out, "--out", "grades.csv")
    if args.report is not None:
        output_file(args.report, "--report", "class.html")
    try:
        graded = grade_all(args.submissions, args.solutions, args.jobs, args.seed, limits(args), False if args.same_user else None, args.child_python, args.labs)
    except USER_ERRORS as error:
        raise UsageError(str(error)) from None
    write_gradebook(graded, args.out)
    print(f"graded {len(graded)} submissions: {args.out}")
    if args.report:
        from cs229nn.grade.classreport import write_report

        write_report(graded, args.report)
        print(f"class report: {args.report}")
    return 0
