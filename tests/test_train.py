"""fit(): trains cs229nn and torch models, records history, refuses bad input, reports progress and problems."""

import copy
import functools
import io
import warnings

import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

import cs229nn
from cs229nn.functional import squared_loss
from cs229nn.optim import Momentum
from cs229nn import init, train
from cs229nn.diagnosis import TrainingWarning
from cs229nn.train import History, accuracy_for, argmax_accuracy, evaluate, fit, logit_accuracy
from conftest import DEVICES, requires_cuda


def blobs(n=120, k=3, seed=0):
    """k well-separated Gaussian blobs in 2-D, float64."""
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % k
    centers = 3 * torch.stack([torch.cos(2 * torch.pi * y / k), torch.sin(2 * torch.pi * y / k)], 1).double()
    return centers + 0.5 * torch.randn(n, 2, generator=g, dtype=torch.float64), y


def loaders(X, y, batch_size=16):
    half = len(X) // 2
    train = DataLoader(TensorDataset(X[:half], y[:half]), batch_size=batch_size, shuffle=True)
    return train, DataLoader(TensorDataset(X[half:], y[half:]), batch_size=64)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("mode", cs229nn.MODES)
def test_fit_trains_a_cs229nn_classifier_in_either_mode(mode, device):
    torch.manual_seed(0)
    model = cs229nn.nn.MLP([2, 16, 3], "relu", mode=mode, dtype=torch.float64)
    train, test = loaders(*blobs())
    with warnings.catch_warnings():
        warnings.simplefilter("error", TrainingWarning)  # a healthy run raises no diagnosis
        history = fit(model, cs229nn.nn.SoftmaxCrossEntropy(mode=mode), train, epochs=8, lr=0.5,
                      device=device, test_loader=test, seed=0, progress=False)
    assert isinstance(history, History) and history.epochs == 8
    assert len(history.train_accuracy) == len(history.test_loss) == len(history.test_accuracy) == 8
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert history.test_accuracy[-1] > 0.95
    assert next(model.parameters()).device.type == device


def test_manual_and_autograd_modes_give_the_same_history():
    X, y = blobs()
    histories = []
    for mode in cs229nn.MODES:
        torch.manual_seed(1)
        model = cs229nn.nn.MLP([2, 8, 3], "relu", mode=mode, dtype=torch.float64)
        train, test = loaders(X, y)
        histories.append(fit(model, cs229nn.nn.SoftmaxCrossEntropy(), train, epochs=3, lr=0.3,
                             device="cpu", test_loader=test, seed=2, progress=False))
    for a, b in zip(histories[0].train_loss + histories[0].test_loss, histories[1].train_loss + histories[1].test_loss):
        assert a == pytest.approx(b, rel=1e-12)


def test_fit_trains_a_plain_torch_model_with_a_torch_loss_and_optimizer():
    torch.manual_seed(0)
    X, y = blobs(k=2)
    model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2)).double()
    train, test = loaders(X, y)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    history = fit(model, torch.nn.CrossEntropyLoss(), train, epochs=5, optimizer=opt, device="cpu", test_loader=test, progress=False)
    assert history.test_accuracy[-1] > 0.95


def test_logistic_loss_accuracy_is_logit_above_zero_and_regression_has_none():
    torch.manual_seed(0)
    X, y = blobs(k=2)
    y = y.double().unsqueeze(1)
    model = cs229nn.nn.MLP([2, 1], dtype=torch.float64)
    train, _ = loaders(X, y)
    history = fit(model, cs229nn.nn.LogisticLoss(), train, epochs=5, optimizer=Momentum(model.parameters(), lr=0.5),
                  device="cpu", progress=False)
    assert history.train_accuracy[-1] > 0.9
    loss, acc = evaluate(model, cs229nn.nn.LogisticLoss(), train, device="cpu")
    with torch.no_grad():
        expected = ((model(X[:60]) > 0).double() == y[:60]).double().mean().item()
    assert acc == pytest.approx(expected)
    history = fit(model, cs229nn.nn.SquaredLoss(), train, epochs=1, lr=0.01, device="cpu", progress=False)
    assert history.train_accuracy == [] and len(history.train_loss) == 1


