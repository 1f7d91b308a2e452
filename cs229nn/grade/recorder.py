"""In the child: evidence that a manual backward used autograd or cs229nn's own layers.

Installed before the student's module is imported, so every reference the
student takes (``from torch.autograd import grad``, ``from cs229nn.functional
import linear_backward``) already points at a recording stand-in:

* a ``TorchDispatchMode`` logs the aten ops: a ``*_backward`` op is torch's own
  derivative, and an op running with grad mode on (or on a tensor that requires
  grad) inside a backward called under ``torch.no_grad`` means the backward
  built an autograd graph of its own;
* autograd's engine is wrapped: ``torch.autograd.grad``, ``Tensor.backward`` and
  ``torch.func`` all go through ``Variable._execution_engine``;
* every function of ``cs229nn.functional`` and ``cs229nn.backprop``, and the
  ``forward``/``backward`` of every Function there, records that it was reached.

Nothing is recorded unless :meth:`Recorder.watching` is active: the probes of
forward passes and the lab's own use of cs229nn are not evidence. All of this
runs in the process of the student's code, which can undo it; the parent counts
it as evidence, next to its own static scan (:mod:`cs229nn.grade.scan`).
"""

import functools
import importlib
import inspect
import pkgutil
from contextlib import contextmanager
from typing import Any, Callable, Iterator, List

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_leaves

ENGINE = "autograd's engine ran (torch.autograd.grad, Tensor.backward or torch.func)"


class Recorder:
    """Collects findings while a backward runs under :meth:`watching`."""

    def __init__(self) -> None:
        self.active = False
        self.findings: List[str] = []

    def note(self, finding: str) -> None:
        if self.active and finding not in self.findings:
            self.findings.append(finding)

    @contextmanager
    def watching(self) -> Iterator[List[str]]:
        self.findings = []
        self.active = True
        try:
            yield self.findings
        finally:
            self.active = False


class OpLog(TorchDispatchMode):
    """Every aten op, as the dispatcher sees it, below autograd."""

    def __init__(self, recorder: Recorder) -> None:
        super().__init__()
        self.recorder = recorder

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        # Nothing in the child is compiled; wrapping __torch_dispatch__ in dynamo's "disable"
        # would import torch._dynamo and sympy on the first op: about 1.5 CPU s per child.
        return False

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if self.recorder.active:
            name = str(func.overloadpacket)
            if name.endswith("_backward") or "_backward_" in name or name.endswith("_backward_data"):
                self.recorder.note(f"{name} ran: that is torch's own derivative")
            if torch.is_grad_enabled():
                self.recorder.note(f"{name} ran with autograd turned on (torch.enable_grad inside backward)")
            elif any(isinstance(t, torch.Tensor) and t.requires_grad for t in tree_leaves((args, kwargs))):
                self.recorder.note(f"{name} ran on a tensor that requires grad: the backward built an autograd graph")
        return func(*args, **kwargs)


class _EngineSpy:
    """Stands in for autograd's engine object; every use is noted, then delegated."""

    def __init__(self, engine: Any, recorder: Recorder) -> None:
        self._engine, self._recorder = engine, recorder

    def __getattr__(self, name: str) -> Any:
        self._recorder.note(ENGINE)
        return getattr(self._engine, name)


def _spy(function: Callable, label: str, recorder: Recorder) -> Callable:
    @functools.wraps(function)
    def spied(*args, **kwargs):
        recorder.note(f"cs229nn's {label} ran")
        return function(*args, **kwargs)

    return spied


LIBRARY = ("cs229nn.functional", "cs229nn.backprop")


def _library_modules() -> list:
    modules = []
    for name in LIBRARY:
        module = importlib.import_module(name)
        modules.append(module)
        for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
            modules.append(importlib.import_module(f"{name}.{info.name}"))
    return modules


def _spy_on_library(recorder: Recorder) -> None:
    """Replace cs229nn's layers by recording twins, in every module that names them."""
    modules = _library_modules()
    replaced = {}
    for module in modules:
        for name, obj in list(vars(module).items()):
            if getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj):
                replaced[obj] = _spy(obj, f"{module.__name__}.{name}", recorder)
            elif isinstance(obj, type) and issubclass(obj, torch.autograd.Function):
                for method in ("forward", "backward"):
                    if isinstance(obj.__dict__.get(method), staticmethod):
                        spied = _spy(obj.__dict__[method].__func__, f"{obj.__qualname__}.{method}", recorder)
                        setattr(obj, method, staticmethod(spied))
    for module in modules:  # the package namespaces re-export the same functions
        for name, obj in list(vars(module).items()):
            if inspect.isfunction(obj) and obj in replaced:
                setattr(module, name, replaced[obj])


def install(recorder: Recorder) -> OpLog:
    """Start recording (op log, engine, cs229nn); returns the op log, already entered."""
    from torch.autograd.variable import Variable

    Variable._execution_engine = _EngineSpy(Variable._execution_engine, recorder)
    _spy_on_library(recorder)
    log = OpLog(recorder)
    log.__enter__()
    return log
