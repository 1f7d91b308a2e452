"""The class report: one HTML page with the score distributions and the most common diagnoses.

Per exercise, the fraction of its points each submission earned (a histogram);
the totals; and the failure messages, with numbers masked so that the same
mistake counts once ("∂J/∂b has shape (#, #); it must be (#,)"), most frequent
first. Figures are PNGs inlined in the page; every message is HTML-escaped, since
students' code chose some of them.
"""

import base64
import html
import io
import re
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Tuple

from cs229nn.grade.batch import exercise_points
from cs229nn.lab.runner import PASSED
from cs229nn.plot import figure

NUMBER = re.compile(r"(?<![\w^[])[-+]?\d+(\.\d+)?(e[-+]?\d+)?")


def diagnosis(message: str) -> str:
    """A failure message with its numbers masked, so that equal mistakes compare equal."""
    return NUMBER.sub("#", message)[:200]


def common_diagnoses(graded: List[Dict[str, Any]], top: int = 15) -> List[Tuple[str, str, int]]:
    """(exercise, diagnosis, number of submissions) for the most frequent failures."""
    counts: Counter = Counter()
    for entry in graded:
        seen = {(r["exercise"], diagnosis(r["message"])) for r in entry["results"] if r["status"] != PASSED}
        counts.update(seen)
    return [(exercise, text, n) for (exercise, text), n in counts.most_common(top)]


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    return base64.b64encode(buffer.getvalue()).decode()


def _fractions(graded: List[Dict[str, Any]], exercise: str) -> List[float]:
    fractions = []
    for entry in graded:
        mine = [r for r in entry["results"] if r["exercise"] == exercise]
        if mine:
            fractions.append(sum(r["earned"] for r in mine) / sum(r["points"] for r in mine))
    return fractions


def distributions(graded: List[Dict[str, Any]]) -> str:
    """One histogram per exercise (fraction of its points) and one of the totals, as a PNG (base64)."""
    exercises = exercise_points(graded)
    columns = 3
    rows = (len(exercises) + 1 + columns - 1) // columns
    fig, axes = figure(rows, columns, size=(3.6, 2.6))
    totals = [e["document"]["score"] for e in graded]
    panels = [("total score", totals, None)] + [(name, _fractions(graded, name), (0.0, 1.0)) for name in exercises]
    for ax, (title, values, span) in zip(axes.flat, panels):
        ax.hist(values, bins=10, range=span, color="tab:blue", edgecolor="white")
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("points" if span is None else "fraction of the points")
        ax.set_ylabel("submissions")
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    return _png(fig)


def diagnoses_chart(common: List[Tuple[str, str, int]]) -> str:
    fig, axes = figure(1, 1, size=(9.0, 0.35 * max(3, len(common)) + 1))
    ax = axes[0, 0]
    labels = [f"{e}: {t[:70]}" for e, t, _ in common][::-1]
    ax.barh(range(len(common)), [n for _, _, n in common][::-1], color="tab:red")
    ax.set_yticks(range(len(common)), labels, fontsize=7)
    ax.set_xlabel("submissions")
    ax.set_title("most common diagnoses")
    return _png(fig)


def render(graded: List[Dict[str, Any]]) -> str:
    """The report page."""
    common = common_diagnoses(graded)
    rows = "".join(f"<tr><td>{n}</td><td>{html.escape(e)}</td><td>{html.escape(t)}</td></tr>" for e, t, n in common)
    scores = [e["document"]["score"] for e in graded]
    mean = sum(scores) / len(scores) if scores else 0.0
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>cs229nn class report</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}td{padding:2px 8px;vertical-align:top}</style></head><body>",
        f"<h1>Class report</h1><p>{len(graded)} submissions, mean score {mean:.2f}.</p>",
        f"<h2>Score distributions</h2><img alt='score distributions' src='data:image/png;base64,{distributions(graded)}'>",
        "<h2>Most common diagnoses</h2>",
        f"<img alt='most common diagnoses' src='data:image/png;base64,{diagnoses_chart(common)}'>" if common else "<p>Every check passed.</p>",
        f"<table><tr><th>submissions</th><th>exercise</th><th>diagnosis</th></tr>{rows}</table>" if common else "",
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(graded: List[Dict[str, Any]], path: Path) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(render(graded), encoding="utf-8")
