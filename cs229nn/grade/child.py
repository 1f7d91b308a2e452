"""The child: runs the probes of one lab on a student's ``exercises.py`` and writes plain data.

Started by :mod:`cs229nn.grade.sandbox` as ``python -I`` in a folder holding only
``exercises.py``, ``job.json`` and ``inputs.pt``. Before the student's module is
imported it lowers its own resource limits (irreversibly) and installs the
recorders of :mod:`cs229nn.grade.recorder`. After every check it rewrites
``outputs.pt``, so a crash or a hang later still leaves the checks done so far.
Student exceptions are sent as strings; nothing it writes is trusted.
"""

import importlib.util
import resource
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import torch

from cs229nn.grade import protocol
from cs229nn.grade.recorder import Recorder, install
from cs229nn.lab.probes import run_probe
from cs229nn.lab.runner import student_error
from cs229nn.lab.spec import Probe
from cs229nn.lab.stubs import parse_stub

# What autograd says when asked to differentiate tensors that need no gradient.
NO_GRAPH = ("does not require grad", "does not have a grad_fn", "One of the differentiated Tensors")


def _vm_size() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def apply_limits(limits: Dict[str, int]) -> None:
    """Lower soft and hard limits: CPU seconds, address space above what torch already maps, processes, file size."""
    def lower(kind: int, value: int) -> None:
        _, hard = resource.getrlimit(kind)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(kind, (value, value))

    lower(resource.RLIMIT_CORE, 0)
    lower(resource.RLIMIT_CPU, int(limits["cpu_s"]))
    lower(resource.RLIMIT_FSIZE, int(limits["file_bytes"]))
    lower(resource.RLIMIT_NPROC, int(limits["processes"]))
    lower(resource.RLIMIT_AS, _vm_size() + int(limits["memory_bytes"]))


class PlainContext:
    """The ``ctx`` of a Function, without autograd: what a backward may use of it."""

    def __init__(self, needs_input_grad: tuple) -> None:
        self.needs_input_grad = needs_input_grad
        self.saved_tensors: tuple = ()
        self.materialize_grads = True

    def save_for_backward(self, *tensors: Any) -> None:
        self.saved_tensors = tensors

    def mark_non_differentiable(self, *tensors: Any) -> None:
        pass

    def mark_dirty(self, *tensors: Any) -> None:
        pass

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = value


def _fresh(value: Any) -> Any:
    return value.detach().clone() if isinstance(value, torch.Tensor) else value


def direct_backward(probe: Probe, function: Any, inputs: Dict[str, Any], recorder: Recorder, path: Path) -> List[str]:
    """Evidence from calling ``backward`` by hand, under ``no_grad``, on tensors that need no gradient.

    A backward that is plain math runs the same; one that asks autograd for the
    answer fails, or turns grad mode on, or reaches the engine or cs229nn.
    """
    evidence = []
    code = getattr(getattr(function, "backward", None), "__code__", None)
    if code is None or Path(code.co_filename).resolve() != path.resolve():
        where = "not Python code" if code is None else f"defined in {code.co_filename}"
        evidence.append(f"{probe.target}.backward is not written in exercises.py ({where})")
    args = [_fresh(inputs[k]) for k in probe.args]
    kwargs = {name: _fresh(inputs[k]) for name, k in probe.kwargs.items()}
    ctx = PlainContext(tuple(k in probe.grad for k in probe.args))
    with torch.no_grad():
        try:
            if function.setup_context is not torch.autograd.Function.setup_context:
                output = function.forward(*args, **kwargs)
                function.setup_context(ctx, tuple(args), output)
            else:
                function.forward(ctx, *args, **kwargs)
        except Exception:
            return evidence  # forward itself fails: the probe reports that
        with recorder.watching() as findings:
            try:
                function.backward(ctx, _fresh(inputs[probe.upstream]))
            except Exception as error:
                if any(text in str(error) for text in NO_GRAPH):
                    findings.append(f"backward fails without autograd's graph: {type(error).__name__}: {str(error)[:200]}")
        evidence.extend(findings)
    return evidence


def run_check(probe: Probe, exercises: Any, inputs: Dict[str, Any], recorder: Recorder, path: Path) -> Dict[str, Any]:
    """One check's record: outputs or the error, and for a Function the delegation evidence."""
    try:
        outputs = run_probe(probe, exercises, inputs)
    except BaseException as error:  # SystemExit and SkipTest included: none of them is a pass
        stub = parse_stub(error)
        return protocol.record(error=student_error(error), stub=error.args[0] if stub else None)
    evidence = []
    if probe.kind == "function":
        evidence = direct_backward(probe, getattr(exercises, probe.target), inputs, recorder, path)
    return protocol.record(outputs, evidence=evidence)


def import_exercises(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("exercises", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["exercises"] = module
    spec.loader.exec_module(module)
    return module


def main(folder: str) -> None:
    folder_path = Path(folder)
    probes, inputs, limits = protocol.read_job(folder_path)
    torch.set_num_threads(1)
    apply_limits(limits)
    recorder = Recorder()
    install(recorder)
    records: List[Optional[Dict[str, Any]]] = [None] * len(probes)
    path = folder_path / protocol.EXERCISES
    protocol.write_outputs(folder_path, None, records)
    try:
        exercises = import_exercises(path)
    except BaseException as error:  # SystemExit too: exercises.py must import without side effects
        protocol.write_outputs(folder_path, student_error(error), records)
        return
    for index, (probe, values) in enumerate(zip(probes, inputs)):
        records[index] = run_check(probe, exercises, values, recorder, path)
        protocol.write_outputs(folder_path, None, records)
