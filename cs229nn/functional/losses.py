"""Losses J and their hand-written gradients ∂J/∂(output).

All losses take ``reduction`` in {"mean", "sum"}. "mean" is the notes' cost
J(θ) = (1/n) Σ_i J^(i)(θ) (Ma eq. 1.2): the per-example losses J^(i) summed over
the outputs of one example and averaged over the n examples (rows). For one
output per example this is exactly torch's ``reduction="mean"``.

The classification losses take *logits* and fuse the last activation into the
loss, which makes the gradient both simple and numerically stable:

* logistic loss:  δ = σ(z) − y          (notes: sigmoid output + log loss)
* softmax cross-entropy: δ = softmax(z) − onehot(y)
"""

import math
from typing import Optional, Tuple

import torch
import torch.nn.functional as F

from cs229nn.functional.function import ManualFunction
from cs229nn.validate import (
    remember_passing,
    require_float,
    require_in_range,
    require_ndim,
    require_same_dtype_device,
    require_tensor,
    require_unit_interval,
    shape_str,
)

REDUCTIONS = ("mean", "sum")

# torch clamps p(1 − p) at 1e-12 rounded to float32; the same constant keeps the bits equal.
_TORCH_BCE_EPS = 9.999999960041972e-13


def check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def reduction_scale(output: torch.Tensor, reduction: str) -> float:
    """1/n for the mean over the n examples (rows), 1 for the sum.

    The mean of no examples is NaN, as torch's ``reduction="mean"`` gives on an empty batch.
    """
    if reduction != "mean":
        return 1.0
    n = output.shape[0]
    return 1.0 / n if n else math.nan


@remember_passing
def check_prediction_target(pred: torch.Tensor, pred_name: str, y: torch.Tensor) -> None:
    require_float(pred, pred_name)
    require_tensor(y, "y")
    if pred.dim() == 0:
        raise ValueError(f"{pred_name} must have one row per example, (n,) or (n, k); got a scalar")
    if not y.is_floating_point():
        raise TypeError(f"y must be a floating-point tensor like {pred_name} ({pred.dtype}), got {y.dtype}; use y.to({pred_name}.dtype)")
    if y.shape != pred.shape:
        # (n,) against (n, 1) would silently broadcast to (n, n): the classic bug.
        raise ValueError(
            f"y must have the same shape as {pred_name}, {shape_str(pred.shape)}, got {shape_str(y.shape)}"
            + ("; reshape one of them (e.g. y.view_as(" + pred_name + "))" if y.numel() == pred.numel() else "")
        )
    require_same_dtype_device(pred, pred_name, y, "y")


class _LossFunction(ManualFunction):
    """Shared by the losses: inputs (prediction, y, reduction); saves both tensors and the 1/n."""

    @classmethod
    def cost(cls, prediction: torch.Tensor, y: torch.Tensor, reduction: str) -> torch.Tensor:
        """J alone, without a graph (layer-by-layer backprop, Ma Algorithm 4, calls it)."""
        return cls.forward(prediction, y, reduction)

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        prediction, y, reduction = inputs
        ctx.scale = reduction_scale(prediction, reduction)
        ctx.save_for_backward(prediction, y)