def test_epoch_loss_is_the_average_over_examples_for_mean_and_sum_losses():
    X, y = torch.randn(10, 3, dtype=torch.float64), torch.randn(10, 1, dtype=torch.float64)
    model = cs229nn.nn.MLP([3, 1], dtype=torch.float64)
    loader = DataLoader(TensorDataset(X, y), batch_size=4)  # batches of 4, 4, 2
    losses = [cs229nn.nn.SquaredLoss(reduction) for reduction in ("mean", "sum")]
    losses += [functools.partial(squared_loss, reduction=reduction) for reduction in ("mean", "sum")]
    for loss_fn in losses:
        loss, _ = evaluate(model, loss_fn, loader, device="cpu")
        with torch.no_grad():
            assert loss == pytest.approx(cs229nn.nn.SquaredLoss()(model(X), y).item(), rel=1e-12)


def test_accuracy_choices():
    assert accuracy_for(cs229nn.nn.SoftmaxCrossEntropy()) is argmax_accuracy
    assert accuracy_for(torch.nn.BCEWithLogitsLoss()) is logit_accuracy
    assert accuracy_for(cs229nn.nn.SquaredLoss()) is None
    X, y = blobs(n=30, k=2)
    model = cs229nn.nn.MLP([2, 2], dtype=torch.float64)
    always_half = lambda out, y: torch.tensor(0.5)  # noqa: E731
    history = fit(model, cs229nn.nn.SoftmaxCrossEntropy(), DataLoader(TensorDataset(X, y), batch_size=7),
                  epochs=1, lr=0.1, device="cpu", progress=False, accuracy=always_half)
    assert history.train_accuracy == [pytest.approx(0.5)]


def test_seed_makes_training_reproducible():
    X, y = blobs()
    model = cs229nn.nn.MLP([2, 8, 3], dtype=torch.float64)
    runs = [fit(copy.deepcopy(model), cs229nn.nn.SoftmaxCrossEntropy(), loaders(X, y)[0], epochs=2, lr=0.3,
                device="cpu", seed=seed, progress=False).train_loss for seed in (5, 5, 6)]
    assert runs[0] == runs[1] and runs[0] != runs[2]


class BadAtCall:
    """A squared loss that returns ``value`` (NaN or inf) at its ``bad``-th call."""

    def __init__(self, bad: int, value: float = float("nan")) -> None:
        self.calls, self.bad, self.value = 0, bad, value

    def __call__(self, o, y):
        self.calls += 1
        loss = cs229nn.nn.SquaredLoss()(o, y)
        return loss * 0 + self.value if self.calls == self.bad else loss


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_nan_or_infinite_loss_names_epoch_step_and_learning_rate(value):
    """Kills: the finiteness check reduced to NaN only (``loss != loss``), training on through inf."""
    X, y = torch.randn(40, 2), torch.randn(40, 1)
    loader = DataLoader(TensorDataset(X, y), batch_size=4)  # 10 steps per epoch
    loss_fn = BadAtCall(27, float(value))
    with pytest.raises(FloatingPointError, match=rf"^loss became {value} at epoch 3, step 7 — learning rate 0.05 may be too high$"):
        fit(cs229nn.nn.MLP([2, 1]), loss_fn, loader, epochs=5, lr=0.05, device="cpu", progress=False)
    assert loss_fn.calls == 27  # on the CPU it stops at the bad step


def test_the_on_device_record_keeps_the_first_bad_step():
    """On CUDA the check is read once per epoch: the record must name the first bad step, not the last."""
    totals = train._Totals(cs229nn.nn.SquaredLoss(), "train_loader")
    for step, value in enumerate([1.0, 2.0, float("inf"), float("nan"), 3.0], start=1):
        totals.add(step, torch.tensor(value), None, 4)
    with pytest.raises(FloatingPointError, match=r"^loss became inf at epoch 2, step 3 — learning rate 0.1"):
        totals.raise_if_diverged(epoch=2, lr=0.1)


def test_divergence_stops_training_early():
    torch.manual_seed(0)
    X = 10 * torch.randn(64, 4, dtype=torch.float64)
    y = X.sum(1, keepdim=True)
    model = cs229nn.nn.MLP([4, 8, 1], dtype=torch.float64)
    with pytest.raises(FloatingPointError, match=r"loss became (nan|inf) at epoch 1, step \d+ — learning rate 5.0"):
        fit(model, cs229nn.nn.SquaredLoss(), DataLoader(TensorDataset(X, y), batch_size=8), epochs=50, lr=5.0,
            device="cpu", progress=False)


def test_default_device_is_cs229nn_device(monkeypatch):
    monkeypatch.setenv("CS229NN_DEVICE", "cpu")
    model = cs229nn.nn.MLP([2, 1])
    fit(model, cs229nn.nn.SquaredLoss(), [(torch.randn(4, 2), torch.randn(4, 1))], epochs=1, lr=0.1, progress=False)
    assert next(model.parameters()).device == cs229nn.device()


