"""The stubs of the student version: one message format, recognised everywhere.

``cs229nn assign`` turns every solution region into
``raise NotImplementedError("Lab 3, exercise 2 (lab03.linear_backward): <what to write>")``.
The self-check, the grader and :func:`skip_if_stub` recognise that prefix and say
"not implemented yet" instead of showing a traceback.
"""

import re
import sys
from contextlib import contextmanager
from typing import Iterator, Optional

STUB_PATTERN = re.compile(r"^Lab (\d+), exercise (\d+) \((lab\d+\.\w+)\): ")


def stub_message(lab: int, number: int, exercise: str, what: str) -> str:
    """The ``NotImplementedError`` message of a stub."""
    return f"Lab {lab}, exercise {number} ({exercise}): {what}"


def parse_stub(error: BaseException) -> Optional[str]:
    """"Lab 3, exercise 2" if ``error`` is a stub's NotImplementedError, else None."""
    if not isinstance(error, NotImplementedError) or not error.args:
        return None
    match = STUB_PATTERN.match(str(error.args[0]))
    return f"Lab {match.group(1)}, exercise {match.group(2)}" if match else None


def is_stub(*objects: object) -> bool:
    """True if any function (or any method of a class) still raises a stub's NotImplementedError.

    Read from the compiled code's constants, without calling anything.
    """
    def codes(obj: object) -> Iterator:
        if isinstance(obj, type):
            # only the class's own functions: attributes that are classes (an autograd.Function's
            # generated backward class points back at it) would recurse for ever
            for member in vars(obj).values():
                member = getattr(member, "__func__", member)
                if not isinstance(member, type):
                    yield from codes(member)
        elif hasattr(obj, "__code__"):
            stack = [obj.__code__]
            while stack:
                code = stack.pop()
                yield code
                stack.extend(c for c in code.co_consts if hasattr(c, "co_consts"))

    return any(
        isinstance(const, str) and STUB_PATTERN.match(const)
        for obj in objects
        for code in codes(obj)
        for const in code.co_consts
    )


@contextmanager
def skip_if_stub() -> Iterator[None]:
    """Run a lab cell; if it reaches an unwritten exercise, say so and skip the rest of the cell."""
    try:
        yield
    except NotImplementedError as error:
        where = parse_stub(error)
        if where is None:
            raise
        print(f"[skipped] {where} is not implemented yet: {error.args[0].split(': ', 1)[1]}", file=sys.stdout)
