"""Seeded bugs lose exactly their exercise's points, with feedback naming the bug; other correct code gets full marks.

Each entry mutates one reference ``exercises.py`` (a literal replacement, like
``sed``); every mutant is graded as its own copy of the lab, all in one grading
run. Entries whose lab is not in solutions/ yet, or whose text no longer occurs
in it, are skipped: add entries here as labs arrive.
"""

import shutil
from collections import defaultdict
from typing import NamedTuple, Optional, Tuple

import pytest

from cs229nn.grade.grading import DELEGATION, grade_submission
from cs229nn.lab.runner import PASSED
from gradelab import COURSE, ISOLATION, TINY, write_submission


class Mutant(NamedTuple):
    lab: str
    old: str
    new: str
    exercise: Optional[str]  # the exercise that loses points; None: a correct variant, full marks
    words: Tuple[str, ...] = ()  # in the feedback of that exercise
    kept: float = 0.0  # points of that exercise that remain (partial credit)
    also: Tuple[str, ...] = ()  # exercises that call the buggy one, and so lose points too


LINEAR_BACKWARD = "return delta @ W, delta.T @ a, delta.sum(0)"
BUGS = [
    Mutant("lab03_backprop", "return a @ W.T + b\n    # END SOLUTION", "return a @ W.T\n    # END SOLUTION", "lab03.linear_forward", ("z wrong",)),
    Mutant("lab03_backprop", "delta.sum(0)\n", "delta\n", "lab03.LinearFunction", ("∂J/∂b has shape (5, 4) = (n, m); it must be (m,) = (4,): sum δ over the examples",)),
    Mutant("lab03_backprop", "delta.T @ a", "a.T @ delta", "lab03.LinearFunction", ("∂J/∂W is the transpose of the right gradient (shape (3, 4); it must be (4, 3))",)),
    Mutant("lab03_backprop", "return delta @ W,", "return -delta @ W,", "lab03.LinearFunction", ("∂J/∂a has the wrong sign",)),
    Mutant("lab03_backprop", "delta.T @ a", "delta.T @ a / a.shape[0]", "lab03.LinearFunction", ("∂J/∂W is 1/n = 1/5 of the right one",), kept=1.0),
    Mutant("lab03_backprop", LINEAR_BACKWARD, "return torch.autograd.grad(a @ W.T, (a, W), delta) + (delta.sum(0),)", "lab03.LinearFunction",
           (DELEGATION, "torch.autograd.grad", "autograd's engine ran", "without autograd's graph")),
    Mutant("lab03_backprop", LINEAR_BACKWARD,
           "with torch.enable_grad():\n            a_, W_ = a.detach().requires_grad_(), W.detach().requires_grad_()\n"
           "            (a @ W.T).sum()  # a decoy\n            z = a_ @ W_.T\n"
           "            return torch.autograd.grad(z, (a_, W_), delta) + (delta.sum(0),)",
           "lab03.LinearFunction", (DELEGATION, "with autograd turned on", "autograd's engine ran")),
    Mutant("lab03_backprop", LINEAR_BACKWARD, "from cs229nn.functional.linear import linear_backward\n        return linear_backward(delta, a, W)",
           "lab03.LinearFunction", (DELEGATION, "cs229nn's cs229nn.functional.linear.linear_backward ran", "line")),
    Mutant("lab01_neuron", "return (delta * x).sum(), delta.sum()", "return delta.sum(), (delta * x).sum()", "lab01.neuron_gradients", ("(∂J/∂w, ∂J/∂b) are swapped",), kept=1.0),
    Mutant("lab02_vectorization", "return torch.clamp(X @ W1 + b1, min=0) @ W2 + b2", "return (torch.clamp(X @ W1 + b1, min=0) @ W2 + b2).T",
           "lab02.forward_rows", ("it is the transpose of the right value",)),
    Mutant("lab04_deep_backprop", "(deltas[0] @ weights[k]) * (zs[k - 1] > 0).to(zs[k - 1].dtype)", "deltas[0] @ weights[k]",
           "lab04.backward_deltas", ("δ^[1] wrong", "the factor ReLU′(z^[3]) is missing"), kept=1.0),
    Mutant("lab05_initialization", "std = (2.0 / (fan_in + fan_out)) ** 0.5", "std = (1.0 / fan_in) ** 0.5", "lab05.xavier_normal", ("that is the variance 1 / fan_in",)),
    Mutant("lab06_optimization", "(1 - lr * lam) * W", "(1 - lr * lam / 2) * W", "lab06.sgd_step", ("new W decays W by (1 − αλ/2)",), kept=1.0),
    Mutant("lab07_vowels", "upstream * (p - onehot) / z.shape[0]", "upstream * (p - onehot)", "lab07.SoftmaxCrossEntropyFunction", ("× the right one: a constant factor is off",), kept=1.0),
    Mutant("lab08_soccer", "[:, :, :k, :k].transpose(0, 1)", "[:, :, :k, :k]", "lab08.Conv2dFunction", ("∂J/∂θ has shape (3, 4, 3, 3); it must be (4, 3, 3, 3)",), kept=1.0),
    Mutant("lab09_gpu", "scatter_(1, y.view(-1, 1), 1.0)) / X.shape[0]", "scatter_(1, y.view(-1, 1), 1.0))", "lab09.softmax_regression_step", ("× too far: δ lacks the 1/B",), kept=1.0,
           also=("lab09.train_epoch",)),
    Mutant("lab90_tiny", "((x - mean) ** 2).mean(0)", "x.var(0)", "lab90.moments", ("variance: variance wrong",), kept=1.5),
    Mutant("lab90_tiny", "mean = x.mean(0)", "mean = x.mean(1, keepdim=True)", "lab90.moments", ("mean has shape (5, 1); it must be (3,)",)),
    Mutant("lab90_tiny", "2 * x * delta", "x * delta", "lab90.SquareFunction", ("∂J/∂x is 0.5 × the right one",)),
    Mutant("lab90_tiny", "2 * x * delta", "2 * x", "lab90.SquareFunction", ("∂J/∂x wrong",)),
    Mutant("lab90_tiny", "return 2 * x * delta", "return 2 * x * delta, None", "lab90.SquareFunction", ("backward returned 2 values",)),
]
VARIANTS = [  # correct, written differently: other op orders, einsum, float64 inside a float32 check
    Mutant("lab03_backprop", "return a @ W.T + b\n    # END SOLUTION", "return torch.einsum('nd,md->nm', a, W) + b\n    # END SOLUTION", None),
    Mutant("lab03_backprop", LINEAR_BACKWARD, "return torch.einsum('nm,md->nd', delta, W), (a.T @ delta).T, torch.ones(delta.shape[0], dtype=delta.dtype) @ delta", None),
    Mutant("lab90_tiny", "mean = x.mean(0)", "mean = x.double().sum(0).div(x.shape[0]).to(x.dtype)", None),
    Mutant("lab90_tiny", "2 * x * delta", "delta * x + x * delta", None),
]


