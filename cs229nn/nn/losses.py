"""Loss modules; the math is in :mod:`cs229nn.functional.losses`.

Each module's autograd mode is the equivalent torch op rescaled to the notes'
conventions, so manual and autograd give the same number to the last bits.
"""

import torch
import torch.nn.functional as F

from cs229nn.functional import losses as manual
from cs229nn.nn.module import TwinModule


class _Loss(TwinModule):
    def __init__(self, reduction: str = "mean", *, mode: str = "manual") -> None:
        super().__init__(mode)
        manual.check_reduction(reduction)
        self.reduction = reduction

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}, mode={self.mode!r}"


class SquaredLoss(_Loss):
    """J = (1/n) Σ_i ½ ‖o^(i) − y^(i)‖² (Ma eq. 3.4, averaged as in eq. 1.2). Shape: o and y both (n,) or (n, k)."""

    def forward_manual(self, o: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return manual.squared_loss(o, y, self.reduction)

    def forward_autograd(self, o: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        manual.check_prediction_target(o, "o", y)
        return 0.5 * F.mse_loss(o, y, reduction="sum") * manual.reduction_scale(o, self.reduction)


class LogisticLoss(_Loss):
    """Logistic loss on logits z with labels y ∈ {0, 1}; z and y both (n,) or (n, k)."""

    def forward_manual(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return manual.logistic_loss(z, y, self.reduction)

    def forward_autograd(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        manual.check_binary_labels(z, "z", y)
        return F.binary_cross_entropy_with_logits(z, y, reduction="sum") * manual.reduction_scale(z, self.reduction)


class SoftmaxCrossEntropy(_Loss):
    """Softmax cross-entropy on logits z (n, k) against class indices y (n,) of dtype long."""

    def forward_manual(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return manual.softmax_cross_entropy(z, y, self.reduction)

    def forward_autograd(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        manual.check_class_labels(z, y)
        return F.cross_entropy(z, y.long(), reduction="sum") * manual.reduction_scale(z, self.reduction)


class BinaryCrossEntropy(_Loss):
    """Binary cross-entropy on probabilities p ∈ [0, 1] with labels y; p and y both (n,) or (n, k)."""

    def forward_manual(self, p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return manual.binary_cross_entropy(p, y, self.reduction)

    def forward_autograd(self, p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        manual.check_binary_labels(p, "p", y)
        manual.check_probabilities(p)
        return F.binary_cross_entropy(p, y, reduction="sum") * manual.reduction_scale(p, self.reduction)
