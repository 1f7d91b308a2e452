"""MLP: the fully connected network of Ma eq. 2.12–2.13."""

from typing import Sequence, Type, Union

import torch

from cs229nn.nn.activations import ACTIVATION_MODULES
from cs229nn.nn.linear import Linear
from cs229nn.nn.module import TwinModule

ActivationSpec = Union[str, Type[TwinModule]]


def activation_module(spec: ActivationSpec, mode: str) -> TwinModule:
    """An activation module from a name ("relu", "sigmoid", …) or a TwinModule class."""
    if isinstance(spec, str):
        if spec not in ACTIVATION_MODULES:
            raise ValueError(f"unknown activation {spec!r}; choose one of {sorted(ACTIVATION_MODULES)}")
        spec = ACTIVATION_MODULES[spec]
    return spec(mode=mode)


class MLP(torch.nn.Sequential):
    r"""A fully connected network (Ma eq. 2.12–2.13).

    a^[0] = x, a^[k] = g(W^[k] a^[k−1] + b^[k]) for k = 1, …, r − 1, and
    h_θ(x) = g_out(W^[r] a^[r−1] + b^[r]), with g_out the identity by default.

    Args:
        sizes: (d, m_1, …, m_{r−1}, k): the input size, the hidden widths and the
            output size. ``[d, 3, 2, 1]`` is Ng's 3-2-1 network (Ng §3.1).
        activation: the hidden activation g, a name or a TwinModule class.
        output: the output activation. Leave it "identity" when the loss takes
            logits (logistic_loss, softmax_cross_entropy) or for regression.
        mode: "manual" or "autograd" for every layer.

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
        sizes = list(sizes)
        if len(sizes) < 2 or any(int(s) != s or s < 1 for s in sizes):
            raise ValueError(f"sizes must list at least two positive integers (d, ..., k), got {sizes}")
        layers = []
        r = len(sizes) - 1
        for ell in range(1, r + 1):
            layers.append(Linear(sizes[ell - 1], sizes[ell], bias, mode=mode, layer=ell, device=device, dtype=dtype))
            if ell < r:
                layers.append(activation_module(activation, mode))
        if output != "identity":
            layers.append(activation_module(output, mode))
        super().__init__(*layers)
        self.sizes = sizes

    @property
    def linear_layers(self) -> list:
        """[Linear for ℓ = 1, …, r]."""
        return [m for m in self if isinstance(m, Linear)]
