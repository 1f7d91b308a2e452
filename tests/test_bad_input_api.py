"""Bad constructor arguments and hyperparameters: refused at once, named as the notes name them.

Each case would otherwise fail later inside torch with an unrelated message
(``Linear(3, -4)``, ``SGD(model, lr=0.1)``), or not at all (``lr="1e-3"`` in a
group, a mode typo that silently switched to autograd, a constant column
divided by a std of 1e-17). Removing any one check makes its case fail: the
expected message is the check's own.
"""

import functools
import re

import pytest
import torch

import cs229nn
from cs229nn import init, nn
from cs229nn.optim import SGD, Momentum
from cs229nn.sampling import MiniBatchSampler, UniformSampler, minibatch_loader


def params():
    return nn.MLP([3, 4, 2]).parameters()


W = torch.empty(4, 3)

CASES = {
    # ------------------------------------------------------------------ layers
    "Linear m < 0": (lambda: nn.Linear(3, -4), ValueError, "nn.Linear(d, m): m (the number of units) must be a positive int, got -4"),
    "Linear m float": (lambda: nn.Linear(6, 6 / 2), TypeError, "m (the number of units) must be a positive int, got 3.0 (float); use int(3.0) or //"),
    "Linear d = 0": (lambda: nn.Linear(0, 4), ValueError, "d (the size of each input a^[ℓ−1]) must be a positive int, got 0"),
    "Linear d str": (lambda: nn.Linear("3", 4), TypeError, "d (the size of each input a^[ℓ−1]) must be a positive int, got '3' (str)"),
    "Linear d bool": (lambda: nn.Linear(True, 4), TypeError, "must be a positive int, got True (bool)"),
    "Linear bias": (lambda: nn.Linear(3, 4, "no"), TypeError, "nn.Linear(d, m, bias) must be True or False, got 'no' (str)"),
    "Linear layer 0": (lambda: nn.Linear(3, 4, layer=0), ValueError, "nn.Linear(d, m, layer=ℓ): ℓ must be a positive int, got 0"),
    "Linear int dtype": (lambda: nn.Linear(3, 4, dtype=torch.int64), TypeError, "nn.Linear(d, m, dtype) must be a floating-point torch.dtype"),
    "Linear mode": (lambda: nn.Linear(3, 4, mode="auto"), ValueError, "mode must be one of ('manual', 'autograd'), got 'auto'"),
    "Conv2d C_out": (lambda: nn.Conv2d(3, 0, 4), ValueError, "nn.Conv2d(C_in, C_out, k): C_out (the number of filters) must be a positive int, got 0"),
    "Conv2d C_in float": (lambda: nn.Conv2d(3.0, 8, 4), TypeError, "C_in (the input's channels) must be a positive int, got 3.0 (float)"),
    "Conv2d k = 0": (lambda: nn.Conv2d(3, 8, 0), ValueError, "nn.Conv2d(C_in, C_out, k): k (kernel_size) must be ≥ 1, got 0"),
    "Conv2d k triple": (lambda: nn.Conv2d(3, 8, (3, 3, 3)), TypeError, "k (kernel_size) must be an int or a pair of ints (height, width), got (3, 3, 3)"),
    "Conv2d stride 0": (lambda: nn.Conv2d(3, 8, 3, stride=0), ValueError, "nn.Conv2d(..., stride): s must be ≥ 1, got 0"),
    "Conv2d padding < 0": (lambda: nn.Conv2d(3, 8, 3, padding=-1), ValueError, "nn.Conv2d(..., padding): p must be ≥ 0, got -1"),
    "Conv2d bias": (lambda: nn.Conv2d(3, 8, 3, bias=None), TypeError, "nn.Conv2d(C_in, C_out, k, bias) must be True or False, got None"),
    "MaxPool2d k = 0": (lambda: nn.MaxPool2d(0), ValueError, "nn.MaxPool2d(k): k (kernel_size) must be ≥ 1, got 0"),
    "MaxPool2d stride float": (lambda: nn.MaxPool2d(2, stride=1.5), TypeError, "nn.MaxPool2d(k, stride): s must be an int or a pair of ints"),
    "LeakyReLU slope str": (lambda: nn.LeakyReLU("0.1"), TypeError, "nn.LeakyReLU(s): the negative slope s must be a real number, got '0.1' (str); write the number without quotes"),
    "LeakyReLU slope inf": (lambda: nn.LeakyReLU(float("inf")), ValueError, "the negative slope s must be a finite number, got inf"),
    "ELU alpha None": (lambda: nn.ELU(None), TypeError, "nn.ELU(α): α must be a real number, got None (NoneType)"),
    "ELU alpha nan": (lambda: nn.ELU(float("nan")), ValueError, "nn.ELU(α): α must be a finite number, got nan"),
    "loss reduction None": (lambda: nn.SoftmaxCrossEntropy(reduction=None), ValueError, "reduction must be one of ('mean', 'sum'), got None"),
    "loss mode": (lambda: nn.LogisticLoss(mode="numeric"), ValueError, "mode must be one of ('manual', 'autograd'), got 'numeric'"),
    # --------------------------------------------------------------------- MLP
    "MLP torch class": (lambda: nn.MLP([3, 4, 2], activation=torch.nn.ReLU), TypeError, "got the class torch.nn.modules.activation.ReLU; torch.nn activations have no manual backward, use the name instead"),
    "MLP torch instance": (lambda: nn.MLP([3, 4, 2], activation=torch.nn.ReLU()), TypeError, "got an instance, ReLU(); pass the class"),
    "MLP cs229nn instance": (lambda: nn.MLP([3, 4, 2], activation=nn.LeakyReLU(0.2)), TypeError, "got an instance, LeakyReLU(negative_slope=0.2, mode='manual'); pass the class, or functools.partial"),
    "MLP function": (lambda: nn.MLP([3, 4, 2], output=torch.sigmoid), TypeError, "(mode='manual') failed"),
    "MLP number": (lambda: nn.MLP([3, 4, 2], activation=5), TypeError, "MLP(activation=...) must be one of the names ['elu', 'identity', 'leaky_relu', 'relu', 'sigmoid', 'tanh'] or a cs229nn activation class"),
    "MLP unknown name": (lambda: nn.MLP([3, 4, 2], activation="swish"), ValueError, "unknown activation 'swish'"),
    "MLP bad output": (lambda: nn.MLP([3, 2], output=torch.nn.Sigmoid), TypeError, "MLP(output=...) must be one of the names"),
    "MLP no hidden layer, bad activation": (lambda: nn.MLP([3, 2], activation="swish"), ValueError, "unknown activation 'swish'"),
    "MLP one size": (lambda: nn.MLP([4]), ValueError, "MLP(sizes): sizes must list at least two positive integers (d, ..., k), got [4]"),
    "MLP sizes int": (lambda: nn.MLP(4), TypeError, "MLP(sizes): sizes must list (d, m_1, ..., k), e.g. [4, 8, 3], got 4 (int)"),
    "MLP hidden width 0": (lambda: nn.MLP([4, 0, 2]), ValueError, "MLP(sizes): sizes[1] = m_1 (the width of layer 1) must be a positive int, got 0"),
    "MLP output float": (lambda: nn.MLP([4, 8, 2.5]), TypeError, "sizes[2] = k (the output size) must be a positive int, got 2.5 (float)"),
    "MLP bias": (lambda: nn.MLP([3, 2], bias=1), TypeError, "MLP(sizes, bias) must be True or False, got 1 (int)"),
    "MLP mode": (lambda: nn.MLP([3, 2], mode="autograd "), ValueError, "mode must be one of ('manual', 'autograd'), got 'autograd '"),
    # -------------------------------------------------------------------- mode
    "set_mode on torch only": (lambda: cs229nn.set_mode(torch.nn.Linear(3, 4), "autograd"), ValueError, "set_mode: Linear contains no cs229nn module, so there is no mode to set"),
    "set_mode bad mode": (lambda: cs229nn.set_mode(nn.MLP([3, 2]), "fast"), ValueError, "mode must be one of ('manual', 'autograd'), got 'fast'"),
    "set_mode on a str": (lambda: cs229nn.set_mode("model", "manual"), TypeError, "models must be a torch.nn.Module or several, got str"),
    "set_mode on a tensor": (lambda: cs229nn.set_mode([nn.ReLU(), W], "manual"), TypeError, "every model must be a torch.nn.Module, got Tensor"),
    "module.mode typo": (lambda: setattr(nn.Linear(3, 4), "mode", "autgrad"), ValueError, "mode must be one of ('manual', 'autograd'), got 'autgrad'"),
    "MLP.mode typo": (lambda: setattr(nn.MLP([3, 2]), "mode", "Autograd"), ValueError, "got 'Autograd'"),
    # ---------------------------------------------------------------- optimizers
    "SGD lr str": (lambda: SGD(params(), lr="1e-3"), TypeError, "SGD(params, lr): the learning rate α must be a real number, got '1e-3' (str); write the number without quotes"),
    "SGD module": (lambda: SGD(nn.MLP([3, 2]), lr=0.1), TypeError, "SGD(params, lr): params must be the model's parameters, e.g. SGD(model.parameters(), lr=0.1), got the module MLP itself"),
    "SGD lr < 0": (lambda: SGD(params(), lr=-0.1), ValueError, "the learning rate α must be ≥ 0, got -0.1"),
    "SGD lr nan": (lambda: SGD(params(), lr=float("nan")), ValueError, "the learning rate α must be a finite number, got nan"),
    "SGD lr tensor": (lambda: SGD(params(), lr=torch.tensor(0.1)), TypeError, "use .item() for a one-element tensor"),
    "SGD weight_decay str": (lambda: SGD(params(), lr=0.1, weight_decay="0"), TypeError, "SGD(weight_decay): the L2 strength λ must be a real number, got '0' (str)"),
    "SGD weight_decay < 0": (lambda: SGD(params(), lr=0.1, weight_decay=-1), ValueError, "the L2 strength λ must be ≥ 0, got -1"),
    "SGD decay_biases": (lambda: SGD(params(), lr=0.1, decay_biases="yes"), TypeError, "SGD(decay_biases) must be True or False, got 'yes' (str)"),
    "SGD empty": (lambda: SGD([], lr=0.1), ValueError, "params is empty: the model has no parameters, or model.parameters() was used up already"),
    "SGD one tensor": (lambda: SGD(torch.zeros(3, requires_grad=True), lr=0.1), TypeError, "params must be an iterable of tensors, e.g. [W] or model.parameters(), got one tensor"),
    "SGD number": (lambda: SGD(0.1, lr=0.1), TypeError, "params must be an iterable of tensors, e.g. [W] or model.parameters(), got 0.1 (float)"),
    "SGD group lr str": (lambda: SGD([{"params": params(), "lr": "0.1"}], lr=0.1), TypeError, "the learning rate α must be a real number, got '0.1' (str)"),
    "SGD group module": (lambda: SGD([{"params": nn.MLP([3, 2])}], lr=0.1), TypeError, "a parameter group's 'params' must be parameters, e.g. model.parameters(), not a module"),
    "Momentum beta 1": (lambda: Momentum(params(), lr=0.1, beta=1.0), ValueError, "Momentum(beta): β must be in [0, 1), got 1"),
    "Momentum beta < 0": (lambda: Momentum(params(), lr=0.1, beta=-0.1), ValueError, "β must be in [0, 1), got -0.1"),
    "Momentum module": (lambda: Momentum(nn.Linear(3, 2), lr=0.1), TypeError, "Momentum(model.parameters(), lr=0.1), got the module Linear itself"),
    "Momentum lr None": (lambda: Momentum(params(), lr=None), TypeError, "Momentum(params, lr): the learning rate α must be a real number, got None"),
    # -------------------------------------------------------------------- init
    "initialize_ scheme number": (lambda: init.initialize_(nn.MLP([3, 2]), 5), TypeError, "initialize_(model, scheme): scheme must be one of ['he', 'normal', 'xavier', 'zeros'] or a function"),
    "initialize_ scheme name": (lambda: init.initialize_(nn.MLP([3, 2]), "kaiming"), ValueError, "unknown scheme 'kaiming'; choose one of ['he', 'normal', 'xavier', 'zeros']"),
    "initialize_ on a tensor": (lambda: init.initialize_(W, "he"), TypeError, "initialize_(model, scheme): model must be a torch.nn.Module, got Tensor"),
    "initialize_ bias str": (lambda: init.initialize_(nn.MLP([3, 2]), "he", bias="0"), TypeError, "initialize_(model, scheme, bias=...): bias must be a real number, got '0' (str)"),
    "normal_ std str": (lambda: init.normal_(W, std="0.1"), TypeError, "normal_(W, mean, std): std must be a real number, got '0.1' (str)"),
    "normal_ std < 0": (lambda: init.normal_(W, std=-1.0), ValueError, "normal_(W, mean, std): std must be ≥ 0, got -1"),
    "constant_ None": (lambda: init.constant_(W, None), TypeError, "constant_(W, c): c must be a real number, got None"),
    "he_normal_ no inputs": (lambda: init.he_normal_(torch.empty(4, 0)), ValueError, "fan-in and fan-out must be ≥ 1, got a weight of shape (4, 0)"),
    "xavier gain < 0": (lambda: init.xavier_normal_(W, gain=-1), ValueError, "xavier_normal_(W, gain): gain must be ≥ 0, got -1"),
    # ------------------------------------------------------------------ samplers
    "sampler n float": (lambda: UniformSampler(3.5), TypeError, "data must be a dataset (anything with a len) or the number of examples n, got float"),
    "sampler generator int": (lambda: MiniBatchSampler(10, 4, generator=0), TypeError, "generator must be a torch.Generator (torch.Generator().manual_seed(0)) or None, got 0"),
    "loader B = 0": (lambda: minibatch_loader(list(range(10)), batch_size=0), ValueError, "the batch size B must be a positive integer, got 0"),
    "loader B > n": (lambda: minibatch_loader(list(range(3)), batch_size=4), ValueError, "B examples without replacement need B ≤ n, got B = 4 > n = 3"),
    # -------------------------------------------------------------------- device
    "device gpu": (lambda: cs229nn.device("gpu"), ValueError, "device 'gpu' is not a device name; use cpu, cuda or cuda:<index>"),
    "device meta": (lambda: cs229nn.device("meta"), ValueError, "device 'meta': cs229nn runs on cpu or cuda, got 'meta'"),
    "device cuda index": (lambda: cs229nn.device(f"cuda:{torch.cuda.device_count() + 3}"), ValueError, "device 'cuda:"),
}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_argument_is_refused_with_what_was_expected(case):
    call, error, message = CASES[case]
    with pytest.raises(error, match=re.escape(message)):
        call()


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_without_cuda_is_named():
    with pytest.raises(ValueError, match=re.escape("device 'cuda' asks for CUDA, but torch.cuda.is_available() is False")):
        cs229nn.device("cuda")


