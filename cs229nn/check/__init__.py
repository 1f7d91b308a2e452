"""Gradient checking: the one place that compares gradients and says what is wrong.

Labs, the main job's report, the tests and the autograder all call it
(CS231n's ``gradient_check.py`` idea), in two layers:

* data-level judges that see only tensors (the grader's trusted parent runs them
  on what a sandboxed child sent back): :func:`check_raw_gradients`,
  :func:`diagnose`, :func:`judge_gradient`, :func:`first_wrong_layer`, and the
  :data:`CATALOGUE` of named mistakes;
* in-process conveniences that run student code: :func:`raw_backward`,
  :func:`compare_gradients`, :func:`check_function`.

See ``docs/checker.md`` for what a student sees.
"""

from cs229nn.check.catalogue import CATALOGUE, CATALOGUE_LIST, Context, Finding, Mistake, diagnose
from cs229nn.check.compare import compare_gradients
from cs229nn.check.function import check_function, judge_function_outputs, reference_gradients
from cs229nn.check.judge import Localization, Place, Verdict, check_raw_gradients, first_wrong_layer, judge_gradient
from cs229nn.check.operations import OPERATIONS
from cs229nn.check.metrics import TOLERANCES, Tolerance, max_abs_error, rel_error, tolerance
from cs229nn.check.numeric import numeric_gradient
from cs229nn.check.raw import RawBackward, graph_backward, raw_backward
from cs229nn.check.table import GradientReport, GradientRow

__all__ = [
    "CATALOGUE",
    "CATALOGUE_LIST",
    "Context",
    "Finding",
    "GradientReport",
    "GradientRow",
    "Localization",
    "Mistake",
    "OPERATIONS",
    "Place",
    "RawBackward",
    "TOLERANCES",
    "Tolerance",
    "Verdict",
    "check_function",
    "check_raw_gradients",
    "compare_gradients",
    "diagnose",
    "first_wrong_layer",
    "graph_backward",
    "judge_function_outputs",
    "judge_gradient",
    "max_abs_error",
    "numeric_gradient",
    "raw_backward",
    "reference_gradients",
    "rel_error",
    "tolerance",
]
