"""fit(): trains cs229nn and torch models, records history, fails early on NaN, shows progress."""

import copy
import functools

import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

import cs229nn
from cs229nn.functional import squared_loss
from cs229nn.optim import Momentum
from cs229nn.train import History, accuracy_for, argmax_accuracy, evaluate, fit, logit_accuracy
from conftest import DEVICES


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


class NanAtCall:
    """A squared loss that returns NaN at its ``bad``-th call."""

    def __init__(self, bad: int) -> None:
        self.calls, self.bad = 0, bad

    def __call__(self, o, y):
        self.calls += 1
        loss = cs229nn.nn.SquaredLoss()(o, y)
        return loss * float("nan") if self.calls == self.bad else loss


def test_nan_loss_names_epoch_step_and_learning_rate():
    X, y = torch.randn(40, 2), torch.randn(40, 1)
    loader = DataLoader(TensorDataset(X, y), batch_size=4)  # 10 steps per epoch
    with pytest.raises(FloatingPointError, match=r"^loss became nan at epoch 3, step 7 — learning rate 5.0 may be too high$"):
        fit(cs229nn.nn.MLP([2, 1]), NanAtCall(27), loader, epochs=5, lr=5.0, device="cpu", progress=False)


def test_divergence_stops_training_early():
    torch.manual_seed(0)
    X = 10 * torch.randn(64, 4, dtype=torch.float64)
    y = X.sum(1, keepdim=True)
    model = cs229nn.nn.MLP([4, 8, 1], dtype=torch.float64)
    with pytest.raises(FloatingPointError, match=r"loss became (nan|inf) at epoch 1, step \d+ — learning rate 5.0"):
        fit(model, cs229nn.nn.SquaredLoss(), DataLoader(TensorDataset(X, y), batch_size=8), epochs=50, lr=5.0,
            device="cpu", progress=False)


def test_progress_bar_shows_epoch_and_running_loss(capsys):
    X, y = blobs(n=30)
    fit(cs229nn.nn.MLP([2, 3], dtype=torch.float64), cs229nn.nn.SoftmaxCrossEntropy(),
        DataLoader(TensorDataset(X, y), batch_size=10), epochs=2, lr=0.1, device="cpu")
    err = capsys.readouterr().err
    assert "epoch 2/2" in err and "loss=" in err and "acc=" in err


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
