"""Lab 3's public checks (the grader also runs hidden_checks.py, with other inputs).

Every reference is torch's own op, differentiated by autograd: nothing here repeats
the solution. Inputs are float64, drawn from the caller's generator.
"""

import torch
import torch.nn.functional as F

from cs229nn.lab import Check, Probe
from cs229nn.lab.judge import autograd_judge, problem, verdict


def draw(generator: torch.Generator, *shape: int) -> torch.Tensor:
    return torch.randn(*shape, generator=generator, dtype=torch.float64)


def linear_inputs(generator: torch.Generator, n: int = 5, d: int = 3, m: int = 4) -> dict:
    # non-square W and n ≠ m, d, so that a transposed ∂J/∂W or a δ summed the wrong way shows
    return {"a": draw(generator, n, d), "W": draw(generator, m, d), "b": draw(generator, m), "upstream": draw(generator, n, m)}


def activation_inputs(generator: torch.Generator, *shape: int) -> dict:
    return {"z": 3 * draw(generator, *shape), "upstream": draw(generator, *shape)}


def squared_inputs(generator: torch.Generator, n: int = 6, k: int = 2) -> dict:
    # upstream ≠ 1, so that a backward ignoring it shows
    return {"o": draw(generator, n, k), "y": draw(generator, n, k), "upstream": 0.5 + torch.rand((), generator=generator, dtype=torch.float64)}


def logistic_inputs(generator: torch.Generator, n: int = 7, scale: float = 3.0) -> dict:
    z = scale * draw(generator, n, 1)
    y = (torch.rand(n, 1, generator=generator) < 0.5).to(torch.float64)
    return {"z": z, "y": y, "upstream": 0.5 + torch.rand((), generator=generator, dtype=torch.float64)}


def judge_linear_forward(inputs: dict, outputs: dict):
    return verdict([problem("z", outputs.get("out"), F.linear(inputs["a"], inputs["W"], inputs["b"]))])


LINEAR = dict(reference=F.linear, args=("a", "W", "b"), grad=("a", "W", "b"), symbols=("∂J/∂a", "∂J/∂W", "∂J/∂b"), output="z")
RELU = dict(reference=torch.relu, args=("z",), grad=("z",), symbols=("∂J/∂z",), output="a")
SIGMOID = dict(reference=torch.sigmoid, args=("z",), grad=("z",), symbols=("∂J/∂z",), output="a")


def squared_loss(o: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return 0.5 * F.mse_loss(o, y, reduction="sum") / o.shape[0]


SQUARED = dict(reference=squared_loss, args=("o", "y"), grad=("o",), symbols=("∂J/∂o", "∂J/∂y"), output="J")
LOGISTIC = dict(reference=F.binary_cross_entropy_with_logits, args=("z", "y"), grad=("z",), symbols=("∂J/∂z", "∂J/∂y"), output="J")


def function_check(name: str, target: str, points: float, inputs, spec: dict, part: str, description: str, hidden: bool = False) -> Check:
    """A check of one part (forward or backward) of an autograd.Function, judged against autograd through torch's op."""
    return Check(
        name=f"lab03.{target}.{name}",
        exercise=f"lab03.{target}",
        points=points,
        inputs=inputs,
        probe=Probe("function", target, args=spec["args"], grad=spec["grad"]),
        judge=autograd_judge(spec["reference"], spec["args"], spec["grad"], spec["symbols"], spec["output"], part=part),
        hidden=hidden,
        description=description,
    )


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
    function_check("backward", "LinearFunction", 2, linear_inputs, LINEAR, "backward", "∂J/∂a, ∂J/∂W, ∂J/∂b as your backward returns them, against autograd"),
    function_check("backward", "ReLUFunction", 1, lambda g: activation_inputs(g, 4, 6), RELU, "backward", "∂J/∂z against autograd through torch.relu"),
    function_check("forward", "SigmoidFunction", 1, lambda g: activation_inputs(g, 4, 6), SIGMOID, "forward", "a = σ(z) against torch.sigmoid"),
    function_check("backward", "SigmoidFunction", 1, lambda g: activation_inputs(g, 4, 6), SIGMOID, "backward", "∂J/∂z against autograd through torch.sigmoid"),
    function_check("forward", "SquaredLossFunction", 1, squared_inputs, SQUARED, "forward", "J = (1/n) Σ ½‖o − y‖² against torch's mse_loss"),
    function_check("backward", "SquaredLossFunction", 1, squared_inputs, SQUARED, "backward", "∂J/∂o (times the upstream gradient) against autograd"),
    function_check("forward", "LogisticLossFunction", 1, logistic_inputs, LOGISTIC, "forward", "J against torch's binary_cross_entropy_with_logits"),
    function_check("backward", "LogisticLossFunction", 1, logistic_inputs, LOGISTIC, "backward", "∂J/∂z (times the upstream gradient) against autograd"),
]
