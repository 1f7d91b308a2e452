"""Module twins: every layer runs in ``mode="manual"`` or ``mode="autograd"``."""

from cs229nn.nn.activations import ACTIVATION_MODULES, ELU, Identity, LeakyReLU, ReLU, Sigmoid, Tanh
from cs229nn.nn.conv import Conv2d, Flatten, GlobalMaxPool2d, MaxPool2d
from cs229nn.nn.linear import Linear
from cs229nn.nn.losses import BinaryCrossEntropy, LogisticLoss, SoftmaxCrossEntropy, SquaredLoss
from cs229nn.nn.mlp import MLP
from cs229nn.nn.module import TwinModule, notes_names

__all__ = [
    "ACTIVATION_MODULES",
    "BinaryCrossEntropy",
    "Conv2d",
    "Flatten",
    "GlobalMaxPool2d",
    "MaxPool2d",
    "ELU",
    "Identity",
    "LeakyReLU",
    "Linear",
    "LogisticLoss",
    "MLP",
    "ReLU",
    "Sigmoid",
    "SoftmaxCrossEntropy",
    "SquaredLoss",
    "Tanh",
    "TwinModule",
    "notes_names",
]
