"""Malicious submissions of the tests' tiny lab (lab90: ``moments`` and ``SquareFunction``).

Each attack is a function of the run's context (paths the attacker would
target) returning the files of its submission folder. None of them implements
the exercises honestly, so any point one earns is a point it did not earn,
except where ``HONEST`` says how many it may keep.
"""

import textwrap
from typing import Callable, Dict, NamedTuple

HEADER = '"""Lab 90: a submission."""\nimport torch\n'
SQUARE = '''
class SquareFunction(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x * x

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, delta):
        (x,) = ctx.saved_tensors
{body}
'''


def square(*lines: str) -> str:
    """SquareFunction with ``lines`` as the rest of its backward."""
    return SQUARE.format(body="\n".join(" " * 8 + line for line in lines))


STUB_FUNCTION = square("return torch.zeros_like(x)")
ZEROS = "\ndef moments(x):\n    return torch.zeros(x.shape[1], dtype=x.dtype), torch.zeros(x.shape[1], dtype=x.dtype)\n" + STUB_FUNCTION


class Context(NamedTuple):
    results: str  # the results.json the grader will write
    solutions: str  # the reference solutions
    markers: str  # a folder where an attack that got further than it should leaves a file


def _module(*parts: str) -> Dict[str, str]:
    return {"exercises.py": HEADER + "".join(textwrap.dedent(p) for p in parts)}


FAKE_RESULTS = '''
import json
def fake_results(path={results!r}):
    try:
        with open(path, "w") as out:
            json.dump({{"score": 1000, "tests": [{{"name": "x", "score": 1000, "max_score": 1}}]}}, out)
    except OSError:
        pass
'''


def patch_comparisons(c: Context):
    return _module("""
        import torch.testing
        torch.allclose = lambda *a, **k: True
        torch.equal = lambda *a, **k: True
        torch.testing.assert_close = lambda *a, **k: None
        torch.Tensor.__eq__ = lambda self, other: True
        """, ZEROS)


def torch_function_subclass(c: Context):
    return _module("""
        class Liar(torch.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                if func.__name__ in ("allclose", "equal", "__eq__", "isclose"):
                    return True
                return super().__torch_function__(func, types, args, kwargs or {})

        def moments(x):
            return torch.zeros(x.shape[1]).as_subclass(Liar), torch.zeros(x.shape[1]).as_subclass(Liar)
        """, STUB_FUNCTION.replace("return torch.zeros_like(x)", "return torch.zeros_like(x).as_subclass(Liar)"))


def always_equal(c: Context):
    return _module("""
        class Anything:
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __bool__(self): return True
            def __float__(self): return 0.0
            def __getattr__(self, name): return lambda *a, **k: Anything()
            shape = property(lambda self: (3,))

        def moments(x):
            return Anything(), Anything()
        """, STUB_FUNCTION.replace("return torch.zeros_like(x)", "return Anything()"))


def exit_after_fake_results(c: Context):
    return _module(FAKE_RESULTS.format(results=c.results), """
        fake_results()
        import sys
        sys.exit(0)
        """, ZEROS)


def os_exit_after_fake_results(c: Context):
    return _module(FAKE_RESULTS.format(results=c.results), """
        fake_results()
        import os
        os._exit(0)
        """, ZEROS)


def atexit_rewrites_results(c: Context):
    return _module(FAKE_RESULTS.format(results=c.results), """
        import atexit
        atexit.register(fake_results)
        """, ZEROS)


def forked_process_rewrites_results_later(c: Context):
    return _module(FAKE_RESULTS.format(results=c.results), """
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                for _ in range(900):  # three minutes: longer than any grading run
                    time.sleep(0.2)
                    fake_results()
                    open(os.path.join({markers!r}, "daemon-alive"), "w").close()
            os._exit(0)
        """.format(markers=c.markers), ZEROS)


def skip_in_checks(c: Context):
    return _module("""
        import unittest

        def moments(x):
            raise unittest.SkipTest("nothing to see")
        """, STUB_FUNCTION.replace("return torch.zeros_like(x)", "import pytest\n        pytest.skip('skipped')"))


def skip_at_import(c: Context):
    return _module("import unittest\nraise unittest.SkipTest('the whole module')\n", ZEROS)


def shipped_conftest_and_sitecustomize(c: Context):
    payload = f"open({c.markers!r} + '/{{}}-ran', 'w').close()\nimport torch\ntorch.allclose = lambda *a, **k: True\n"
    files = _module(ZEROS)
    files.update({name: payload.format(name) for name in ("conftest.py", "sitecustomize.py", "usercustomize.py")})
    return files


