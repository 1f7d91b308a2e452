"""Every manual Function with small float64 inputs for ``apply``, shared by the tests that run them all."""

import torch

import cs229nn.functional as manual
from strategies import randn


def probabilities(seed, *shape):
    return 0.1 + 0.8 * torch.rand(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def labels(seed, n, k):
    return torch.randint(0, k, (n,), generator=torch.Generator().manual_seed(seed))


# name -> (Function, inputs of apply); the floating-point tensors among them are differentiated.
FUNCTIONS = {
    "linear": (manual.LinearFunction, lambda: (randn(0, 4, 3), randn(1, 2, 3), randn(2, 2))),
    "relu": (manual.ReLUFunction, lambda: (randn(0, 4, 3),)),
    "sigmoid": (manual.SigmoidFunction, lambda: (randn(0, 4, 3),)),
    "tanh": (manual.TanhFunction, lambda: (randn(0, 4, 3),)),
    "leaky_relu": (manual.LeakyReLUFunction, lambda: (randn(0, 4, 3), 0.1)),
    "elu": (manual.ELUFunction, lambda: (randn(0, 4, 3), 1.0)),
    "identity": (manual.IdentityFunction, lambda: (randn(0, 4, 3),)),
    "conv2d": (manual.Conv2dFunction, lambda: (randn(0, 2, 2, 7, 6), randn(1, 3, 2, 3, 2), randn(2, 3), (2, 1), (1, 0))),
    "max_pool2d": (manual.MaxPool2dFunction, lambda: (randn(0, 2, 2, 6, 5), (2, 2), (2, 1))),
    "flatten": (manual.FlattenFunction, lambda: (randn(0, 2, 2, 3, 2),)),
    "squared": (manual.SquaredLossFunction, lambda: (randn(0, 4, 2), randn(1, 4, 2), "mean")),
    "logistic": (manual.LogisticLossFunction, lambda: (randn(0, 4), probabilities(1, 4), "mean")),
    "softmax_ce": (manual.SoftmaxCrossEntropyFunction, lambda: (randn(0, 4, 3), labels(1, 4, 3), "mean")),
    "bce": (manual.BinaryCrossEntropyFunction, lambda: (probabilities(0, 4), probabilities(1, 4), "sum")),
}


def differentiable_output(output):
    """The first output: softmax cross-entropy also returns log softmax(z), max pooling the winners' indices."""
    return output[0] if isinstance(output, tuple) else output


def floating(inputs):
    """Indices of the inputs that are differentiated: the floating-point tensors."""
    return [i for i, t in enumerate(inputs) if isinstance(t, torch.Tensor) and t.is_floating_point()]