def test_good_arguments_still_work():
    """The checks accept what torch accepts: numpy-free ints, pairs, partials, groups, tensors' dtypes."""
    assert nn.Linear(3, 4, layer=2, dtype=torch.float64).weight.shape == (4, 3)
    assert nn.Conv2d(3, 8, (3, 5), stride=(1, 2), padding=1).kernel_size == (3, 5)
    model = nn.MLP(range(3, 6), activation=functools.partial(nn.LeakyReLU, 0.2), output=nn.Sigmoid)
    assert [type(m).__name__ for m in model] == ["Linear", "LeakyReLU", "Linear", "Sigmoid"] and model[1].negative_slope == 0.2
    optimizer = Momentum([{"params": model[0].parameters(), "lr": 0.01}, {"params": model[2].parameters()}], lr=1, beta=0)
    assert [group["lr"] for group in optimizer.param_groups] == [0.01, 1.0]
    assert nn.LeakyReLU(1).negative_slope == 1.0 and cs229nn.device("cpu") == torch.device("cpu")


def test_mlp_mode_switches_every_layer_and_set_mode_reaches_the_loss():
    """``MLP.mode = "autograd"`` used to add an attribute and leave the layers manual."""
    model, loss_fn = nn.MLP([3, 4, 2]), nn.SoftmaxCrossEntropy()
    x, y = torch.randn(5, 3), torch.tensor([0, 1, 1, 0, 1])
    assert model.mode == "manual" and type(model(x).grad_fn).__name__ == "LinearFunctionBackward"
    model.mode = "autograd"
    assert model.mode == "autograd" and all(m.mode == "autograd" for m in model)
    assert type(model(x).grad_fn).__name__ == "AddmmBackward0"
    model[0].mode = "manual"
    assert model.mode == "mixed"
    assert cs229nn.set_mode((model, loss_fn), "autograd") == (model, loss_fn)
    assert loss_fn.mode == "autograd" and model.mode == "autograd"
    assert "SoftmaxCrossEntropy" not in type(loss_fn(model(x), y).grad_fn).__name__


