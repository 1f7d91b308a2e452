"""Manual layers: ``torch.autograd.Function`` s whose ``backward`` is the notes' math.

None of them calls autograd inside ``backward``; each honours
``ctx.needs_input_grad`` and works on CPU and CUDA, float32 and float64.
"""

from cs229nn.functional.activations import (
    ACTIVATIONS,
    ELUFunction,
    IdentityFunction,
    LeakyReLUFunction,
    ReLUFunction,
    SigmoidFunction,
    TanhFunction,
    elu,
    identity,
    leaky_relu,
    relu,
    sigmoid,
    tanh,
)
from cs229nn.functional.conv import Conv2dFunction, conv2d, conv2d_naive
from cs229nn.functional.linear import LinearFunction, linear, linear_backward
from cs229nn.functional.losses import (
    BinaryCrossEntropyFunction,
    LogisticLossFunction,
    SoftmaxCrossEntropyFunction,
    SquaredLossFunction,
    binary_cross_entropy,
    logistic_loss,
    softmax_cross_entropy,
    squared_loss,
)
from cs229nn.functional.pooling import FlattenFunction, MaxPool2dFunction, flatten, max_pool2d

__all__ = [
    "ACTIVATIONS",
    "Conv2dFunction",
    "FlattenFunction",
    "MaxPool2dFunction",
    "conv2d",
    "conv2d_naive",
    "flatten",
    "max_pool2d",
    "BinaryCrossEntropyFunction",
    "ELUFunction",
    "IdentityFunction",
    "LeakyReLUFunction",
    "LinearFunction",
    "LogisticLossFunction",
    "ReLUFunction",
    "SigmoidFunction",
    "SoftmaxCrossEntropyFunction",
    "SquaredLossFunction",
    "TanhFunction",
    "binary_cross_entropy",
    "elu",
    "identity",
    "leaky_relu",
    "linear",
    "linear_backward",
    "logistic_loss",
    "relu",
    "sigmoid",
    "softmax_cross_entropy",
    "squared_loss",
    "tanh",
]
