r"""The training loop: mini-batch SGD with progress, history and checks.

``fit`` takes the batches in the order the loader gives them. With a shuffled
``DataLoader`` that is mini-batch SGD with random reshuffling: every epoch is
one random permutation cut into batches, so each example is used once per
epoch. Ma Algorithm 2 instead draws every batch independently (B examples
without replacement, Ma eq. 1.5); :func:`cs229nn.sampling.minibatch_loader`
gives exactly that, and ``fit`` runs it unchanged.

Example::

    history = fit(model, cs229nn.nn.SoftmaxCrossEntropy(), train_loader, epochs=20, lr=0.1,
                  test_loader=test_loader, seed=0)
    cs229nn.plot.loss_curves(history, path="curves.png")
"""

import functools
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, List, Optional, TextIO, Tuple, Union

import torch
from tqdm import tqdm

from cs229nn.device import device as default_device
from cs229nn.diagnosis import Diagnosis, TrainingWarning  # noqa: F401  (TrainingWarning is part of fit's interface)
from cs229nn.nn.losses import BinaryCrossEntropy, LogisticLoss, SoftmaxCrossEntropy
from cs229nn.optim import SGD

Accuracy = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]

# On a terminal the running loss in the bar is refreshed at most this often: each refresh reads
# the device (a synchronization on CUDA), so it must not happen every step.
REFRESH_SECONDS = 0.5


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


def _trend(name: str, values: List[float]) -> str:
    return f"{name} {values[0]:.4g}" if len(values) == 1 else f"{name} {values[0]:.4g} → {values[-1]:.4g}"