def test_dataset_arguments(tmp_path, monkeypatch):
    """A dataset root that does not exist is named as such, with where it came from; no repair command."""
    from cs229nn import datasets as ds

    missing = tmp_path / "nope"
    with pytest.raises(FileNotFoundError, match=re.escape(f"the datasets folder {missing} (root='{missing}') does not exist")) as err:
        ds.Vowels(root=missing)
    assert "SHA256SUMS is missing" not in str(err.value) and "cp " not in str(err.value)
    monkeypatch.setenv("CS229NN_DATA", str(missing))
    with pytest.raises(FileNotFoundError, match=re.escape(f"($CS229NN_DATA='{missing}') does not exist")):
        ds.Portland()
    monkeypatch.delenv("CS229NN_DATA")
    with pytest.raises(NotADirectoryError, match="is a file"):
        ds.read_manifest(ds.default_root() / "SHA256SUMS")
    with pytest.raises(TypeError, match=re.escape("Vowels(standardize) must be True or False, got 'yes' (str)")):
        ds.Vowels(standardize="yes")
    with pytest.raises(TypeError, match=re.escape("Saratoga(standardize_target) must be True or False, got 1 (int)")):
        ds.Saratoga(standardize_target=1)
    with pytest.raises(ValueError, match=re.escape("unknown split 'val'; valid splits: train, test, all")):
        ds.load_dataset("vowels", split="val")
