"""Triage of a submission's source, in the parent: read, never run.

Two findings, both with line numbers:

* what the ``backward`` of a Function exercise reaches (directly or through
  functions of the same file): autograd (``torch.autograd``, ``.backward()``,
  ``torch.func``, ``torch.nn.grad``, grad mode, ``torch._C``), torch's own
  derivatives (``*_backward`` ops) or cs229nn. Names are resolved through the
  file's imports (``from torch.autograd import grad as g`` is still autograd).
* constructs an exercise never needs and tampering does (``exec``, ``open``,
  ``os``, ``sys``, frames and ``__globals__``): flagged for a person to read.

The scan is triage: dynamic tricks (``getattr(torch, "auto" + "grad")``) evade
it, and are flagged instead. The child's runtime evidence is the other layer.
"""

import ast
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence

AUTOGRAD = ("torch.autograd", "torch.func", "functorch", "torch.nn.grad", "torch._C", "torch.enable_grad", "torch.set_grad_enabled", "torch.ops.aten")
ALLOWED = ("torch.autograd.Function", "torch.autograd.function")
TAMPERING_CALLS = {"exec", "eval", "compile", "__import__", "open", "globals", "locals", "vars", "breakpoint", "input"}
TAMPERING_MODULES = {"os", "sys", "subprocess", "ctypes", "importlib", "inspect", "gc", "builtins", "signal", "atexit", "multiprocessing",
                     "threading", "socket", "shutil", "pickle", "marshal", "pathlib", "io", "unittest", "pytest", "runpy", "traceback", "types"}
TAMPERING_ATTRIBUTES = {"__globals__", "__code__", "__builtins__", "__subclasses__", "__dict__", "__class__", "__bases__", "__mro__",
                        "f_back", "f_locals", "f_globals", "gi_frame", "tb_frame", "_getframe", "__torch_function__", "__torch_dispatch__"}


@dataclass
class Scan:
    """``backward[target]``: what that Function's backward reaches; ``flags``: lines to review."""

    backward: Dict[str, List[str]] = field(default_factory=dict)
    flags: List[str] = field(default_factory=list)
    error: Optional[str] = None


def _aliases(tree: ast.AST) -> Dict[str, str]:
    """Local name -> dotted module path, from every import in the file."""
    names: Dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.AST, aliases: Dict[str, str]) -> Optional[str]:
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    return None


def _backward_findings(body: Iterable[ast.AST], aliases: Dict[str, str]) -> List[str]:
    found: List[str] = []
    lines = set()

    def add(line: int, text: str) -> None:  # one finding per line: the outermost name, torch.autograd.grad not torch.autograd
        if line not in lines:
            lines.add(line)
            found.append(f"line {line}: {text}")

    for root in body:
        for node in ast.walk(root):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "backward":
                add(node.lineno, ".backward() asks autograd for the gradient")
            if not isinstance(node, (ast.Name, ast.Attribute)):
                continue
            path = _dotted(node, aliases)
            if not path or path.startswith(ALLOWED):
                continue
            if path.startswith(AUTOGRAD) and (not path.startswith("torch.ops.aten") or "_backward" in path):
                add(node.lineno, f"{path} is autograd or torch's own derivative")
            elif path.startswith("torch.") and path.rsplit(".", 1)[-1].endswith("_backward"):
                add(node.lineno, f"{path} is torch's own derivative")
            elif path.split(".")[0] == "cs229nn" and path != "cs229nn":
                add(node.lineno, f"{path} is cs229nn's own implementation")
    return found


def _reachable(function: ast.AST, helpers: Dict[str, ast.AST]) -> List[ast.AST]:
    """``function`` and the functions of the same file it calls by name, transitively."""
    seen, todo = [function], [function]
    while todo:
        for node in ast.walk(todo.pop()):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers:
                helper = helpers[node.func.id]
                if helper not in seen:
                    seen.append(helper)
                    todo.append(helper)
    return seen


def _flags(tree: ast.AST) -> List[str]:
    flags: List[str] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for module in modules:
                if module.split(".")[0] in TAMPERING_MODULES:
                    flags.append(f"line {node.lineno}: imports {module}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in TAMPERING_CALLS:
                flags.append(f"line {node.lineno}: calls {node.func.id}()")
            elif node.func.id in ("getattr", "setattr", "delattr") and not (len(node.args) > 1 and isinstance(node.args[1], ast.Constant)):
                flags.append(f"line {node.lineno}: {node.func.id}() with a computed name")
        elif isinstance(node, ast.Attribute) and node.attr in TAMPERING_ATTRIBUTES:
            flags.append(f"line {node.lineno}: uses .{node.attr}")
    return flags


def scan(source: str, functions: Sequence[str]) -> Scan:
    """Scan ``source`` (an ``exercises.py``); ``functions`` are the Function exercises' class names."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        return Scan(error=f"exercises.py does not parse: line {error.lineno}: {error.msg}")
    aliases = _aliases(tree)
    helpers = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    result = Scan(flags=_flags(tree))
    for name in functions:
        cls = classes.get(name)
        backward = cls and next((n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == "backward"), None)
        if backward is not None:
            result.backward[name] = _backward_findings(_reachable(backward, helpers), aliases)
    return result
