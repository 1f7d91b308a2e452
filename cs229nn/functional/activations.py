"""Element-wise activations a = g(z) and their hand-written backward (Ma Claim 3.3).

Every activation's backward is δ = ∂J/∂a ⊙ g′(z) (Ma eq. 3.12). That one
product lives in each class's ``delta`` so that layer-by-layer backprop
(Ma Algorithm 4) and the autograd Functions share it. ``delta`` receives both z
and a; each activation uses whichever gives g′ cheapest (σ′ = a(1 − a) from
the saved output, for instance), and its Function saves only that one.
"""

from typing import Optional, Tuple

import torch
import torch.nn.functional as F

from cs229nn.functional.function import ManualFunction
from cs229nn.validate import require_float


class _Activation(ManualFunction):
    """Shared plumbing; subclasses define ``forward``, ``delta`` and ``saves``."""

    saves = "a"  # which of z ("z", the input) or a ("a", the output) g′ needs

    @staticmethod
    def delta(grad_a: torch.Tensor, z: Optional[torch.Tensor], a: Optional[torch.Tensor], *params) -> torch.Tensor:
        raise NotImplementedError

    @classmethod
    def setup_context(cls, ctx, inputs, output) -> None:
        z, *params = inputs
        ctx.params = params
        if ctx.needs_input_grad[0]:
            ctx.save_for_backward(z if cls.saves == "z" else output)

    @classmethod
    def backward(cls, ctx, grad_a: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:
        none_for_params = (None,) * len(ctx.params)
        if not ctx.needs_input_grad[0]:
            return (None, *none_for_params)
        (saved,) = ctx.saved_tensors
        z, a = (saved, None) if cls.saves == "z" else (None, saved)
        return (cls.delta(grad_a, z, a, *ctx.params), *none_for_params)


class ReLUFunction(_Activation):
    """a = max(0, z); g′(z) = 1{z > 0} (g′(0) = 0, as torch uses)."""

    @staticmethod
    def forward(z: torch.Tensor) -> torch.Tensor:
        return torch.relu(z)

    @staticmethod
    def delta(grad_a, z, a):
        # a = max(0, z) ≥ 0, so sign(a) = 1{z > 0} is g′(z) from the saved output.
        # One fast unary kernel: building a boolean mask (masked_fill, where) measured ~10× slower.
        return grad_a * torch.sign(a)


class SigmoidFunction(_Activation):
    """a = σ(z) = 1 / (1 + e^(−z)) (Ma eq. 2.14); σ′(z) = a (1 − a)."""

    @staticmethod
    def forward(z: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(z)

    @staticmethod
    def delta(grad_a, z, a):
        return grad_a * (1 - a) * a  # torch's order of operations, so the bits agree


class TanhFunction(_Activation):
    """a = tanh(z) (Ma eq. 2.15); tanh′(z) = 1 − a²."""

    @staticmethod
    def forward(z: torch.Tensor) -> torch.Tensor:
        return torch.tanh(z)

    @staticmethod
    def delta(grad_a, z, a):
        # 1 − a² cancels badly where tanh saturates; addcmul rounds once (a fused
        # multiply-add), which is also what torch computes, so the bits agree.
        one = a.new_ones(()).expand_as(a)
        return grad_a * torch.addcmul(one, a, a, value=-1)


class LeakyReLUFunction(_Activation):
    """a = max(s·z, z) for slope s (the slides use s = 0.1); g′(z) = 1 if z > 0 else s."""

    saves = "z"  # with any slope s, the sign of z is what decides g′

    @staticmethod
    def forward(z: torch.Tensor, negative_slope: float) -> torch.Tensor:
        return F.leaky_relu(z, negative_slope)  # the forward is torch's; the backward is ours

    @staticmethod
    def delta(grad_a, z, a, negative_slope):
        return torch.where(z > 0, grad_a, grad_a * negative_slope)


class ELUFunction(_Activation):
    """a = z if z > 0 else α(e^z − 1); g′(z) = 1 if z > 0 else α e^z."""

    saves = "z"

    @staticmethod
    def forward(z: torch.Tensor, alpha: float) -> torch.Tensor:
        return F.elu(z, alpha)

    @staticmethod
    def delta(grad_a, z, a, alpha):
        # clamp keeps e^z finite on the branch that torch.where discards
        return torch.where(z > 0, grad_a, grad_a * (alpha * torch.exp(z.clamp_max(0))))


class IdentityFunction(_Activation):
    """a = z (the last layer of a regression network, Ma eq. 2.12); g′ = 1."""

    saves = "none"

    @staticmethod
    def forward(z: torch.Tensor) -> torch.Tensor:
        return z.view_as(z)  # a new tensor object, as a Function's output must be

    @staticmethod
    def delta(grad_a, z, a):
        return grad_a

    @classmethod
    def setup_context(cls, ctx, inputs, output) -> None:
        ctx.params = ()

    @classmethod
    def backward(cls, ctx, grad_a):
        return grad_a


def _checked(z: torch.Tensor, name: str = "z") -> torch.Tensor:
    require_float(z, name)
    return z


def relu(z: torch.Tensor) -> torch.Tensor:
    """ReLU(z) = max(0, z), with the hand-written backward of :class:`ReLUFunction`."""
    return ReLUFunction.apply(_checked(z))


def sigmoid(z: torch.Tensor) -> torch.Tensor:
    """σ(z), with the hand-written backward of :class:`SigmoidFunction`."""
    return SigmoidFunction.apply(_checked(z))


def tanh(z: torch.Tensor) -> torch.Tensor:
    """tanh(z), with the hand-written backward of :class:`TanhFunction`."""
    return TanhFunction.apply(_checked(z))


def leaky_relu(z: torch.Tensor, negative_slope: float = 0.1) -> torch.Tensor:
    """max(s·z, z); the default s = 0.1 is the slides' (torch's default is 0.01)."""
    return LeakyReLUFunction.apply(_checked(z), float(negative_slope))


def elu(z: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    """ELU(z) = z for z > 0, α(e^z − 1) otherwise."""
    return ELUFunction.apply(_checked(z), float(alpha))


def identity(z: torch.Tensor) -> torch.Tensor:
    """a = z, as a Function so that every layer of a network has the same shape."""
    return IdentityFunction.apply(_checked(z))


# name -> manual Function; the Module twins and layer-by-layer backprop look activations up here.
ACTIVATIONS = {
    "relu": ReLUFunction,
    "sigmoid": SigmoidFunction,
    "tanh": TanhFunction,
    "leaky_relu": LeakyReLUFunction,
    "elu": ELUFunction,
    "identity": IdentityFunction,
}