class SquaredLossFunction(_LossFunction):
    r"""J^(i) = ½ ‖o^(i) − y^(i)‖² (Ma eq. 3.4); ∂J^(i)/∂o = o − y (Ma eq. 3.16).

    The ½ cancels the 2 of the derivative, so this is half of torch's
    ``mse_loss(reduction="sum")`` (and "mean" divides by n, not by n·k).
    """

    @staticmethod
    def forward(o: torch.Tensor, y: torch.Tensor, reduction: str) -> torch.Tensor:
        residual = o - y
        return 0.5 * residual.pow(2).sum() * reduction_scale(o, reduction)

    @staticmethod
    def delta(o: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """∂J^(i)/∂o^(i) = o − y for every example (Ma eq. 3.16)."""
        return o - y

    @staticmethod
    def backward(ctx, grad_J: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:
        o, y = ctx.saved_tensors
        delta = SquaredLossFunction.delta(o, y) * (grad_J * ctx.scale)
        return (
            delta if ctx.needs_input_grad[0] else None,
            -delta if ctx.needs_input_grad[1] else None,
            None,
        )


class LogisticLossFunction(_LossFunction):
    r"""J^(i) = −[y log σ(z) + (1 − y) log(1 − σ(z))] on logits z; δ = σ(z) − y.

    Computed as max(z, 0) − y z + log(1 + e^(−|z|)), which never takes the log
    of 0 or the exp of a large number, so it is exact for |z| in the thousands.
    """

    @staticmethod
    def forward(z: torch.Tensor, y: torch.Tensor, reduction: str) -> torch.Tensor:
        per_output = z.clamp_min(0) - y * z + torch.log1p(torch.exp(-z.abs()))
        return per_output.sum() * reduction_scale(z, reduction)

    @staticmethod
    def delta(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """∂J^(i)/∂z^(i) = σ(z) − y: the sigmoid's derivative cancels the log's."""
        return torch.sigmoid(z) - y

    @staticmethod
    def backward(ctx, grad_J: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:
        z, y = ctx.saved_tensors
        scale = grad_J * ctx.scale
        grad_z = LogisticLossFunction.delta(z, y) * scale if ctx.needs_input_grad[0] else None
        grad_y = -z * scale if ctx.needs_input_grad[1] else None  # ∂J/∂y = −z
        return grad_z, grad_y, None


class SoftmaxCrossEntropyFunction(_LossFunction):
    r"""J^(i) = −log softmax(z^(i))_{y^(i)} on logits z ∈ R^{n×k}; δ = softmax(z) − onehot(y).

    log-softmax is computed as z − logsumexp(z) (the max is subtracted inside),
    so large logits neither overflow nor lose the gradient.

    Forward returns J and, as a second, non-differentiable output, log softmax(z),
    which the backward saves: softmax(z) = exp(log softmax(z)) is then one
    element-wise exp, several times cheaper on a CPU than a second softmax.
    """

    @staticmethod
    def forward(z: torch.Tensor, y: torch.Tensor, reduction: str) -> Tuple[torch.Tensor, torch.Tensor]:
        log_p = torch.log_softmax(z, dim=1)
        # nll_loss(·, reduction="sum") is −Σ_i log_p[i, y^(i)]: one kernel for the gather and the sum.
        return F.nll_loss(log_p, y, reduction="sum") * reduction_scale(z, reduction), log_p

    @staticmethod
    def setup_context(ctx, inputs, outputs) -> None:
        z, y, reduction = inputs
        _, log_p = outputs
        ctx.mark_non_differentiable(log_p)
        ctx.set_materialize_grads(False)  # log_p's gradient is never used: no (n, k) zeros for it
        ctx.scale = reduction_scale(z, reduction)
        ctx.save_for_backward(log_p, y)

    @classmethod
    def cost(cls, z: torch.Tensor, y: torch.Tensor, reduction: str) -> torch.Tensor:
        """J alone, without log softmax(z)."""
        return cls.forward(z, y, reduction)[0]

    @staticmethod
    def delta(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """∂J^(i)/∂z^(i) = softmax(z^(i)) − onehot(y^(i)), one row per example."""
        return SoftmaxCrossEntropyFunction.delta_from_log_softmax(torch.log_softmax(z, dim=1), y)

    @staticmethod
    def delta_from_log_softmax(log_p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """softmax(z) − onehot(y), given log_p = log softmax(z)."""
        probabilities = log_p.exp()
        # In place on the fresh softmax: subtracting the one-hot needs no second (n, k) tensor.
        return probabilities.scatter_add_(1, y.unsqueeze(1), torch.full_like(log_p[:, :1], -1.0))

    @staticmethod
    def backward(ctx, grad_J: torch.Tensor, _grad_log_p: Optional[torch.Tensor]) -> Tuple[Optional[torch.Tensor], ...]:
        if grad_J is None or not ctx.needs_input_grad[0]:  # None: J's gradient is undefined, i.e. zero
            return None, None, None
        log_p, y = ctx.saved_tensors
        # Out of place: under jacrev grad_J carries a batch of cotangents that δ (one per example) does not.
        return SoftmaxCrossEntropyFunction.delta_from_log_softmax(log_p, y) * (grad_J * ctx.scale), None, None


class BinaryCrossEntropyFunction(_LossFunction):
    r"""J^(i) = −[y log p + (1 − y) log(1 − p)] on probabilities p ∈ [0, 1].

    ∂J/∂p = (p − y) / (p (1 − p)). As torch does, each log is clamped at −100 and
    the denominator at 1e-12 so that p = 0 or 1 gives large, finite numbers.
    Prefer :func:`logistic_loss` on logits: it is exact where this one clamps.
    """

    @staticmethod
    def forward(p: torch.Tensor, y: torch.Tensor, reduction: str) -> torch.Tensor:
        log_p = torch.log(p).clamp_min(-100)
        log_1mp = torch.log1p(-p).clamp_min(-100)
        return -(y * log_p + (1 - y) * log_1mp).sum() * reduction_scale(p, reduction)

    @staticmethod
    def backward(ctx, grad_J: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:
        p, y = ctx.saved_tensors
        scale = grad_J * ctx.scale
        grad_p = (p - y) / (p * (1 - p)).clamp_min(_TORCH_BCE_EPS) * scale if ctx.needs_input_grad[0] else None
        # ∂J/∂y = log(1 − p) − log p
        grad_y = (torch.log1p(-p).clamp_min(-100) - torch.log(p).clamp_min(-100)) * scale if ctx.needs_input_grad[1] else None
        return grad_p, grad_y, None


def squared_loss(o: torch.Tensor, y: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """½ (o − y)² per example, averaged ("mean") or summed over the n examples."""
    check_reduction(reduction)
    check_prediction_target(o, "o", y)
    return SquaredLossFunction.apply(o, y, reduction)


def check_binary_labels(pred: torch.Tensor, pred_name: str, y: torch.Tensor) -> None:
    """y must match ``pred`` and hold labels (or soft labels) in [0, 1]."""
    check_prediction_target(pred, pred_name, y)
    require_unit_interval(y, "y must hold labels (1 = positive class)", "labels in {-1, +1} become {0, 1} with (y + 1) / 2")


def logistic_loss(z: torch.Tensor, y: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """Logistic (log) loss of the logits z against labels y ∈ {0, 1} (floats, same shape as z)."""
    check_reduction(reduction)
    check_binary_labels(z, "z", y)
    return LogisticLossFunction.apply(z, y, reduction)


def check_class_labels(z: torch.Tensor, y: torch.Tensor) -> None:
    """z must be (n, k) float logits, y (n,) integer class indices in [0, k)."""
    check_class_label_shapes(z, y)
    k = z.shape[1]
    require_in_range(y, 0, k - 1, f"y must hold class indices in [0, k) = [0, {k})")


@remember_passing
def check_class_label_shapes(z: torch.Tensor, y: torch.Tensor) -> None:
    """z must be (n, k) float logits, y (n,) integer class indices."""
    require_float(z, "z")
    require_ndim(z, "z", 2, "(n, k): n examples, k class scores")
    require_tensor(y, "y")
    if y.is_floating_point() or y.dtype == torch.bool:
        raise TypeError(f"y must hold integer class indices (torch.long), got {y.dtype}; use y.long()")
    n, k = z.shape
    if tuple(y.shape) != (n,):
        raise ValueError(f"y must be (n,) = ({n},), one class index per row of z, got {shape_str(y.shape)}")
    if y.device != z.device:
        raise ValueError(f"y is on {y.device} but z is on {z.device}; move both with .to(device)")


def softmax_cross_entropy(z: torch.Tensor, y: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """Cross-entropy of softmax(z) against class indices y; z is (n, k), y is (n,) long."""
    check_reduction(reduction)
    check_class_labels(z, y)
    J, _ = SoftmaxCrossEntropyFunction.apply(z, y.long(), reduction)
    return J


def check_probabilities(p: torch.Tensor) -> None:
    require_unit_interval(p, "p must be probabilities", "for logits use logistic_loss(z, y), which also is numerically stable")


def binary_cross_entropy(p: torch.Tensor, y: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """Binary cross-entropy of probabilities p against labels y ∈ [0, 1] (same shape)."""
    check_reduction(reduction)
    check_binary_labels(p, "p", y)
    check_probabilities(p)
    return BinaryCrossEntropyFunction.apply(p, y, reduction)