def test_errors():
    model, loader = cs229nn.nn.MLP([2, 1]), [(torch.randn(4, 2), torch.randn(4, 1))]
    loss = cs229nn.nn.SquaredLoss()
    with pytest.raises(ValueError, match="learning rate α"):
        fit(model, loss, loader, epochs=1, device="cpu")
    with pytest.raises(ValueError, match="not both"):
        fit(model, loss, loader, epochs=1, lr=0.1, optimizer=torch.optim.SGD(model.parameters(), lr=0.1), device="cpu")
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        fit(model, loss, loader, epochs=0, lr=0.1, device="cpu")
    with pytest.raises(TypeError, match=r"pair \(x, y\)"):
        fit(model, loss, [torch.randn(4, 2)], epochs=1, lr=0.1, device="cpu", progress=False)


def test_a_loader_without_batches_is_refused():
    """Kills: the mean over zero examples reported as a loss of 0.0."""
    model, loss = cs229nn.nn.MLP([2, 1]), cs229nn.nn.SquaredLoss()
    empty = DataLoader(TensorDataset(torch.randn(3, 2), torch.randn(3, 1)), batch_size=4, drop_last=True)
    with pytest.raises(ValueError, match=r"^train_loader yielded no batch: is its dataset empty, or is batch_size larger"):
        fit(model, loss, empty, epochs=1, lr=0.1, device="cpu", progress=False)
    with pytest.raises(ValueError, match="the evaluation loader yielded no batch"):
        evaluate(model, loss, [], device="cpu")
    with pytest.raises(ValueError, match="yielded no batch"):
        fit(model, loss, [(torch.randn(4, 2), torch.randn(4, 1))], epochs=1, lr=0.1, device="cpu", progress=False, test_loader=[])


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_outside_a_terminal_each_epoch_is_one_summary_line_with_the_test_results():
    X, y = blobs()
    train_loader, test_loader = loaders(X, y, batch_size=4)  # 15 steps per epoch
    log = io.StringIO()
    history = fit(cs229nn.nn.MLP([2, 8, 3], dtype=torch.float64), cs229nn.nn.SoftmaxCrossEntropy(), train_loader,
                  epochs=5, lr=0.3, device="cpu", test_loader=test_loader, seed=0, progress=log)
    lines = log.getvalue().splitlines()
    assert len(lines) == 5  # not one per step
    e = history.epochs - 1
    assert lines[-1] == (f"epoch 5/5: train loss {history.train_loss[e]:.4g}, accuracy {history.train_accuracy[e]:.3f}, "
                         f"test loss {history.test_loss[e]:.4g}, accuracy {history.test_accuracy[e]:.3f}")


def test_on_a_terminal_a_bar_shows_the_running_loss_and_each_epoch_still_ends_with_its_line(monkeypatch):
    monkeypatch.setattr(train, "REFRESH_SECONDS", -1.0)  # refresh the running loss at every step
    X, y = blobs(n=30)
    screen = Terminal()
    fit(cs229nn.nn.MLP([2, 3], dtype=torch.float64), cs229nn.nn.SoftmaxCrossEntropy(),
        DataLoader(TensorDataset(X, y), batch_size=10), epochs=2, lr=0.1, device="cpu", progress=screen)
    out = screen.getvalue()
    assert "epoch 2/2" in out and "loss=" in out and "acc=" in out  # the bar
    assert [line for line in out.splitlines() if line.startswith("epoch 2/2: train loss")]  # the summary


def test_history_prints_first_and_last_values_only():
    history = History([1.0] + [0.5] * 48 + [0.25], [0.5] * 50, [], [])
    assert repr(history) == "History(50 epochs: train loss 1 → 0.25, train accuracy 0.5 → 0.5)"
    assert repr(History()) == "History(0 epochs)"


def training_warnings(model, X, y, epochs=3, **kwargs):
    """The TrainingWarning messages of a short fit."""
    loader = DataLoader(TensorDataset(X, y), batch_size=10)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit(model, cs229nn.nn.SquaredLoss(), loader, epochs=epochs, lr=0.01, device="cpu", progress=False, **kwargs)
    return [str(w.message) for w in caught if issubclass(w.category, TrainingWarning)]


