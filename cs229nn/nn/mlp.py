"""MLP: the fully connected network of Ma eq. 2.12–2.13."""

from collections.abc import Iterable
from typing import Callable, List, Sequence, Union

import torch

from cs229nn.hyperparameters import flag, float_dtype, positive_int
from cs229nn.mode import check_mode, set_mode
from cs229nn.nn.activations import ACTIVATION_MODULES
from cs229nn.nn.linear import Linear
from cs229nn.nn.module import TwinModule

# A name ("relu"), or something that makes a TwinModule when called with mode=...: a class
# such as cs229nn.nn.LeakyReLU, or functools.partial(cs229nn.nn.LeakyReLU, 0.2).
ActivationSpec = Union[str, Callable[..., TwinModule]]


def activation_module(spec: ActivationSpec, mode: str, argument: str = "activation") -> TwinModule:
    """A new activation module from a name ("relu", "sigmoid", …) or a TwinModule class (or factory)."""
    expected = (
        f"MLP({argument}=...) must be one of the names {sorted(ACTIVATION_MODULES)} or a cs229nn activation class "
        f"such as cs229nn.nn.LeakyReLU (MLP makes one per layer)"
    )
    if isinstance(spec, str):
        if spec not in ACTIVATION_MODULES:
            raise ValueError(f"unknown activation {spec!r}; {expected}")
        return ACTIVATION_MODULES[spec](mode=mode)
    if isinstance(spec, torch.nn.Module):
        raise TypeError(
            f"{expected}, got an instance, {spec!r}; pass the class, or functools.partial(cs229nn.nn.LeakyReLU, 0.2) for a setting"
        )
    if isinstance(spec, type) and not issubclass(spec, TwinModule):
        hint = "; torch.nn activations have no manual backward, use the name instead" if issubclass(spec, torch.nn.Module) else ""
        raise TypeError(f"{expected}, got the class {spec.__module__}.{spec.__qualname__}{hint}")
    if not callable(spec):
        raise TypeError(f"{expected}, got {spec!r} ({type(spec).__name__})")
    try:
        module = spec(mode=mode)
    except TypeError as err:  # e.g. torch.sigmoid: a function, not a module factory
        raise TypeError(f"{expected}; {spec!r}(mode={mode!r}) failed: {err}") from None
    if not isinstance(module, TwinModule):
        raise TypeError(f"{expected}; {spec!r} made a {type(module).__name__}")
    return module


def check_sizes(sizes: Sequence[int]) -> List[int]:
    """(d, m_1, …, m_{r−1}, k) as a list of positive ints, each named as in the notes when it is wrong."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Iterable):
        raise TypeError(f"MLP(sizes): sizes must list (d, m_1, ..., k), e.g. [4, 8, 3], got {sizes!r} ({type(sizes).__name__})")
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"MLP(sizes): sizes must list at least two positive integers (d, ..., k), got {sizes}")
    r = len(sizes) - 1
    names = ["d (the input size)"] + [f"m_{ell} (the width of layer {ell})" for ell in range(1, r)] + ["k (the output size)"]
    return [positive_int(s, f"MLP(sizes): sizes[{i}] = {names[i]}") for i, s in enumerate(sizes)]


class MLP(torch.nn.Sequential):
    r"""A fully connected network (Ma eq. 2.12–2.13).

    a^[0] = x, a^[k] = g(W^[k] a^[k−1] + b^[k]) for k = 1, …, r − 1, and
    h_θ(x) = g_out(W^[r] a^[r−1] + b^[r]), with g_out the identity by default.

    Args:
        sizes: (d, m_1, …, m_{r−1}, k): the input size, the hidden widths and the
            output size. ``[d, 3, 2, 1]`` is Ng's 3-2-1 network (Ng §3.1).
        activation: the hidden activation g: a name ("relu", "sigmoid", "tanh",
            "leaky_relu", "elu", "identity") or a cs229nn activation class; for a
            setting, ``functools.partial(cs229nn.nn.LeakyReLU, 0.2)``.
        output: the output activation, given the same way. Leave it "identity" when the loss takes
            logits (logistic_loss, softmax_cross_entropy) or for regression.
        mode: "manual" or "autograd" for every layer. Assigning ``model.mode``
            later switches every layer (as :func:`cs229nn.set_mode` does).

    Shape:
        - Input: (n, d). Output: (n, k).

    The Linear layers are numbered ℓ = 1, …, r, so reports and errors say "W^[2]".
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: ActivationSpec = "relu",
        output: ActivationSpec = "identity",
        *,
        bias: bool = True,
        mode: str = "manual",
        device=None,
        dtype=None,
    ) -> None:
        sizes = check_sizes(sizes)
        flag(bias, "MLP(sizes, bias)")
        check_mode(mode)
        float_dtype(dtype, "MLP(sizes, dtype)", allow_none=True)
        layers = []
        r = len(sizes) - 1
        for ell in range(1, r + 1):
            layers.append(Linear(sizes[ell - 1], sizes[ell], bias, mode=mode, layer=ell, device=device, dtype=dtype))
            if ell < r:
                layers.append(activation_module(activation, mode))
        if r == 1:  # no hidden layer: still refuse a bad activation rather than ignore it
            activation_module(activation, mode)
        if output != "identity":
            layers.append(activation_module(output, mode, "output"))
        super().__init__(*layers)
        self.sizes = sizes

    @property
    def mode(self) -> str:
        """The layers' mode, "manual" or "autograd" ("mixed" if they differ); assign it to switch every layer."""
        modes = {m.mode for m in self.modules() if isinstance(m, TwinModule)}
        return modes.pop() if len(modes) == 1 else "mixed"

    @mode.setter
    def mode(self, mode: str) -> None:
        set_mode(self, mode)

    @property
    def linear_layers(self) -> list:
        """[Linear for ℓ = 1, …, r]."""
        return [m for m in self if isinstance(m, Linear)]
