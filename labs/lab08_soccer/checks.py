"""Lab 8's public checks (the grader also runs hidden_checks.py, with other inputs)."""

import torch
import torch.nn.functional as F

from cs229nn.lab import Check, Probe, Verdict
from cs229nn.lab.judge import problem, raw_gradient_problems, verdict


def conv_inputs(n: int, c_in: int, c_out: int, size, k: int, stride: int, padding: int = 0):
    """x (n, C_in, H, W_in), θ (C_out, C_in, k, k), b, an upstream δ of the output's shape, s and p."""
    height, width = size

    def draw(generator: torch.Generator) -> dict:
        draw_ = lambda *shape: torch.randn(*shape, generator=generator, dtype=torch.float64)
        rows, cols = ((height + 2 * padding - k) // stride + 1, (width + 2 * padding - k) // stride + 1)
        return {
            "x": draw_(n, c_in, height, width), "W": draw_(c_out, c_in, k, k), "b": draw_(c_out),
            "upstream": draw_(n, c_out, rows, cols), "stride": stride, "padding": padding,
        }

    return draw


def judge_windows(inputs: dict, outputs: dict) -> Verdict:
    expected = F.conv2d(inputs["x"], inputs["W"], inputs["b"], inputs["stride"])
    return verdict([problem("z", outputs.get("out"), expected)])


def judge_backward(inputs: dict, outputs: dict) -> Verdict:
    x, W, b = (inputs[k].clone().requires_grad_() for k in ("x", "W", "b"))
    z = F.conv2d(x, W, b, inputs["stride"], inputs["padding"])
    expected = torch.autograd.grad(z, (x, W, b), inputs["upstream"])
    keys, symbols = ("x", "W", "b", "stride", "padding"), ("∂J/∂x", "∂J/∂θ", "∂J/∂b", "stride", "padding")
    return verdict(raw_gradient_problems(outputs, keys, symbols, (*expected, None, None)))


def backward_probe() -> Probe:
    return Probe("function", "Conv2dFunction", args=("x", "W", "b", "stride", "padding"), grad=("x", "W", "b"))


CHECKS = [
    Check(
        name="lab08.conv2d_windows.stride1",
        exercise="lab08.conv2d_windows",
        points=1,
        inputs=conv_inputs(2, 3, 4, (6, 5), 3, 1),
        probe=Probe("call", "conv2d_windows", args=("x", "W", "b", "stride")),
        judge=judge_windows,
        description="Ng eq. 3.22 at every position against torch's F.conv2d (3 → 4 channels, 6×5 image, k = 3)",
    ),
    Check(
        name="lab08.conv2d_windows.stride2",
        exercise="lab08.conv2d_windows",
        points=1,
        inputs=conv_inputs(3, 2, 3, (8, 7), 2, 2),
        probe=Probe("call", "conv2d_windows", args=("x", "W", "b", "stride")),
        judge=judge_windows,
        description="stride 2: the window moves two pixels at a time",
    ),
    Check(
        name="lab08.Conv2dFunction.stride1",
        exercise="lab08.Conv2dFunction",
        points=2,
        inputs=conv_inputs(2, 3, 4, (7, 6), 3, 1),
        probe=backward_probe(),
        judge=judge_backward,
        description="the raw ∂J/∂x, ∂J/∂θ, ∂J/∂b your backward returns, against autograd (stride 1)",
    ),
    Check(
        name="lab08.Conv2dFunction.stride2",
        exercise="lab08.Conv2dFunction",
        points=2,
        inputs=conv_inputs(3, 3, 2, (9, 8), 4, 2),
        probe=backward_probe(),
        judge=judge_backward,
        description="stride 2, k = 4 as in the soccer net's first layer; a 9-row image leaves its last row unread",
    ),
]
