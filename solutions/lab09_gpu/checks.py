"""Lab 9's public checks (the grader also runs hidden_checks.py, with other inputs)."""

import torch
import torch.nn.functional as F

from cs229nn.lab import Check, Probe, Verdict
from cs229nn.lab.judge import problem, verdict


def softmax_inputs(n: int, d: int, K: int, lr: float = 0.3, batch_size: int = 0):
    """W (K, d), b (K,), X (n, d), y (n,), α, and a batch size (0: unused)."""
    def draw(generator: torch.Generator) -> dict:
        draw_ = lambda *shape: torch.randn(*shape, generator=generator, dtype=torch.float64)
        return {
            "W": draw_(K, d), "b": draw_(K), "X": draw_(n, d), "y": torch.randint(0, K, (n,), generator=generator),
            "lr": lr, "batch_size": batch_size,
        }
    return draw


def reference_step(W: torch.Tensor, b: torch.Tensor, X: torch.Tensor, y: torch.Tensor, lr: float):
    """(W, b, J) after one gradient step, by autograd."""
    W, b = W.clone().requires_grad_(), b.clone().requires_grad_()
    J = F.cross_entropy(F.linear(X, W, b), y)
    gW, gb = torch.autograd.grad(J, (W, b))
    return (W - lr * gW).detach(), (b - lr * gb).detach(), J.detach()


def returned(outputs: dict, symbols) -> list:
    if "out" in outputs:
        return [f"return a tuple ({', '.join(symbols)}), got {outputs['out'] if isinstance(outputs['out'], str) else 'one value'}"]
    count = sum(key.startswith("out") for key in outputs)
    return [] if count == len(symbols) else [f"return {len(symbols)} values ({', '.join(symbols)}), got {count}"]


def judge_step(inputs: dict, outputs: dict) -> Verdict:
    symbols = ("W", "b", "J")
    found = returned(outputs, symbols)
    if not found:
        W, b, X, y, lr = (inputs[k] for k in ("W", "b", "X", "y", "lr"))
        found = [problem(s, outputs.get(f"out{i}"), e) for i, (s, e) in enumerate(zip(symbols, reference_step(W, b, X, y, lr)))]
        summed = reference_step(W, b, X, y, lr * len(X))  # a δ without 1/B: the step of the summed loss
        if any(found[:2]) and not any(problem(s, outputs.get(f"out{i}"), e) for i, (s, e) in enumerate(zip(symbols[:2], summed[:2]))):
            found = [f"W and b moved B = {len(X)} × too far: δ lacks the 1/B of the mean loss J = (1/B) Σ_i J^(i) (Ma §1, eq. 1.2)"] + found[2:]
    return verdict(found)


def judge_epoch(inputs: dict, outputs: dict) -> Verdict:
    symbols = ("W", "b", "mean loss")
    found = returned(outputs, symbols)
    if not found:
        W, b, X, y, B = inputs["W"], inputs["b"], inputs["X"], inputs["y"], inputs["batch_size"]
        total = torch.zeros((), dtype=X.dtype)
        for start in range(0, len(X), B):
            W, b, J = reference_step(W, b, X[start : start + B], y[start : start + B], inputs["lr"])
            total += J * len(X[start : start + B])
        found = [problem(s, outputs.get(f"out{i}"), e) for i, (s, e) in enumerate(zip(symbols, (W, b, total / len(X))))]
    return verdict(found)


STEP_ARGS = ("W", "b", "X", "y", "lr")
EPOCH_ARGS = STEP_ARGS + ("batch_size",)

CHECKS = [
    Check(
        name="lab09.softmax_regression_step.values",
        exercise="lab09.softmax_regression_step",
        points=2,
        inputs=softmax_inputs(8, 3, 5),
        probe=Probe("call", "softmax_regression_step", args=STEP_ARGS),
        judge=judge_step,
        description="new W, b and J against one autograd step (K = 5, d = 3, B = 8)",
    ),
    Check(
        name="lab09.train_epoch.values",
        exercise="lab09.train_epoch",
        points=2,
        inputs=softmax_inputs(23, 4, 3, batch_size=5),
        probe=Probe("call", "train_epoch", args=EPOCH_ARGS),
        judge=judge_epoch,
        description="W, b and the example-weighted mean loss after an epoch of 5 batches, the last of 3 rows",
    ),
]
