"""Lab 1's public checks (the grader also runs hidden_checks.py, with other inputs).

References are torch ops and autograd; the inputs put some houses on each side of the kink.
"""

import torch

from cs229nn.lab import Check, Probe
from cs229nn.lab.judge import problem, verdict


def draw(generator: torch.Generator, *shape: int) -> torch.Tensor:
    return torch.randn(shape, generator=generator, dtype=torch.float64)


def neuron_inputs(generator: torch.Generator, n: int = 9, b_shift: float = 0.0) -> dict:
    # w ≠ 1 and b ≠ 0, and x spread over both sides of the kink −b/w
    return {"x": 2 * draw(generator, n), "y": draw(generator, n).abs() + 0.5, "w": 1.5 + draw(generator).abs(), "b": draw(generator) + b_shift}


def reference_loss(x, y, w, b):
    return 0.5 * ((torch.relu(w * x + b) - y) ** 2).mean()


def judge_neuron(inputs: dict, outputs: dict):
    return verdict([problem("h", outputs.get("out"), torch.relu(inputs["w"] * inputs["x"] + inputs["b"]))])


def judge_loss(inputs: dict, outputs: dict):
    return verdict([problem("J", outputs.get("out"), 0.5 * ((inputs["h"] - inputs["y"]) ** 2).mean())])


def judge_gradients(inputs: dict, outputs: dict):
    w, b = inputs["w"].clone().requires_grad_(), inputs["b"].clone().requires_grad_()
    expected = torch.autograd.grad(reference_loss(inputs["x"], inputs["y"], w, b), (w, b))
    found = [problem("∂J/∂w", outputs.get("out0"), expected[0]), problem("∂J/∂b", outputs.get("out1"), expected[1])]
    if all(found) and not problem("∂J/∂b", outputs.get("out0"), expected[1]) and not problem("∂J/∂w", outputs.get("out1"), expected[0]):
        found = ["(∂J/∂w, ∂J/∂b) are swapped: return ∂J/∂w first, then ∂J/∂b"]
    return verdict(found)


def judge_kink(inputs: dict, outputs: dict):
    # where the line w (x − mean)/std + b crosses zero, solved by torch rather than by the formula
    w, b, mean, std = (inputs[k] for k in ("w", "b", "mean", "std"))
    slope, intercept = w / std, b - w * mean / std
    return verdict([problem("the kink's x", outputs.get("out"), torch.linalg.solve(slope.reshape(1, 1), -intercept.reshape(1)).reshape(()))])


def loss_inputs(generator: torch.Generator, n: int = 7) -> dict:
    return {"h": draw(generator, n), "y": draw(generator, n)}


def kink_inputs(generator: torch.Generator) -> dict:
    return {"w": draw(generator), "b": draw(generator), "mean": 2000 + 100 * draw(generator), "std": 800 + 50 * draw(generator).abs()}


CHECKS = [
    Check(
        name="lab01.neuron.values",
        exercise="lab01.neuron",
        points=1,
        inputs=neuron_inputs,
        probe=Probe("call", "neuron", args=("x", "w", "b")),
        judge=judge_neuron,
        description="h = max(w x + b, 0) against torch.relu, houses on both sides of the kink",
    ),
    Check(
        name="lab01.squared_loss.values",
        exercise="lab01.squared_loss",
        points=1,
        inputs=loss_inputs,
        probe=Probe("call", "squared_loss", args=("h", "y")),
        judge=judge_loss,
        description="J = (1/n) Σ ½ (h − y)²",
    ),
    Check(
        name="lab01.neuron_gradients.autograd",
        exercise="lab01.neuron_gradients",
        points=2,
        inputs=neuron_inputs,
        probe=Probe("call", "neuron_gradients", args=("x", "y", "w", "b")),
        judge=judge_gradients,
        description="(∂J/∂w, ∂J/∂b) against autograd through torch.relu",
    ),
    Check(
        name="lab01.kink_in_original_units.values",
        exercise="lab01.kink_in_original_units",
        points=1,
        inputs=kink_inputs,
        probe=Probe("call", "kink_in_original_units", args=("w", "b", "mean", "std")),
        judge=judge_kink,
        description="the zero of w (x − mean)/std + b, in x's own units",
    ),
]
