"""tools/mutants.py: every mutant still points at the code, and a stale one stops the run loudly."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("mutants", ROOT / "tools" / "mutants.py")
mutants = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mutants)


def test_every_mutant_snippet_occurs_exactly_once_in_the_tree():
    """When the code moves, point the mutant at the new code (docs/mutation.md)."""
    mutants.check_snippets(mutants.MUTANTS, ROOT)
    assert len({mu.name for mu in mutants.MUTANTS}) == len(mutants.MUTANTS)  # names are unique


def test_a_missing_or_repeated_snippet_is_an_error_naming_the_mutant(tmp_path):
    (tmp_path / "f.py").write_text("x = 1\nx = 1\ny = 2\n")
    missing = mutants.Mutant("gone", "f.py", "z = 3", "z = 4", ())
    twice = mutants.Mutant("twice", "f.py", "x = 1", "x = 0", ())
    with pytest.raises(mutants.SnippetError, match=r"(?s)'gone'.*0 times.*'twice'.*2 times"):
        mutants.check_snippets([missing, twice], tmp_path)
    assert mutants.main(["-k", "no mutant has this name", "--list"]) == 0


def test_a_mutant_runs_in_a_copy_and_never_touches_the_tree(tmp_path):
    (tmp_path / "answer.py").write_text("def f():\n    return 1\n")
    (tmp_path / "test_answer.py").write_text("from answer import f\n\ndef test_f():\n    assert f() == 1\n")
    mutant = mutants.Mutant("returns 2", "answer.py", "return 1", "return 2", ("test_answer.py",))
    survived, _, tail = mutants.run_mutant(mutant, tmp_path, mutant.tests)
    assert not survived and "test_f" in mutants.killer(tail)
    assert (tmp_path / "answer.py").read_text() == "def f():\n    return 1\n"
    assert mutants.run_mutant(None, tmp_path, mutant.tests)[0]  # unmutated, it passes
