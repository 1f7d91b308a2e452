"""Lab 2's public checks (the grader also runs hidden_checks.py, with other inputs).

The reference is torch's own F.linear and relu; n, d, m and k all differ, so a
transpose or a broadcast along the wrong axis shows.
"""

import torch
import torch.nn.functional as F

from cs229nn.lab import Check, Probe, Verdict
from cs229nn.lab.judge import problem, verdict


def network_inputs(generator: torch.Generator, n: int = 6, d: int = 4, m: int = 5, k: int = 2) -> dict:
    draw = lambda *shape: torch.randn(*shape, generator=generator, dtype=torch.float64)
    return {"X": draw(n, d), "W1": draw(m, d), "b1": draw(m), "W2": draw(k, m), "b2": draw(k)}


def reference(inputs: dict) -> torch.Tensor:
    """O (n, k) with one example per row."""
    return F.linear(torch.relu(F.linear(inputs["X"], inputs["W1"], inputs["b1"])), inputs["W2"], inputs["b2"])


def one_example_inputs(generator: torch.Generator) -> dict:
    inputs = network_inputs(generator, n=1)
    return inputs | {"x": inputs["X"][0]}


def columns_inputs(generator: torch.Generator, **sizes) -> dict:
    inputs = network_inputs(generator, **sizes)
    return inputs | {"X_columns": inputs["X"].T.contiguous()}


def rows_inputs(generator: torch.Generator, **sizes) -> dict:
    inputs = network_inputs(generator, **sizes)
    return inputs | {"W1_rows": inputs["W1"].T.contiguous(), "W2_rows": inputs["W2"].T.contiguous()}


def judge_one(inputs: dict, outputs: dict):
    return verdict([problem("o", outputs.get("out"), reference(inputs)[0])])


def judge_rows(inputs: dict, outputs: dict):
    return verdict([problem("O", outputs.get("out"), reference(inputs))])


def judge_columns(inputs: dict, outputs: dict):
    return verdict([problem("O (examples as columns)", outputs.get("out"), reference(inputs).T)])


def judge_count(inputs: dict, outputs: dict):
    sizes = inputs["sizes"]
    # counted by torch on shape-only ("meta") layers, not by the formula
    expected = sum(p.numel() for m_in, m_out in zip(sizes[:-1], sizes[1:]) for p in torch.nn.Linear(m_in, m_out, device="meta").parameters())
    got = outputs.get("out")
    got = got.item() if isinstance(got, torch.Tensor) and got.numel() == 1 else got
    if not isinstance(got, (int, float)) or isinstance(got, bool):
        return Verdict.wrong(f"expected a number, got {got!r}")
    return Verdict.ok() if got == expected else Verdict.wrong(f"counted {got:g} parameters for sizes {tuple(sizes)}; check the weights and the biases of every layer")


def call(name: str, *args: str) -> Probe:
    return Probe("call", name, args=args)


WEIGHTS = ("W1", "b1", "W2", "b2")

CHECKS = [
    Check("lab02.forward_one.values", "lab02.forward_one", 1, one_example_inputs, call("forward_one", "x", *WEIGHTS), judge_one, description="o = W^[2] ReLU(W^[1] x + b^[1]) + b^[2] for one x"),
    Check("lab02.forward_loop.values", "lab02.forward_loop", 1, network_inputs, call("forward_loop", "X", *WEIGHTS), judge_rows, description="one output row per example row"),
    Check("lab02.forward_columns.values", "lab02.forward_columns", 1, columns_inputs, call("forward_columns", "X_columns", *WEIGHTS), judge_columns, description="Ma eq. 4.2: examples as columns, (k, n) out"),
    Check("lab02.forward_rows.values", "lab02.forward_rows", 1, rows_inputs, call("forward_rows", "X", "W1_rows", "b1", "W2_rows", "b2"), judge_rows, description="Ma eq. 4.4: examples as rows, transposed weights"),
    Check("lab02.parameter_count.three_two_one", "lab02.parameter_count", 1, lambda g: {"sizes": (int(torch.randint(2, 50, (), generator=g)), 3, 2, 1)}, call("parameter_count", "sizes"), judge_count, description="the notes' (d, 3, 2, 1) network: 3d + 14"),
]
