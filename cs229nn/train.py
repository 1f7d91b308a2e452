r"""The training loop: mini-batch SGD (notes Algorithm 2) with progress, history and checks.

Example::

    history = fit(model, cs229nn.nn.SoftmaxCrossEntropy(), train_loader, epochs=20, lr=0.1,
                  test_loader=test_loader, seed=0)
    cs229nn.plot.loss_curves(history, path="curves.png")
"""

import functools
import math
from dataclasses import dataclass, field
from typing import Callable, Iterable, List, Optional, Tuple, Union

import torch
from tqdm.auto import tqdm

from cs229nn.device import device as default_device
from cs229nn.nn.losses import BinaryCrossEntropy, LogisticLoss, SoftmaxCrossEntropy
from cs229nn.optim import SGD

Accuracy = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def argmax_accuracy(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Fraction of rows whose largest score z is the class index y (softmax classifiers)."""
    return (z.argmax(dim=1) == y).double().mean()


def logit_accuracy(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Fraction of outputs with (z > 0) == y: σ(z) > ½ predicts 1 (logistic loss on logits)."""
    return ((z > 0) == (y > 0.5)).double().mean()


def probability_accuracy(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Fraction of outputs with (p > ½) == y (binary cross-entropy on probabilities)."""
    return ((p > 0.5) == (y > 0.5)).double().mean()


def accuracy_for(loss_fn: Callable) -> Optional[Accuracy]:
    """The accuracy that goes with a loss: argmax for softmax cross-entropy, z > 0 for logistic loss,
    p > ½ for binary cross-entropy, None (no accuracy) for regression losses."""
    if isinstance(loss_fn, (SoftmaxCrossEntropy, torch.nn.CrossEntropyLoss)):
        return argmax_accuracy
    if isinstance(loss_fn, (LogisticLoss, torch.nn.BCEWithLogitsLoss)):
        return logit_accuracy
    if isinstance(loss_fn, (BinaryCrossEntropy, torch.nn.BCELoss)):
        return probability_accuracy
    return None


@dataclass
class History:
    """Per-epoch averages over the examples: ``train_loss[e]`` is epoch e + 1.

    Accuracies are empty lists when the loss has no accuracy; test lists are
    empty without a test loader. The training numbers are averaged over the
    epoch's steps, as the model changed; the test numbers use the model at the
    end of the epoch.
    """

    train_loss: List[float] = field(default_factory=list)
    train_accuracy: List[float] = field(default_factory=list)
    test_loss: List[float] = field(default_factory=list)
    test_accuracy: List[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        return len(self.train_loss)


def _reduction_of(loss_fn: Callable) -> str:
    """"mean" or "sum": a loss module's ``reduction``, or a ``functools.partial``'s keyword.

    Any other function is taken to average over the batch, the default of every
    cs229nn and torch loss.
    """
    if hasattr(loss_fn, "reduction"):
        return loss_fn.reduction
    if isinstance(loss_fn, functools.partial):
        return loss_fn.keywords.get("reduction", "mean")
    return "mean"


class _Totals:
    """Running sums over examples, for losses that average ("mean") or add ("sum") over a batch."""

    def __init__(self, loss_fn: Callable) -> None:
        self.per_batch_is_sum = _reduction_of(loss_fn) == "sum"
        self.loss = self.correct = 0.0
        self.count = 0

    def add(self, loss: float, accuracy: Optional[torch.Tensor], n: int) -> None:
        self.loss += loss if self.per_batch_is_sum else loss * n
        self.correct += 0.0 if accuracy is None else float(accuracy) * n
        self.count += n

    def means(self) -> Tuple[float, float]:
        return self.loss / max(self.count, 1), self.correct / max(self.count, 1)


def _to(batch, device: torch.device) -> Tuple[torch.Tensor, torch.Tensor]:
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        raise TypeError(f"each batch of the loader must be a pair (x, y), got {type(batch).__name__}")
    x, y = batch
    return x.to(device, non_blocking=True), y.to(device, non_blocking=True)


def evaluate(
    model: torch.nn.Module,
    loss_fn: Callable,
    loader: Iterable,
    *,
    device: Optional[Union[str, torch.device]] = None,
    accuracy: Union[str, Accuracy, None] = "auto",
) -> Tuple[float, Optional[float]]:
    """(average loss, accuracy or None) of ``model`` over every example of ``loader``, without training."""
    device = torch.device(device) if device is not None else default_device()
    accuracy_fn = accuracy_for(loss_fn) if accuracy == "auto" else accuracy
    totals = _Totals(loss_fn)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        for batch in loader:
            x, y = _to(batch, device)
            out = model(x)
            totals.add(float(loss_fn(out, y)), None if accuracy_fn is None else accuracy_fn(out, y), len(x))
    model.train(was_training)
    loss, acc = totals.means()
    return loss, (acc if accuracy_fn is not None else None)


def fit(
    model: torch.nn.Module,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    train_loader: Iterable,
    *,
    epochs: int,
    optimizer: Optional[torch.optim.Optimizer] = None,
    lr: Optional[float] = None,
    device: Optional[Union[str, torch.device]] = None,
    test_loader: Optional[Iterable] = None,
    seed: Optional[int] = None,
    progress: bool = True,
    accuracy: Union[str, Accuracy, None] = "auto",
) -> History:
    r"""Train ``model`` by minimizing ``loss_fn`` over ``train_loader`` for ``epochs`` passes.

    Each step: forward, J on the batch, backward (the model's own mode: manual
    or autograd), one optimizer step (notes eq. 1.5). After every epoch the
    model is evaluated on ``test_loader``.

    Args:
        model: any module mapping x to outputs; moved to ``device``.
        loss_fn: J(output, y), e.g. ``cs229nn.nn.SoftmaxCrossEntropy()``.
        train_loader: yields pairs (x, y), e.g. a DataLoader or
            :func:`cs229nn.sampling.minibatch_loader`.
        epochs: the number of passes over ``train_loader``.
        optimizer: any ``torch.optim.Optimizer`` over ``model.parameters()``; default
            ``cs229nn.optim.SGD(model.parameters(), lr)``. Give ``optimizer`` or ``lr``, not both.
        lr: α for the default SGD.
        device: default :func:`cs229nn.device` (CUDA when available).
        test_loader: pairs (x, y) to evaluate on after every epoch.
        seed: if given, ``torch.manual_seed(seed)`` first, so that shuffling,
            sampling and dropout repeat exactly.
        progress: show a tqdm bar per epoch with the running loss (and accuracy).
        accuracy: "auto" (from the loss: :func:`accuracy_for`), None, or a
            function (output, y) -> fraction correct in the batch.

    Returns:
        A :class:`History` of per-epoch train/test loss and accuracy.

    Raises:
        FloatingPointError: as soon as the loss is NaN or infinite, naming the
            epoch, the step and the learning rate.
    """
    if int(epochs) != epochs or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    if (optimizer is None) == (lr is None):
        raise ValueError("fit needs the learning rate α (lr=0.1, for cs229nn.optim.SGD) or an optimizer, and not both")
    if seed is not None:
        torch.manual_seed(seed)
    device = torch.device(device) if device is not None else default_device()
    model.to(device)
    if optimizer is None:
        optimizer = SGD(model.parameters(), lr=lr)
    accuracy_fn = accuracy_for(loss_fn) if accuracy == "auto" else accuracy
    history = History()
    for epoch in range(1, epochs + 1):
        model.train()
        totals = _Totals(loss_fn)
        bar = tqdm(train_loader, desc=f"epoch {epoch}/{epochs}", disable=not progress, leave=epoch == epochs)
        for step, batch in enumerate(bar, start=1):
            x, y = _to(batch, device)
            out = model(x)
            loss = loss_fn(out, y)
            value = loss.item()
            if not math.isfinite(value):
                raise FloatingPointError(
                    f"loss became {value} at epoch {epoch}, step {step} — "
                    f"learning rate {optimizer.param_groups[0]['lr']} may be too high"
                )
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                totals.add(value, None if accuracy_fn is None else accuracy_fn(out, y), len(x))
            running_loss, running_acc = totals.means()
            bar.set_postfix(loss=f"{running_loss:.4g}", **({"acc": f"{running_acc:.3f}"} if accuracy_fn else {}))
        train_loss, train_acc = totals.means()
        history.train_loss.append(train_loss)
        if accuracy_fn is not None:
            history.train_accuracy.append(train_acc)
        if test_loader is not None:
            test_loss, test_acc = evaluate(model, loss_fn, test_loader, device=device, accuracy=accuracy_fn)
            history.test_loss.append(test_loss)
            if test_acc is not None:
                history.test_accuracy.append(test_acc)
    return history
