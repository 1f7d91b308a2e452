"""Activation modules a = g(z); the math is in :mod:`cs229nn.functional.activations`."""

import torch
import torch.nn.functional as F

from cs229nn.functional import activations as manual
from cs229nn.hyperparameters import real_number
from cs229nn.nn.module import TwinModule


class ReLU(TwinModule):
    """a = max(0, z) element-wise (Ma eq. 2.10). Shape: any; output has the input's shape."""

    def forward_manual(self, z: torch.Tensor) -> torch.Tensor:
        return manual.relu(z)

    def forward_autograd(self, z: torch.Tensor) -> torch.Tensor:
        return torch.relu(z)


class Sigmoid(TwinModule):
    """a = σ(z) = 1 / (1 + e^(−z)) element-wise (Ma eq. 2.14)."""

    def forward_manual(self, z: torch.Tensor) -> torch.Tensor:
        return manual.sigmoid(z)

    def forward_autograd(self, z: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(z)


class Tanh(TwinModule):
    """a = tanh(z) element-wise (Ma eq. 2.15)."""

    def forward_manual(self, z: torch.Tensor) -> torch.Tensor:
        return manual.tanh(z)

    def forward_autograd(self, z: torch.Tensor) -> torch.Tensor:
        return torch.tanh(z)


class LeakyReLU(TwinModule):
    """a = max(s·z, z) element-wise.

    Args:
        negative_slope: s; default 0.1 as in the slides' max(0.1x, x)
            (``torch.nn.LeakyReLU`` defaults to 0.01).
    """

    def __init__(self, negative_slope: float = 0.1, *, mode: str = "manual") -> None:
        super().__init__(mode)
        self.negative_slope = real_number(negative_slope, "nn.LeakyReLU(s): the negative slope s")

    def forward_manual(self, z: torch.Tensor) -> torch.Tensor:
        return manual.leaky_relu(z, self.negative_slope)

    def forward_autograd(self, z: torch.Tensor) -> torch.Tensor:
        return F.leaky_relu(z, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}, mode={self.mode!r}"


class ELU(TwinModule):
    """a = z if z > 0 else α(e^z − 1) element-wise (slides: "ELU").

    Args:
        alpha: α, the value the output approaches for very negative z is −α.
    """

    def __init__(self, alpha: float = 1.0, *, mode: str = "manual") -> None:
        super().__init__(mode)
        self.alpha = real_number(alpha, "nn.ELU(α): α")

    def forward_manual(self, z: torch.Tensor) -> torch.Tensor:
        return manual.elu(z, self.alpha)

    def forward_autograd(self, z: torch.Tensor) -> torch.Tensor:
        return F.elu(z, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}, mode={self.mode!r}"


class Identity(TwinModule):
    """a = z: the output "activation" of a regression network (Ma eq. 2.12)."""

    def forward_manual(self, z: torch.Tensor) -> torch.Tensor:
        return manual.identity(z)

    def forward_autograd(self, z: torch.Tensor) -> torch.Tensor:
        return z


# The names MLP accepts for its activations.
ACTIVATION_MODULES = {
    "relu": ReLU,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "leaky_relu": LeakyReLU,
    "elu": ELU,
    "identity": Identity,
}