def read_the_callers_frame(c: Context):
    return _module("""
        import gc, sys

        def _loot(shape, exclude):
            frame = sys._getframe(1)
            while frame is not None:
                for value in list(frame.f_locals.values()):
                    if isinstance(value, torch.Tensor) and tuple(value.shape) == shape and all(value is not e for e in exclude):
                        return value.detach().clone()
                frame = frame.f_back
            for value in gc.get_objects():
                if isinstance(value, torch.Tensor) and tuple(value.shape) == shape and all(value is not e for e in exclude):
                    return value.detach().clone()
            return torch.zeros(shape, dtype=torch.float64)

        def moments(x):
            return _loot((x.shape[1],), [x]), _loot((x.shape[1],), [x])
        """, STUB_FUNCTION.replace("return torch.zeros_like(x)", "return _loot(tuple(x.shape), [x, delta])"))


def read_the_reference_solutions(c: Context):
    return _module("""
        import glob, importlib
        stolen = {{}}
        for path in glob.glob({solutions!r} + "/**/*.py", recursive=True):
            try:
                exec(compile(open(path).read(), path, "exec"), stolen)
            except Exception:
                pass
        for name in ("solutions", "solutions.lab90_tiny.exercises", "lab90_tiny.exercises"):
            try:
                stolen.update(vars(importlib.import_module(name)))
            except Exception:
                pass
        """.format(solutions=c.solutions), ZEROS, """
        moments = stolen.get("moments", moments)
        SquareFunction = stolen.get("SquareFunction", SquareFunction)
        """)


def ignore_alarms_and_loop(c: Context):
    return _module("""
        import signal
        for sig in (signal.SIGALRM, signal.SIGXCPU, signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)

        def moments(x):
            while True:
                pass
        """, STUB_FUNCTION)


def memory_bomb(c: Context):
    return _module("""
        hoard = []
        def moments(x):
            while True:
                hoard.append(bytearray(256 * 2**20))
        """, STUB_FUNCTION)


def fork_bomb(c: Context):
    return _module("""
        import os
        def moments(x):
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
        """, STUB_FUNCTION)


def autograd_inside_backward(c: Context):
    return _module(ZEROS.split("\nclass")[0], square(
        "with torch.enable_grad():",
        "    leaf = x.detach().requires_grad_()",
        '    return getattr(torch, "auto" + "grad").grad(leaf * leaf, leaf, delta)[0]',
    ))


def cs229nn_functions_in_backward(c: Context):
    return _module(ZEROS.split("\nclass")[0], "import cs229nn.functional as F\n", square(
        "# 2 x ⊙ δ as ∂J/∂a of a one-unit linear layer with W = [[2]], by cs229nn's own helper",
        "two = torch.full((1, 1), 2.0, dtype=x.dtype)",
        "return F.linear_backward((x * delta).reshape(-1, 1), None, two, (True, False, False))[0].reshape(x.shape)",
    ))


def mutate_the_inputs(c: Context):
    return _module("""
        def moments(x):
            x.zero_()
            return x.mean(0), x.var(0, unbiased=False)
        """, STUB_FUNCTION.replace("(x,) = ctx.saved_tensors", "(x,) = ctx.saved_tensors\n        x.zero_(); delta.zero_()"))


def forged_output_pickle(c: Context):
    return _module("""
        import atexit, os, pickle

        class Payload:
            def __reduce__(self):
                return (os.system, ("touch " + {marker!r},))

        def forge():
            with open("outputs.pt", "wb") as out:
                pickle.dump({{"import_error": None, "records": [Payload()]}}, out)

        atexit.register(forge)
        """.format(marker=c.markers + "/unpickled"), ZEROS)


def hard_coded_answers(c: Context):
    """The answers to the checks' inputs for seed 0, pasted in: the grader draws its own seed."""
    from cs229nn.lab.loader import load_checks
    from cs229nn.lab.runner import check_generator

    checks = {check.name: check for check in load_checks(f"{c.solutions}/lab90_tiny", hidden=True)}
    values = checks["lab90.moments.values"].inputs(check_generator(checks["lab90.moments.values"], 0))
    square = checks["lab90.SquareFunction.backward"].inputs(check_generator(checks["lab90.SquareFunction.backward"], 0))
    literal = lambda t: f"torch.tensor({t.tolist()!r}, dtype=torch.float64)"
    return _module(f"""
        def moments(x):
            return {literal(values["x"].mean(0))}, {literal(values["x"].var(0, unbiased=False))}
        """, STUB_FUNCTION.replace("return torch.zeros_like(x)", f"return {literal(2 * square['x'] * square['upstream'])}"))


ATTACKS: Dict[str, Callable[[Context], Dict[str, str]]] = {
    f.__name__: f
    for f in [
        patch_comparisons, torch_function_subclass, always_equal, exit_after_fake_results, os_exit_after_fake_results,
        atexit_rewrites_results, forked_process_rewrites_results_later, skip_in_checks, skip_at_import,
        shipped_conftest_and_sitecustomize, read_the_callers_frame, read_the_reference_solutions, ignore_alarms_and_loop,
        memory_bomb, fork_bomb, autograd_inside_backward, cs229nn_functions_in_backward, mutate_the_inputs, forged_output_pickle,
        hard_coded_answers,
    ]
}
