"""Bad input gets a clear error in the notes' notation, never a wrong answer."""

import pytest
import torch

from cs229nn import functional as F
from cs229nn import nn


def x(*shape, dtype=torch.float32):
    return torch.randn(*shape, dtype=dtype)


@pytest.mark.parametrize(
    "call,error,message",
    [
        # Linear: shapes in the notes' (m, d) convention, with the likely mistake named.
        (lambda: F.linear(x(5, 3), x(3, 4), x(3)), ValueError, r"a must be \(n, d\) = \(n, 4\) to match W .* got \(5, 3\); is W transposed\? it should be \(m, d\) = \(4, 3\)"),
        (lambda: nn.Linear(3, 4, layer=1)(x(5, 4)), ValueError, r"a\^\[0\] must be \(n, d\) = \(n, 3\) to match W\^\[1\]"),
        (lambda: nn.Linear(3, 4)(x(3)), ValueError, r"must be 2-D \(n, d\) = \(n, 3\).*x.unsqueeze\(0\)"),
        (lambda: F.linear(x(5, 3), x(4, 3), x(5)), ValueError, r"b must be \(m,\) = \(4,\), one per output of W, got \(5,\)"),
        (lambda: F.linear(x(5, 3), x(4, 3, 1), None), ValueError, r"W must be 2-D \(m, d\)"),
        (lambda: F.linear(torch.ones(5, 3, dtype=torch.long), x(4, 3), None), TypeError, r"a must be a floating-point tensor .* got torch.int64"),
        (lambda: F.linear(x(5, 3, dtype=torch.float64), x(4, 3), None), TypeError, r"a has dtype torch.float64 but W has torch.float32"),
        (lambda: nn.Linear(3, 4, layer=2)(x(5, 3, dtype=torch.float64)), TypeError, r"a\^\[1\] has dtype torch.float64 but W\^\[2\] has torch.float32"),
        (lambda: F.linear([[1.0, 2.0]], x(4, 2), None), TypeError, r"a must be a torch.Tensor, got list"),
        # Activations.
        (lambda: F.relu(torch.arange(3)), TypeError, r"z must be a floating-point tensor"),
        (lambda: nn.Sigmoid()(torch.arange(3)), TypeError, r"z must be a floating-point tensor"),
        # Losses: the (n,) vs (n, 1) broadcast trap, integer vs float targets, label ranges.
        (lambda: F.squared_loss(x(4, 1), x(4)), ValueError, r"y must have the same shape as o, \(4, 1\), got \(4,\); reshape"),
        (lambda: F.squared_loss(x(4), torch.ones(4, dtype=torch.long)), TypeError, r"y must be a floating-point tensor like o"),
        (lambda: F.logistic_loss(x(4), torch.ones(4, dtype=torch.long)), TypeError, r"y must be a floating-point tensor like z .* got torch.int64"),
        (lambda: F.softmax_cross_entropy(x(4, 3), x(4)), TypeError, r"y must hold integer class indices .* got torch.float32; use y.long\(\)"),
        (lambda: F.softmax_cross_entropy(x(4, 3), torch.tensor([0, 1, 3, 2])), ValueError, r"class indices in \[0, k\) = \[0, 3\), got values from 0 to 3"),
        (lambda: F.softmax_cross_entropy(x(4, 3), torch.tensor([0, 1, 2])), ValueError, r"y must be \(n,\) = \(4,\)"),
        (lambda: F.softmax_cross_entropy(x(4), torch.tensor([0, 1, 2, 1])), ValueError, r"z must be 2-D \(n, k\)"),
        (lambda: F.binary_cross_entropy(torch.tensor([0.5, 1.5]), torch.tensor([1.0, 0.0])), ValueError, r"p must be probabilities in \[0, 1\], got values from 0.5 to 1.5; for logits use logistic_loss"),
        (lambda: nn.BinaryCrossEntropy(mode="autograd")(torch.tensor([-0.1]), torch.tensor([1.0])), ValueError, r"p must be probabilities"),
        (lambda: F.logistic_loss(x(4), torch.tensor([-1.0, 1.0, 1.0, -1.0])), ValueError, r"y must hold labels \(1 = positive class\) in \[0, 1\], got values from -1 to 1; labels in \{-1, \+1\} become \{0, 1\} with \(y \+ 1\) / 2"),
        (lambda: nn.LogisticLoss(mode="autograd")(x(2), torch.tensor([0.0, 3.0])), ValueError, r"y must hold labels .* in \[0, 1\]"),
        (lambda: F.binary_cross_entropy(torch.tensor([0.5, 0.2]), torch.tensor([2.0, 0.0])), ValueError, r"y must hold labels .* in \[0, 1\]"),
        (lambda: F.squared_loss(x(4), x(4), reduction="avg"), ValueError, r"reduction must be one of \('mean', 'sum'\), got 'avg'"),
        (lambda: nn.SquaredLoss(reduction="none"), ValueError, r"reduction must be one of"),
        (lambda: F.squared_loss(torch.tensor(1.0), torch.tensor(1.0)), ValueError, r"one row per example"),
    ],
)
def test_bad_input_is_refused_with_a_helpful_message(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("mode", ["manual", "autograd"])
def test_both_modes_refuse_the_same_mistakes(mode):
    """A student switching to autograd mode must not lose the checks."""
    with pytest.raises(ValueError, match="is W transposed"):
        nn.Linear(3, 4, mode=mode)(x(2, 4))
    with pytest.raises(ValueError, match="same shape"):
        nn.SquaredLoss(mode=mode)(x(4, 1), x(4))
    with pytest.raises(TypeError, match="integer class indices"):
        nn.SoftmaxCrossEntropy(mode=mode)(x(4, 3), x(4))
    with pytest.raises(TypeError, match="floating-point"):
        nn.LogisticLoss(mode=mode)(x(4), torch.ones(4, dtype=torch.long))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA is not available")
def test_device_mismatch_is_named():
    with pytest.raises(ValueError, match=r"a is on cpu but W is on cuda"):
        F.linear(x(5, 3), x(4, 3).cuda(), None)


def test_device_mismatch_is_named_on_meta_device():
    """The same check without a GPU: the meta device stands in for "another device"."""
    with pytest.raises(ValueError, match=r"a is on cpu but W is on meta"):
        F.linear(x(5, 3), torch.empty(4, 3, device="meta"), None)
    with pytest.raises(ValueError, match=r"y is on meta but z is on cpu"):
        F.softmax_cross_entropy(x(4, 3), torch.empty(4, dtype=torch.long, device="meta"))
