"""Labs: exercises, their checks, the self-check and the student-version generator.

A lab is a folder (``solutions/lab03_backprop/``, generated into ``labs/``) holding

* ``exercises.py``: everything the student writes, as plain functions and
  ``torch.autograd.Function`` classes, importable without side effects;
* the lab itself, ``labNN_name.py``, a jupytext percent script;
* ``checks.py``: ``CHECKS``, the public checks (copied into ``labs/``);
* ``hidden_checks.py``: ``CHECKS``, the hidden ones (solutions and grader only).

A check is data plus two functions (:mod:`cs229nn.lab.spec`): ``inputs(generator)``
draws tensors, a :class:`Probe` (data) says which student callable to run on them,
and ``judge(inputs, outputs)`` compares what came back with its own reference.
Only the probe runs student code, so the grader can run it in a separate process
and judge in its own.

Modules: :mod:`~cs229nn.lab.spec` (what a check is), :mod:`~cs229nn.lab.probes`
(running student code), :mod:`~cs229nn.lab.judge` (comparing with a reference),
:mod:`~cs229nn.lab.runner` (the self-check), :mod:`~cs229nn.lab.assign` (student
versions), :mod:`~cs229nn.lab.session` (quick mode, outputs, results),
:mod:`~cs229nn.lab.notebook` (a lab as a notebook in a fresh kernel).
The instructor's guide is ``docs/labs.md``.
"""

from cs229nn.lab.spec import Check, Probe, Verdict
from cs229nn.lab.stubs import is_stub, skip_if_stub, stub_message
from cs229nn.lab.runner import CheckResult, run_checks, self_check
from cs229nn.lab.session import output_dir, quick, record_results

__all__ = [
    "Check",
    "CheckResult",
    "Probe",
    "Verdict",
    "is_stub",
    "output_dir",
    "quick",
    "record_results",
    "run_checks",
    "self_check",
    "skip_if_stub",
    "stub_message",
]