@dataclass(repr=False)
class History:
    """Per-epoch averages over the examples: ``train_loss[e]`` is epoch e + 1.

    Accuracies are empty lists when the loss has no accuracy; test lists are
    empty without a test loader. The training numbers are averaged over the
    epoch's steps, as the model changed; the test numbers use the model at the
    end of the epoch. Printed, it shows first → last of each list.
    """

    train_loss: List[float] = field(default_factory=list)
    train_accuracy: List[float] = field(default_factory=list)
    test_loss: List[float] = field(default_factory=list)
    test_accuracy: List[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    def __repr__(self) -> str:
        named = [("train loss", self.train_loss), ("train accuracy", self.train_accuracy),
                 ("test loss", self.test_loss), ("test accuracy", self.test_accuracy)]
        trends = [_trend(name, values) for name, values in named if values]
        return f"History({self.epochs} epochs" + (": " + ", ".join(trends) if trends else "") + ")"

    def summary(self, epoch: int) -> str:
        """One line for epoch ``epoch`` (1-based): train loss and accuracy, then test loss and accuracy."""
        parts = [f"train loss {self.train_loss[epoch - 1]:.4g}"]
        if self.train_accuracy:
            parts.append(f"accuracy {self.train_accuracy[epoch - 1]:.3f}")
        if self.test_loss:
            parts.append(f"test loss {self.test_loss[epoch - 1]:.4g}")
        if self.test_accuracy:
            parts.append(f"accuracy {self.test_accuracy[epoch - 1]:.3f}")
        return ", ".join(parts)


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
    """Sums over the examples of one pass, kept on the device so that adding a batch never waits for it.

    Also records the first step whose loss is NaN or infinite (0: none yet), again on the device.
    """

    def __init__(self, loss_fn: Callable, loader_name: str) -> None:
        self.per_batch_is_sum = _reduction_of(loss_fn) == "sum"
        self.loader_name = loader_name
        self.loss = self.correct = 0.0
        self.count = 0
        self.first_bad_step: Optional[torch.Tensor] = None
        self.first_bad_loss: Optional[torch.Tensor] = None

    def add(self, step: int, loss: torch.Tensor, accuracy: Optional[torch.Tensor], n: int) -> None:
        loss = loss.detach()
        self.loss = self.loss + (loss if self.per_batch_is_sum else loss * n)
        if accuracy is not None:
            self.correct = self.correct + accuracy * n
        self.count += n
        if self.first_bad_step is None:
            self.first_bad_step = torch.zeros((), dtype=torch.long, device=loss.device)
            self.first_bad_loss = torch.zeros_like(loss)
        new_bad = ~torch.isfinite(loss) & (self.first_bad_step == 0)
        self.first_bad_step.masked_fill_(new_bad, step)
        self.first_bad_loss = torch.where(new_bad, loss, self.first_bad_loss)

    def raise_if_diverged(self, epoch: int, lr: float) -> None:
        """FloatingPointError naming the first bad step, if there was one (reads the device)."""
        if self.first_bad_step is not None and int(self.first_bad_step) != 0:
            raise FloatingPointError(
                f"loss became {float(self.first_bad_loss)} at epoch {epoch}, step {int(self.first_bad_step)} — "
                f"learning rate {lr} may be too high"
            )

    def means(self) -> Tuple[float, float]:
        """(mean loss, mean accuracy) per example; refuses a pass that saw no example."""
        if self.count == 0:
            raise ValueError(
                f"{self.loader_name} yielded no batch: is its dataset empty, or is batch_size larger than "
                f"the dataset with drop_last=True?"
            )
        return float(self.loss) / self.count, float(self.correct) / self.count


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
    """(average loss, accuracy or None) of ``model`` over every example of ``loader``, without training.

    The model runs in evaluation mode (``model.eval()``: dropout off, …) and is
    put back in its previous mode afterwards.
    """
    device = torch.device(device) if device is not None else default_device()
    accuracy_fn = accuracy_for(loss_fn) if accuracy == "auto" else accuracy
    totals = _Totals(loss_fn, "the evaluation loader")
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            for step, batch in enumerate(loader, start=1):
                x, y = _to(batch, device)
                out = model(x)
                totals.add(step, loss_fn(out, y), None if accuracy_fn is None else accuracy_fn(out, y), len(x))
    finally:
        model.train(was_training)
    loss, acc = totals.means()
    return loss, (acc if accuracy_fn is not None else None)


def _stream(progress: Union[bool, TextIO]) -> Optional[TextIO]:
    if progress is True:
        return sys.stderr
    return progress or None


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


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
    progress: Union[bool, TextIO] = True,
    accuracy: Union[str, Accuracy, None] = "auto",
) -> History:
    r"""Train ``model`` by minimizing ``loss_fn`` over ``train_loader`` for ``epochs`` passes.

    Each step: forward, J on the batch, backward (the model's own mode: manual
    or autograd), one optimizer step (for SGD, θ := θ − α ∇J on the batch,
    Ma eq. 1.5). After every epoch the model is evaluated on ``test_loader``.
    Batches come in the loader's order: a shuffled DataLoader gives random
    reshuffling, :func:`cs229nn.sampling.minibatch_loader` Ma Algorithm 2.

    Nothing in a step reads a value back from the device, so on CUDA the steps
    queue without waiting: running sums and the NaN/inf check stay on the
    device and are read once per epoch (on the CPU, where reading costs
    nothing, the check runs after every step and stops at once).

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
        progress: True (to stderr), False, or a text stream. Every epoch ends
            with one summary line (train loss and accuracy, test loss and
            accuracy); on a terminal a transient bar with the running loss
            shows the steps in between, elsewhere (a log file, CI, a pipe)
            nothing else is written.
        accuracy: "auto" (from the loss: :func:`accuracy_for`), None, or a
            function (output, y) -> fraction correct in the batch.

    Returns:
        A :class:`History` of per-epoch train/test loss and accuracy.

    Raises:
        FloatingPointError: when the loss is NaN or infinite, naming the epoch,
            the first bad step and the learning rate.
        ValueError: when a loader yields no batch.

    Warns:
        TrainingWarning: once each, with the fix, when input features are
            unscaled by orders of magnitude, when most ReLU units are dead, or
            when every weight gradient is zero (:mod:`cs229nn.diagnosis`).
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
    stream = _stream(progress)
    check_every_step = device.type == "cpu"
    history = History()
    with Diagnosis(model) as diagnosis:
        for epoch in range(1, epochs + 1):
            learning_rate = optimizer.param_groups[0]["lr"]
            model.train()
            totals = _Totals(loss_fn, "train_loader")
            bar = tqdm(train_loader, desc=f"epoch {epoch}/{epochs}", file=stream, leave=False,
                       disable=stream is None or not _is_terminal(stream))
            refreshed = time.monotonic()
            for step, batch in enumerate(bar, start=1):
                x, y = _to(batch, device)
                if epoch == 1 and step == 1:
                    diagnosis.first_batch(x)
                out = model(x)
                loss = loss_fn(out, y)
                with torch.no_grad():
                    totals.add(step, loss, None if accuracy_fn is None else accuracy_fn(out, y), len(x))
                if check_every_step:
                    totals.raise_if_diverged(epoch, learning_rate)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                diagnosis.after_backward()
                optimizer.step()
                if not bar.disable and time.monotonic() - refreshed > REFRESH_SECONDS:
                    refreshed = time.monotonic()
                    bar.set_postfix_str(_running(totals, accuracy_fn))
            bar.close()
            totals.raise_if_diverged(epoch, learning_rate)
            train_loss, train_acc = totals.means()
            history.train_loss.append(train_loss)
            if accuracy_fn is not None:
                history.train_accuracy.append(train_acc)
            if test_loader is not None:
                test_loss, test_acc = evaluate(model, loss_fn, test_loader, device=device, accuracy=accuracy_fn)
                history.test_loss.append(test_loss)
                if test_acc is not None:
                    history.test_accuracy.append(test_acc)
            diagnosis.end_epoch(epoch, learning_rate)
            if stream is not None:
                print(f"epoch {epoch}/{epochs}: {history.summary(epoch)}", file=stream, flush=True)
    return history


def _running(totals: _Totals, accuracy_fn: Optional[Accuracy]) -> str:
    loss, acc = totals.means()
    return f"loss={loss:.4g}" + (f", acc={acc:.3f}" if accuracy_fn is not None else "")
