r"""What :func:`cs229nn.train.fit` notices while training: problems that train but learn badly.

Each problem is reported once per ``fit`` call as a :class:`TrainingWarning`
whose message names the fix:

* input features unscaled by orders of magnitude (checked on the first batch);
* most ReLU units dead: zero for every training example of an epoch, so
  g′(z) = 0 and no gradient reaches their weights;
* every weight gradient ∂J/∂W^[ℓ] exactly zero through an epoch (all-zero
  initialization, Ng §3.1, or a network that is dead end to end).

Everything per step stays on the device (running flags, no ``.item()``); the
flags are read once, at the end of an epoch.
"""

import warnings
from typing import Dict, List, Optional, Set

import torch

from cs229nn.nn.activations import ReLU

# A ReLU is dead on an epoch when it is never positive; "most" means more than this share.
DEAD_RELU_SHARE = 0.5
# "Orders of magnitude": a feature's root-mean-square, or the ratio of two features', beyond this.
SCALE_LIMIT = 100.0


class TrainingWarning(UserWarning):
    """Training runs but will learn badly; the message says why and what to change."""


def input_scale_problem(x: torch.Tensor) -> Optional[str]:
    """Why the batch ``x`` is badly scaled (one sentence with the fix), or None.

    Scales are root-mean-squares over the batch: of every feature for tabular
    inputs (n, d), of all values for images and other inputs.
    """
    if not x.is_floating_point() or x.dim() < 2 or x.shape[0] < 2:
        return None
    rms = x.detach().reshape(x.shape[0], -1).double().square().mean(0).sqrt()
    largest = float(rms.max())
    fix = "standardize each feature with the training set's mean μ and std σ, x := (x − μ) / σ, before training"
    if largest > SCALE_LIMIT:
        return f"input features reach a root-mean-square of {largest:.3g} (the weights' scale is ~1): {fix}"
    if x.dim() == 2:
        nonzero = rms[rms > 0]
        if nonzero.numel() > 1 and float(nonzero.max() / nonzero.min()) > SCALE_LIMIT:
            big, small = int(rms.argmax()), int(torch.where(rms > 0, rms, torch.inf).argmin())
            return (
                f"input features differ in scale by a factor of {float(rms[big] / rms[small]):.3g} "
                f"(feature {big}: root-mean-square {float(rms[big]):.3g}, feature {small}: {float(rms[small]):.3g}), "
                f"so one learning rate cannot suit both: {fix}"
            )
    return None


class Diagnosis:
    """Watches one training run of ``model``; :meth:`end_epoch` warns about what it saw.

    Use as a context manager (it installs forward hooks on the ReLU modules and
    removes them on exit); call :meth:`first_batch` with the first inputs,
    :meth:`after_backward` after every ``loss.backward()``.
    """

    def __init__(self, model: torch.nn.Module) -> None:
        self.model = model
        self.warned: Set[str] = set()
        self.relus = [m for m in model.modules() if isinstance(m, (ReLU, torch.nn.ReLU))]
        self.weights = [p for p in model.parameters() if p.requires_grad and p.dim() >= 2]
        self.ever_positive: Dict[torch.nn.Module, torch.Tensor] = {}
        self.weight_grad_seen: Optional[torch.Tensor] = None
        self.hooks: List[torch.utils.hooks.RemovableHandle] = []

    def __enter__(self) -> "Diagnosis":
        self.hooks = [m.register_forward_hook(self._record_relu) for m in self.relus]
        return self

    def __exit__(self, *exc) -> None:
        for hook in self.hooks:
            hook.remove()

    def _record_relu(self, module: torch.nn.Module, inputs, a: torch.Tensor) -> None:
        if not module.training or a.dim() < 2:
            return  # evaluation batches do not count; a unit is a column (n, m) or a channel (n, C, …)
        positive = a.detach().amax(dim=[0, *range(2, a.dim())]) > 0  # no copy of a: one max per unit
        seen = self.ever_positive.get(module)
        self.ever_positive[module] = positive if seen is None else seen | positive

    def first_batch(self, x: torch.Tensor) -> None:
        self._warn_once("scale", input_scale_problem(x))

    def after_backward(self) -> None:
        grads = [p.grad for p in self.weights if p.grad is not None]
        if grads:
            nonzero = torch.stack([g.ne(0).any() for g in grads]).any()
            self.weight_grad_seen = nonzero if self.weight_grad_seen is None else self.weight_grad_seen | nonzero

    def end_epoch(self, epoch: int, lr: float) -> None:
        """Warn about the epoch just finished (each problem once per run), then start counting afresh."""
        if self.ever_positive:
            units = sum(seen.numel() for seen in self.ever_positive.values())
            dead = units - int(sum(seen.sum() for seen in self.ever_positive.values()))
            if dead > DEAD_RELU_SHARE * units:
                self._warn_once(
                    "dead relu",
                    f"{dead} of {units} ReLU units output 0 for every training example of epoch {epoch}: "
                    f"g′(z) = 0 there, so their weights get no gradient and they cannot recover. "
                    f"Lower the learning rate (now {lr}), initialize with He (cs229nn.init.initialize_(model, 'he')), "
                    f"or use LeakyReLU",
                )
        if self.weight_grad_seen is not None and not bool(self.weight_grad_seen):
            self._warn_once(
                "zero gradients",
                f"every weight gradient ∂J/∂W^[ℓ] was exactly 0 throughout epoch {epoch}, so no weight changes. "
                f"With all-zero weights every unit outputs the same and passes no gradient back (Ng §3.1): "
                f"initialize randomly, e.g. cs229nn.init.initialize_(model, 'he') for ReLU or 'xavier' for tanh",
            )
        self.ever_positive, self.weight_grad_seen = {}, None

    def _warn_once(self, kind: str, message: Optional[str]) -> None:
        if message is not None and kind not in self.warned:
            self.warned.add(kind)
            warnings.warn(message, TrainingWarning, stacklevel=4)
