"""Lab 90's public checks: partial credit for moments, raw gradients for SquareFunction."""

import torch

from cs229nn.lab import Check, Probe
from cs229nn.lab.judge import partial, problem, raw_gradient_problems, verdict


def data(generator: torch.Generator) -> dict:
    draw = lambda *shape: torch.randn(*shape, generator=generator, dtype=torch.float64)
    return {"x": draw(5, 3), "upstream": draw(5, 3)}


def judge_moments(inputs: dict, outputs: dict):
    x = inputs["x"]
    return partial([("mean", problem("mean", outputs.get("out0"), x.mean(0))), ("variance", problem("variance", outputs.get("out1"), x.var(0, unbiased=False)))])


def judge_square(inputs: dict, outputs: dict):
    expected = 2 * inputs["x"] * inputs["upstream"]
    return verdict(raw_gradient_problems(outputs, ("x",), ("∂J/∂x",), (expected,)))


CHECKS = [
    Check("lab90.moments.values", "lab90.moments", 2, data, Probe("call", "moments", args=("x",)), judge_moments, description="mean and variance per column"),
    Check("lab90.SquareFunction.backward", "lab90.SquareFunction", 1, data, Probe("function", "SquareFunction", args=("x",), grad=("x",)), judge_square, description="raw ∂J/∂x"),
]