def test_warns_once_with_the_fix_when_input_features_are_unscaled():
    torch.manual_seed(0)
    X = torch.randn(40, 3, dtype=torch.float64)
    model = cs229nn.nn.MLP([3, 4, 1], "tanh", dtype=torch.float64)
    (message,) = training_warnings(model, X * torch.tensor([2000.0, 1.0, 3.0], dtype=torch.float64), X[:, :1])
    assert message.startswith("input features reach a root-mean-square of 2") and "x := (x − μ) / σ" in message
    (message,) = training_warnings(model, X * torch.tensor([50.0, 0.1, 1.0], dtype=torch.float64), X[:, :1])
    assert "differ in scale by a factor of" in message and "feature 0" in message and "feature 1" in message
    assert training_warnings(model, X, X[:, :1]) == []


def test_warns_once_with_the_fix_when_most_relu_units_are_dead():
    torch.manual_seed(0)
    X, model = torch.randn(40, 2, dtype=torch.float64), cs229nn.nn.MLP([2, 16, 1], "relu", dtype=torch.float64)
    with torch.no_grad():
        model[0].bias[:12] = -100.0  # 12 of 16 units never fire
    (message,) = training_warnings(model, X, X[:, :1])
    assert message.startswith("12 of 16 ReLU units output 0 for every training example of epoch 1")
    assert "Lower the learning rate (now 0.01)" in message and "'he'" in message
    with torch.no_grad():
        model[0].bias[:9] = 1.0  # 3 of 16 dead: not most
    assert training_warnings(model, X, X[:, :1]) == []
    # A convolution's unit is a channel (a torch model: torch's ReLU counts too).
    conv = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(36, 1)).double()
    with torch.no_grad():
        conv[0].bias[:3] = -100.0
    (message,) = training_warnings(conv, torch.rand(40, 1, 5, 5, dtype=torch.float64), X[:, :1])
    assert message.startswith("3 of 4 ReLU units output 0")


def test_warns_once_with_the_fix_when_every_weight_gradient_is_zero():
    torch.manual_seed(0)
    X = torch.randn(40, 2, dtype=torch.float64)
    model = init.initialize_(cs229nn.nn.MLP([2, 4, 1], "relu", dtype=torch.float64), "zeros")
    messages = training_warnings(model, X, X[:, :1])
    assert len(messages) == 2  # all ReLUs dead, and nothing reaches any weight
    assert messages[1].startswith("every weight gradient ∂J/∂W^[ℓ] was exactly 0 throughout epoch 1")
    assert "initialize_(model, 'he')" in messages[1]


def test_evaluate_runs_the_model_in_evaluation_mode_and_restores_its_mode():
    """Kills: ``evaluate`` without ``model.eval()`` (dropout would stay on while testing)."""
    model = torch.nn.Sequential(torch.nn.Dropout(p=1.0), torch.nn.Linear(2, 1)).double()  # training: x → 0
    X = torch.ones(8, 2, dtype=torch.float64)
    with torch.no_grad():
        y = model[1](X)
    loss, _ = evaluate(model, torch.nn.MSELoss(), [(X, y)], device="cpu")
    assert loss == 0.0 and model.training
    model.eval()
    evaluate(model, torch.nn.MSELoss(), [(X, y)], device="cpu")
    assert not model.training


def test_logit_accuracy_thresholds_at_zero():
    """Kills: a logit compared with ½ (the threshold of a probability), which calls z = 0.2 class 0."""
    z, y = torch.tensor([[0.2], [-0.2], [3.0], [-3.0]]), torch.tensor([[1.0], [0.0], [1.0], [0.0]])
    assert float(logit_accuracy(z, y)) == 1.0
    assert float(train.probability_accuracy(torch.sigmoid(z), y)) == 1.0


@requires_cuda
@pytest.mark.cuda
def test_a_cuda_epoch_does_not_wait_for_the_device_at_every_step():
    """Host synchronizations per fit must not grow with the number of steps (the per-epoch reads are allowed).

    torch.cuda.set_sync_debug_mode("warn") reports every synchronization; the
    count for 8 steps must equal the count for 2. Never run: no GPU was
    available when this was written (docs/training.md).
    """
    def syncs(steps):
        torch.manual_seed(0)
        X = torch.randn(4 * steps, 2, device="cuda")
        loader = [(X[i:i + 4], X[i:i + 4, :1]) for i in range(0, len(X), 4)]
        model = cs229nn.nn.MLP([2, 8, 1], "relu").cuda()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            torch.cuda.set_sync_debug_mode("warn")
            try:
                fit(model, cs229nn.nn.SquaredLoss(), loader, epochs=1, lr=0.01, device="cuda", progress=False)
            finally:
                torch.cuda.set_sync_debug_mode("default")
        return sum("synchroniz" in str(w.message) for w in caught)

    assert syncs(8) == syncs(2)
