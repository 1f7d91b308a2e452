"""Lab 4's public checks: every returned tensor against autograd on the same network (float64).

The grader also runs hidden_checks.py (batch 1, a single layer, a narrow deep network).
"""

from typing import List, Optional, Sequence

import torch
import torch.nn.functional as F

from cs229nn.lab import Check, Probe
from cs229nn.lab.judge import problem, verdict

WIDTHS = (3, 5, 4, 6, 2)  # d, m_1, m_2, m_3, m_r: every W^[k] non-square, so a transpose shows


def network_inputs(generator: torch.Generator, n: int = 7, widths: Sequence[int] = WIDTHS) -> dict:
    """x, y, the parameters [W^[k]], [b^[k]], the stored zs / activations of a forward pass, and a random δ per layer."""
    draw = lambda *shape: torch.randn(*shape, generator=generator, dtype=torch.float64)
    weights = [draw(m, d) for d, m in zip(widths[:-1], widths[1:])]
    biases = [draw(m) for m in widths[1:]]
    x, y = draw(n, widths[0]), draw(n, widths[-1])
    zs, activations = reference_forward(x, weights, biases)
    deltas = [draw(n, m) for m in widths[1:]]  # any δ^[k]: Ma Claim 3.2 is linear in δ
    return {"x": x, "y": y, "weights": weights, "biases": biases, "zs": zs, "activations": activations,
            "z_r": zs[-1], "deltas": deltas, "delta_r": deltas[-1]}


def reference_forward(x: torch.Tensor, weights: Sequence[torch.Tensor], biases: Sequence[torch.Tensor]):
    """torch's F.linear and F.relu: the zs and activations Ma Algorithm 4 stores."""
    zs, activations = [], [x]
    for k, (W, b) in enumerate(zip(weights, biases), start=1):
        zs.append(F.linear(activations[-1], W, b))
        activations.append(F.relu(zs[-1]) if k < len(weights) else zs[-1])
    return zs, activations


def list_problems(outputs: dict, symbols: Sequence[str], expected: Sequence[torch.Tensor]) -> List[Optional[str]]:
    """Problems with the outputs out0, out1, … of a returned list (the probe flattens it), one per symbol."""
    count = sum(1 for key in outputs if key.startswith("out"))
    if count != len(expected):
        return [f"returned {count} tensor(s); expected {len(expected)}: {', '.join(symbols)}"]
    return [problem(s, outputs.get(f"out{i}"), e) for i, (s, e) in enumerate(zip(symbols, expected))]


def layers(inputs: dict) -> range:
    return range(1, len(inputs["weights"]) + 1)


def judge_forward(inputs: dict, outputs: dict):
    zs, activations = reference_forward(inputs["x"], inputs["weights"], inputs["biases"])
    r = len(zs)
    symbols = [f"z^[{k}]" for k in layers(inputs)] + [f"a^[{k}]" for k in range(r + 1)]
    return verdict(list_problems(outputs, symbols, zs + activations))


def judge_output_delta(inputs: dict, outputs: dict):
    z_r = inputs["z_r"].clone().requires_grad_()
    J = 0.5 * ((z_r - inputs["y"]) ** 2).sum(1).mean()
    (expected,) = torch.autograd.grad(J, z_r)
    return verdict([problem("δ^[r] = ∂J/∂z^[r]", outputs.get("out"), expected)])


def autograd_deltas(inputs: dict) -> List[torch.Tensor]:
    """δ^[k] = ∂J/∂z^[k] by autograd: rebuild z^[2..r] from z^[1], retain every z's grad, backprop δ^[r]."""
    weights, biases = inputs["weights"], inputs["biases"]
    zs = [inputs["zs"][0].clone().requires_grad_()]
    for W, b in zip(weights[1:], biases[1:]):
        zs.append(F.linear(F.relu(zs[-1]), W, b))
    for z in zs:
        z.retain_grad()
    zs[-1].backward(inputs["delta_r"])
    return [z.grad for z in zs]


