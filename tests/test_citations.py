"""Every citation of the course notes names which notes: "Ma eq. 3.16" or "Ng eq. 3.16", never "eq. 3.16".

Ma et al.'s notes and Ng & Katanforoosh's number their equations differently
(Ma eq. 3.16 is δ^[r] = z^[r] − y, Ng eq. 3.16 is momentum), so a bare number is
ambiguous. A citation is an equation, section, algorithm, claim or theorem
number; the line must name "Ma" or "Ng" before it.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CITATION = re.compile(r"\beqs?\. ?\d|§ ?\d|\bAlgorithms? \d|\bClaims? \d|\bTheorem \d")
NOTES = re.compile(r"\b(Ma|Ng|backprop notes)\b")  # the third text: "Additional notes on backpropagation"
SOURCES = sorted([*ROOT.glob("cs229nn/**/*.py"), *ROOT.glob("docs/*.md"), ROOT / "README.md",
                  *ROOT.glob("benchmarks/*.py"), *ROOT.glob("solutions/*/*.py")])


def unnamed_citations(text: str):
    """(line number, line) of each line with a citation that no "Ma"/"Ng" before it names."""
    for number, line in enumerate(text.splitlines(), start=1):
        if any(not NOTES.search(line[: m.start()]) for m in CITATION.finditer(line)):
            yield number, line.strip()


def test_the_rule_itself():
    assert list(unnamed_citations("δ = z − y (Ma eq. 3.16); momentum (Ng eq. 3.16)")) == []
    assert list(unnamed_citations("(Ma eq. 1.3; Ng eq. 3.10–3.11), Ma Claims 3.2–3.4")) == []
    assert [n for n, _ in unnamed_citations("fine (Ng §3.1)\nthe kink (notes §2.1, eq. 2.1)")] == [2]
    assert [n for n, _ in unnamed_citations("momentum (eq. 3.16) and Ma eq. 3.16")] == [1]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_citation_names_its_notes(path):
    found = [f"{path.relative_to(ROOT)}:{n}: {line}" for n, line in unnamed_citations(path.read_text(encoding="utf-8"))]
    assert not found, "cite as 'Ma eq. …' or 'Ng eq. …' (see /work/shared/notes/README.md):\n" + "\n".join(found)
