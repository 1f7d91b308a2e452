"""Lab 3's public checks (the grader also runs hidden_checks.py, with other inputs)."""

import torch
import torch.nn.functional as F

from cs229nn.lab import Check, Probe
from cs229nn.lab.judge import problem, raw_gradient_problems, verdict


def linear_inputs(generator: torch.Generator) -> dict:
    n, d, m = 5, 3, 4  # non-square W, so a transposed ∂J/∂W shows
    draw = lambda *shape: torch.randn(*shape, generator=generator, dtype=torch.float64)
    return {"a": draw(n, d), "W": draw(m, d), "b": draw(m), "upstream": draw(n, m)}


def judge_linear_forward(inputs: dict, outputs: dict):
    return verdict([problem("z", outputs.get("out"), F.linear(inputs["a"], inputs["W"], inputs["b"]))])


def judge_linear_backward(inputs: dict, outputs: dict):
    a, W, b = (inputs[k].clone().requires_grad_() for k in ("a", "W", "b"))
    expected = torch.autograd.grad(F.linear(a, W, b), (a, W, b), inputs["upstream"])
    return verdict(raw_gradient_problems(outputs, ("a", "W", "b"), ("∂J/∂a", "∂J/∂W", "∂J/∂b"), expected))


CHECKS = [
    Check(
        name="lab03.linear_forward.values",
        exercise="lab03.linear_forward",
        points=1,
        inputs=linear_inputs,
        probe=Probe("call", "linear_forward", args=("a", "W", "b")),
        judge=judge_linear_forward,
        description="z = a Wᵀ + b against torch's F.linear",
    ),
    Check(
        name="lab03.LinearFunction.backward",
        exercise="lab03.LinearFunction",
        points=2,
        inputs=linear_inputs,
        probe=Probe("function", "LinearFunction", args=("a", "W", "b"), grad=("a", "W", "b")),
        judge=judge_linear_backward,
        description="the raw gradients your backward returns, against autograd",
    ),
]
