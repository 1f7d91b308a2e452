"""Lab 90's hidden check: SquareFunction on one example with other shapes."""

import torch

from cs229nn.lab import Check, Probe
from cs229nn.lab.judge import partial, problem, raw_gradient_problems, verdict


def one_example(generator: torch.Generator) -> dict:
    draw = lambda *shape: torch.randn(*shape, generator=generator, dtype=torch.float64)
    return {"x": draw(1, 4), "upstream": draw(1, 4)}


def judge_square(inputs: dict, outputs: dict):
    return verdict(raw_gradient_problems(outputs, ("x",), ("∂J/∂x",), (2 * inputs["x"] * inputs["upstream"],)))


CHECKS = [
    Check("lab90.SquareFunction.one_example", "lab90.SquareFunction", 1, one_example, Probe("function", "SquareFunction", args=("x",), grad=("x",)), judge_square, hidden=True, description="batch of one"),
]


def float32_data(generator: torch.Generator) -> dict:
    return {"x": torch.randn(7, 2, generator=generator).float()}


def judge_moments_float32(inputs: dict, outputs: dict):
    x = inputs["x"]
    return partial([("mean", problem("mean", outputs.get("out0"), x.mean(0))), ("variance", problem("variance", outputs.get("out1"), x.var(0, unbiased=False)))])


CHECKS.append(Check("lab90.moments.float32", "lab90.moments", 1, float32_data, Probe("call", "moments", args=("x",)), judge_moments_float32, hidden=True, description="float32 in, float32 out"))
