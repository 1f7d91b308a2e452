"""ManualFunction: the base of every hand-written layer in :mod:`cs229nn.functional`.

A layer is written once, as ``forward`` + ``setup_context`` + ``backward``.
That style is what lets the Functions compose with ``torch.func`` (``grad``,
``vmap``, ``jacrev``), but each call pays for it: torch binds ``forward``'s
signature with :mod:`inspect` on every call, about 10 µs per layer on a CPU,
more than the matmul of a small layer. The older combined style
(``forward(ctx, *args)``) skips that bind but does not compose with
``torch.func``.

So every subclass gets a combined-style *twin*, generated here from the same
three methods (its ``forward`` calls the layer's ``forward`` and then its
``setup_context``; its ``backward`` is the layer's ``backward``), and
:meth:`ManualFunction.apply` uses the twin whenever no ``torch.func`` transform
is active. Under a transform, the layer itself runs. Both run the same code
on the same ``ctx``, so the gradients are bit-identical (tested in
``tests/test_fast_path.py``); no layer's math is written twice.
"""

import inspect

import torch
from torch.autograd import Function


def _combined_twin(layer: type) -> type:
    """A combined-style Function that runs ``layer``'s forward, setup_context and backward."""

    def forward(ctx, *inputs):
        output = layer.forward(*inputs)
        layer.setup_context(ctx, inputs, output)
        return output

    namespace = {
        "forward": staticmethod(forward),
        "backward": staticmethod(layer.backward),  # a function, or a method bound to the layer
        "__doc__": f"The combined-style twin of {layer.__qualname__}.",
        "__qualname__": f"{layer.__qualname__}.combined",
    }
    # The layer's own name, so that grad_fn reads "LinearFunctionBackward" on either path.
    return type(layer.__name__, (Function,), namespace)


class ManualFunction(Function):
    """A ``torch.autograd.Function`` in the ``forward`` + ``setup_context`` style, fast outside ``torch.func``.

    Since every backward here is plain torch ops, the vmap rule can be
    generated. ``apply`` picks the combined-style twin (``cls.combined``)
    when no ``torch.func`` transform is active (see the module docstring).
    """

    generate_vmap_rule = True

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        forward = cls.__dict__.get("forward")
        if isinstance(forward, staticmethod):
            # Under a transform torch still binds the signature; computed once, the bind is about twice as cheap.
            forward.__func__.__signature__ = inspect.signature(forward.__func__)
        cls.combined = _combined_twin(cls)

    @classmethod
    def apply(cls, *args):
        if torch._C._are_functorch_transforms_active():
            return super().apply(*args)
        return cls.combined.apply(*args)