def judge_backward_deltas(inputs: dict, outputs: dict):
    expected = autograd_deltas(inputs)
    found = list_problems(outputs, [f"δ^[{k}]" for k in layers(inputs)], expected)
    if len(found) == len(expected):
        name_missing_relu_prime(found, outputs, expected, inputs["weights"])
    return verdict(reversed(found))  # from the loss down, as backpropagation goes: the cause first


def name_missing_relu_prime(found: List[Optional[str]], outputs: dict, expected: Sequence[torch.Tensor], weights: Sequence[torch.Tensor]) -> None:
    """Say why the topmost wrong δ^[k] is wrong when it is δ^[k+1] W^[k+1] without ⊙ ReLU′(z^[k]).

    The δ's below it inherit the error (Ma Algorithm 4 computes each from the one above), so only the
    topmost wrong one is where the mistake is.
    """
    for i in reversed(range(len(expected) - 1)):
        if found[i] is None:
            continue
        got, unmasked = outputs.get(f"out{i}"), expected[i + 1] @ weights[i + 1]
        if type(got) is torch.Tensor and got.shape == unmasked.shape and torch.allclose(got, unmasked, rtol=1e-10, atol=1e-12):
            k = i + 1
            found[i] += (f": it equals δ^[{k + 1}] W^[{k + 1}], the factor ReLU′(z^[{k}]) is missing: δ^[{k}] = (δ^[{k + 1}] W^[{k + 1}]) ⊙ 1{{z^[{k}] > 0}}"
                         f" (Ma Claim 3.3, Algorithm 4); the δ's below inherit it")
        return


def judge_parameter_gradients(inputs: dict, outputs: dict):
    expected, symbols = [], []
    for k, (W, b, a_below, delta) in enumerate(zip(inputs["weights"], inputs["biases"], inputs["activations"], inputs["deltas"]), start=1):
        W, b = W.clone().requires_grad_(), b.clone().requires_grad_()
        expected += torch.autograd.grad(F.linear(a_below, W, b), (W, b), delta)
        symbols += [f"∂J/∂W^[{k}]", f"∂J/∂b^[{k}]"]
    return verdict(list_problems(outputs, symbols, expected))


FORWARD = Probe("call", "forward_pass_flat", args=("x", "weights", "biases"))
OUTPUT_DELTA = Probe("call", "output_delta", args=("z_r", "y"))
BACKWARD = Probe("call", "backward_deltas", args=("zs", "weights", "delta_r"))
GRADIENTS = Probe("call", "parameter_gradients", args=("activations", "deltas"))

CHECKS = [
    Check(
        name="lab04.forward_pass.values",
        exercise="lab04.forward_pass",
        points=1,
        inputs=network_inputs,
        probe=FORWARD,
        judge=judge_forward,
        description="every z^[k] and a^[k] of a 4-layer ReLU network against F.linear / F.relu",
    ),
    Check(
        name="lab04.output_delta.values",
        exercise="lab04.output_delta",
        points=1,
        inputs=network_inputs,
        probe=OUTPUT_DELTA,
        judge=judge_output_delta,
        description="δ^[r] of the mean squared loss against autograd",
    ),
    Check(
        name="lab04.backward_deltas.values",
        exercise="lab04.backward_deltas",
        points=2,
        inputs=network_inputs,
        probe=BACKWARD,
        judge=judge_backward_deltas,
        description="every δ^[k] against autograd (retain_grad on each z^[k])",
    ),
    Check(
        name="lab04.parameter_gradients.values",
        exercise="lab04.parameter_gradients",
        points=2,
        inputs=network_inputs,
        probe=GRADIENTS,
        judge=judge_parameter_gradients,
        description="every ∂J/∂W^[k], ∂J/∂b^[k] from given δ^[k], a^[k−1] against autograd",
    ),
]