def _folder(lab: str):
    return next((p for p in [COURSE / lab, TINY / lab] if p.is_dir()), None)


def _applies(mutant: Mutant) -> bool:
    folder = _folder(mutant.lab)
    return folder is not None and mutant.old in (folder / "exercises.py").read_text()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Every applicable bug as its own lab copy (lab10_*, lab11_*, ...); each lab's variants together in one more copy."""
    solutions, submission = tmp_path_factory.mktemp("solutions"), tmp_path_factory.mktemp("submission")
    copies, files, number = {}, {}, 10
    variants = defaultdict(list)
    for mutant in VARIANTS:
        if _applies(mutant):
            variants[mutant.lab].append(mutant)
    groups = [[m] for m in BUGS if _applies(m)] + list(variants.values())
    for group in groups:
        name = f"lab{number:02d}_{group[0].lab[6:]}"
        shutil.copytree(_folder(group[0].lab), solutions / name, ignore=shutil.ignore_patterns("__pycache__"))
        source = (solutions / name / "exercises.py").read_text()
        for mutant in group:
            source = source.replace(mutant.old, mutant.new, 1)
        files[f"{name}/exercises.py"] = source
        for mutant in group:
            copies[mutant] = name
        number += 1
    grade = grade_submission(write_submission(submission, files), solutions, seed=11, jobs=2, **ISOLATION)
    return copies, {lab.lab.name: lab for lab in grade.labs}


def _by_exercise(lab_grade):
    earned, points, messages = defaultdict(float), defaultdict(float), defaultdict(list)
    for r in lab_grade.results:
        earned[r.exercise] += r.earned
        points[r.exercise] += r.points
        messages[r.exercise].append(r.message)
    return earned, points, messages


def test_there_are_at_least_ten_seeded_bugs_across_the_labs():
    assert sum(_applies(m) for m in BUGS) >= 10


def test_every_course_lab_has_a_seeded_bug():
    """A lab added to solutions/ without an entry here (or whose entry no longer applies) is caught."""
    labs = {p.name for p in COURSE.glob("lab*_*") if (p / "exercises.py").is_file()}
    assert labs - {m.lab for m in BUGS if _applies(m)} == set()


@pytest.mark.parametrize("mutant", BUGS, ids=[f"{m.exercise}:{m.new.splitlines()[0][:40]}" for m in BUGS])
def test_a_seeded_bug_loses_exactly_its_exercise_and_is_named(graded, mutant):
    if not _applies(mutant):
        pytest.skip(f"{mutant.lab} is not in solutions/ (yet), or no longer holds {mutant.old!r}")
    copies, labs = graded
    earned, points, messages = _by_exercise(labs[copies[mutant]])
    for exercise in points:
        if exercise == mutant.exercise:
            assert earned[exercise] == pytest.approx(mutant.kept), messages[exercise]
            feedback = " | ".join(messages[exercise])
            for word in mutant.words:
                assert word in feedback
        elif exercise in mutant.also:
            assert earned[exercise] < points[exercise], messages[exercise]
        else:
            assert earned[exercise] == points[exercise], messages[exercise]


@pytest.mark.parametrize("lab", sorted({m.lab for m in VARIANTS}))
def test_correct_but_different_implementations_get_full_marks(graded, lab):
    mutants = [m for m in VARIANTS if m.lab == lab and _applies(m)]
    if not mutants:
        pytest.skip(f"{lab}: no variant applies")
    copies, labs = graded
    results = labs[copies[mutants[0]]].results
    assert [r.message for r in results if r.status != PASSED] == []
