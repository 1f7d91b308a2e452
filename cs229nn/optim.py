r"""The notes' optimizers as ``torch.optim.Optimizer`` s, written by hand.

* :class:`SGD`: θ := θ − α ∇J (Ma eq. 1.3–1.5; Ng eq. 3.10–3.11). What it descends
  is decided by the data it is given: the whole set (GD), one example
  (Ma Algorithm 1) or a mini-batch (Ma Algorithm 2); see :mod:`cs229nn.sampling`.
* :class:`Momentum`: Ng eq. 3.16, v := βv + (1 − β)∇J, W := W − αv.

Both take ``weight_decay`` = λ, the L2 regularization of Ng eq. 3.17–3.21:
the gradient of J + (λ/2)‖W‖² is ∇J + λW, so plain SGD becomes
W := (1 − αλ)W − α∇J (Ng eq. 3.21).

Which parameters are regularized: by default only tensors with 2 or more
dimensions, i.e. weight matrices W^[ℓ] and convolution filters. 1-D tensors
are taken to be biases b^[ℓ] (or normalization scales) and are not decayed,
as in the slides ("the intercept does not have a regularizer"). Set
``decay_biases=True`` for the optimizer, or for one parameter group, to
regularize every tensor of it::

    SGD([{"params": model.parameters()}], lr=0.1, weight_decay=1e-3)          # W only
    SGD([{"params": [W], "decay_biases": True}], lr=0.1, weight_decay=1e-3)   # per group
"""

from collections.abc import Iterable
from typing import Callable, Optional

import torch
from torch.optim import Optimizer

from cs229nn.hyperparameters import flag, real_number


class _NotesOptimizer(Optimizer):
    """Argument checks and the L2 term shared by the notes' optimizers."""

    def __init__(self, params: Iterable, defaults: dict) -> None:
        name = type(self).__name__
        if isinstance(params, torch.nn.Module):
            raise TypeError(
                f"{name}(params, lr): params must be the model's parameters, e.g. "
                f"{name}(model.parameters(), lr=0.1), got the module {type(params).__name__} itself"
            )
        if isinstance(params, torch.Tensor) or not isinstance(params, Iterable):
            what = "one tensor" if isinstance(params, torch.Tensor) else f"{params!r} ({type(params).__name__})"
            raise TypeError(f"{name}(params, lr): params must be an iterable of tensors, e.g. [W] or model.parameters(), got {what}")
        params = list(params)
        if not params:
            raise ValueError(
                f"{name}(params, lr): params is empty: the model has no parameters, or model.parameters() "
                f"was used up already (it is a generator; call it again for each optimizer)"
            )
        super().__init__(params, self.check_hyperparameters(defaults))

    def check_hyperparameters(self, options: dict) -> dict:
        """Refuse an α, λ or β of the wrong type or range, in the constructor's own words."""
        name, checked = type(self).__name__, dict(options)
        if "lr" in options:
            checked["lr"] = real_number(options["lr"], f"{name}(params, lr): the learning rate α", at_least=0)
        if "weight_decay" in options:
            checked["weight_decay"] = real_number(options["weight_decay"], f"{name}(weight_decay): the L2 strength λ", at_least=0)
        if "beta" in options:
            checked["beta"] = real_number(options["beta"], f"{name}(beta): β", at_least=0, below=1)
        if "decay_biases" in options:
            flag(options["decay_biases"], f"{name}(decay_biases)")
        return checked

    def add_param_group(self, param_group: dict) -> None:
        """torch's, after checking the group's own hyperparameters (a group may override lr, weight_decay, …)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"a parameter group must be a dict like {{'params': [...], 'lr': 0.1}}, got {type(param_group).__name__}")
        if isinstance(param_group.get("params"), torch.nn.Module):
            raise TypeError("a parameter group's 'params' must be parameters, e.g. model.parameters(), not a module")
        super().add_param_group(self.check_hyperparameters(param_group))

    @staticmethod
    def regularized_grad(p: torch.Tensor, group: dict) -> torch.Tensor:
        """∂/∂W [J + (λ/2)‖W‖²] = ∇J + λW (Ng eq. 3.20) for regularized tensors, ∇J for the rest."""
        decays = group["weight_decay"] != 0 and (p.dim() >= 2 or group["decay_biases"])
        return p.grad.add(p, alpha=group["weight_decay"]) if decays else p.grad

    @torch.no_grad()
    def step(self, closure: Optional[Callable[[], float]] = None) -> Optional[float]:
        """One update of every parameter that has a gradient; ``closure`` re-evaluates the loss."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self.update(p, group)
        return loss

    def update(self, p: torch.Tensor, group: dict) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class SGD(_NotesOptimizer):
    r"""Gradient descent θ := θ − α ∇_θ J (Ma eq. 1.3; Ng eq. 3.10–3.11), with optional L2.

    With λ > 0 a regularized tensor is updated by W := (1 − αλ)W − α∇J (Ng eq. 3.21).

    Args:
        params: parameters or parameter groups, as for any ``torch.optim.Optimizer``.
        lr: α, the learning rate.
        weight_decay: λ of the L2 term (λ/2)‖W‖² (Ng eq. 3.17). Default 0.
        decay_biases: also regularize 1-D tensors (biases). Default False.

    Same update as ``torch.optim.SGD(params, lr, weight_decay=λ)`` except that
    torch decays every tensor, biases included.
    """

    def __init__(self, params: Iterable, lr: float, weight_decay: float = 0.0, decay_biases: bool = False) -> None:
        super().__init__(params, dict(lr=lr, weight_decay=weight_decay, decay_biases=decay_biases))

    def update(self, p: torch.Tensor, group: dict) -> None:
        p.add_(self.regularized_grad(p, group), alpha=-group["lr"])


class Momentum(_NotesOptimizer):
    r"""Momentum as Ng defines it (Ng eq. 3.16), v starting at 0:

    v := β v + (1 − β) ∇J,   W := W − α v.

    v is an exponential moving average of the gradients. ``torch.optim.SGD``
    with ``momentum=β`` keeps u := β u + ∇J instead, so u = v / (1 − β); the
    trajectories are the same with ``torch.optim.SGD(lr=α(1 − β), momentum=β)``.

    Args:
        params: parameters or parameter groups.
        lr: α, the learning rate.
        beta: β ∈ [0, 1), how much of the velocity is kept each step. Default 0.9.
        weight_decay: λ of the L2 term; the velocity then averages ∇J + λW.
        decay_biases: also regularize 1-D tensors (biases). Default False.
    """

    def __init__(
        self, params: Iterable, lr: float, beta: float = 0.9, weight_decay: float = 0.0, decay_biases: bool = False
    ) -> None:
        super().__init__(params, dict(lr=lr, beta=beta, weight_decay=weight_decay, decay_biases=decay_biases))

    def update(self, p: torch.Tensor, group: dict) -> None:
        state = self.state[p]
        if "velocity" not in state:
            state["velocity"] = torch.zeros_like(p, memory_format=torch.preserve_format)
        v = state["velocity"]
        v.mul_(group["beta"]).add_(self.regularized_grad(p, group), alpha=1 - group["beta"])
        p.add_(v, alpha=-group["lr"])
