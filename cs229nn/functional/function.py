"""ManualFunction: the base of every hand-written layer in :mod:`cs229nn.functional`."""

import inspect

from torch.autograd import Function


class ManualFunction(Function):
    """A ``torch.autograd.Function`` in the ``forward`` + ``setup_context`` style.

    That style composes with ``torch.func`` (``grad``, ``vmap``), and since every
    backward here is plain torch ops, the vmap rule can be generated.

    torch binds ``forward``'s signature with :func:`inspect.signature` on every
    call of such a Function; a ``__signature__`` computed once makes that bind
    about twice as cheap (see ``benchmarks/bench_mlp_step.py``).
    """

    generate_vmap_rule = True

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        forward = cls.__dict__.get("forward")
        if isinstance(forward, staticmethod):
            forward.__func__.__signature__ = inspect.signature(forward.__func__)
