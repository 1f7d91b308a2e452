"""Lab 6's public checks: the two updates against the notes' formulas (with torch's optimizer as a
second witness for the first step of momentum) and the sampler's draws against the uniform law.
"""

import math

import torch

from cs229nn.lab import Check, Probe, Verdict
from cs229nn.lab.judge import problem, verdict

BAND = 6.0  # standard errors: a correct sampler fails about once in 10⁸ runs


def step_inputs(shape=(4, 3), first_step: bool = False, lam: float = 0.1):
    def inputs(generator: torch.Generator) -> dict:
        draw = lambda: torch.randn(*shape, generator=generator, dtype=torch.float64)
        W, v, grad = draw(), draw(), draw()
        lr = 0.05 + 0.2 * float(torch.rand((), generator=generator, dtype=torch.float64))
        return {"W": W, "v": torch.zeros_like(W) if first_step else v, "grad": grad, "lr": lr, "lam": lam, "beta": 0.9}

    return inputs


def judge_sgd_step(inputs: dict, outputs: dict):
    W = inputs["W"].clone().requires_grad_()
    regularized = (inputs["grad"] * W).sum() + inputs["lam"] / 2 * (W**2).sum()  # ∂/∂W = ∂J/∂W + λW
    (gradient,) = torch.autograd.grad(regularized, W)
    found = problem("new W", outputs.get("out"), inputs["W"] - inputs["lr"] * gradient)
    halved = (1 - inputs["lr"] * inputs["lam"] / 2) * inputs["W"] - inputs["lr"] * inputs["grad"]
    if found and not problem("new W", outputs.get("out"), halved):
        found = "new W decays W by (1 − αλ/2): the gradient of (λ/2)‖W‖² is λW, so W := (1 − αλ)W − α ∂J/∂W (Ng §3.3.1, eq. 3.20–3.21)"
    return verdict([found])


def judge_momentum_step(inputs: dict, outputs: dict):
    beta, lr = inputs["beta"], inputs["lr"]
    v = beta * inputs["v"] + (1 - beta) * inputs["grad"]
    count = sum(1 for key in outputs if key.startswith("out"))
    if count != 2:
        return Verdict.wrong(f"returned {count} value(s); expected the pair (new W, new v)")
    return verdict([problem("new W", outputs.get("out0"), inputs["W"] - lr * v), problem("new v", outputs.get("out1"), v)])


def judge_first_momentum_step(inputs: dict, outputs: dict):
    """From v = 0 one step equals torch.optim.SGD(lr=α(1 − β), momentum=β) (its buffer is v / (1 − β))."""
    W = inputs["W"].clone().requires_grad_()
    optimizer = torch.optim.SGD([W], lr=inputs["lr"] * (1 - inputs["beta"]), momentum=inputs["beta"])
    W.grad = inputs["grad"].clone()
    optimizer.step()
    return verdict([problem("new W", outputs.get("out0"), W.detach())])


def sampler_inputs(n: int = 20, B: int = 5, num_batches: int = 4000):
    def inputs(generator: torch.Generator) -> dict:
        return {"n": n, "B": B, "num_batches": num_batches}

    return inputs


def chi2_quantile(dof: int, z: float = 5.6) -> float:
    """The χ² value exceeded with probability about 1e-8 (z = 5.6), by the Wilson–Hilferty approximation."""
    return dof * (1 - 2 / (9 * dof) + z * math.sqrt(2 / (9 * dof))) ** 3


def sampler_problems(inputs: dict, batches) -> list:
    n, B, T = inputs["n"], inputs["B"], inputs["num_batches"]
    if not isinstance(batches, torch.Tensor):
        return [f"expected a tensor of indices, got {batches}"]
    if tuple(batches.shape) != (T, B):
        return [f"the batches have shape {tuple(batches.shape)}; expected (num_batches, B) = ({T}, {B})"]
    if batches.dtype != torch.int64:
        return [f"indices must be int64 (torch.long) to index a tensor, got {batches.dtype}"]
    if int(batches.min()) < 0 or int(batches.max()) >= n:
        return [f"indices must lie in 0, …, n − 1 = {n - 1}; got {int(batches.min())} … {int(batches.max())}"]
    sorted_rows = batches.sort(dim=1).values
    repeats = int((sorted_rows[:, 1:] == sorted_rows[:, :-1]).any(dim=1).sum())
    if repeats:
        return [f"{repeats} of {T} batches hold an index twice: Ma Algorithm 2 samples without replacement"]
    found = []
    counts = torch.bincount(batches.flatten(), minlength=n).double()
    expected = T * B / n
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    dof = n - 1
    if chi2 > chi2_quantile(dof):
        found.append(f"some indices are drawn far more often than others (counts {int(counts.min())} … {int(counts.max())},"
                     f" expected about {expected:.0f} each; χ² = {chi2:.0f} with {dof} degrees of freedom): draw uniformly")
    both = float(((batches == 0).any(dim=1) & (batches == 1).any(dim=1)).double().mean())
    p = B * (B - 1) / (n * (n - 1))  # P(0 and 1 are in the same uniform B-subset)
    if abs(both - p) > BAND * math.sqrt(p * (1 - p) / T):
        found.append(f"indices 0 and 1 share a batch in {both:.3f} of the batches; a uniform B-subset gives {p:.3f}: draw all B at random")
    distinct_batches = len({tuple(row) for row in sorted_rows.tolist()})
    if distinct_batches < min(T, math.comb(n, B)) // 2:
        found.append(f"only {distinct_batches} different batches in {T} draws: draw every batch anew")
    return found


def judge_sampler(inputs: dict, outputs: dict):
    return verdict(sampler_problems(inputs, outputs.get("out")))


SGD_STEP = Probe("call", "sgd_step", args=("W", "grad", "lr", "lam"))
MOMENTUM_STEP = Probe("call", "momentum_step", args=("W", "v", "grad", "lr", "beta"))
SAMPLER = Probe("call", "sample_minibatches", args=("n", "B", "num_batches"))

CHECKS = [
    Check(
        name="lab06.sgd_step.values",
        exercise="lab06.sgd_step",
        points=1,
        inputs=step_inputs(),
        probe=SGD_STEP,
        judge=judge_sgd_step,
        description="one step on J + (λ/2)‖W‖², λ = 0.1, against the gradient autograd finds",
    ),
    Check(
        name="lab06.momentum_step.values",
        exercise="lab06.momentum_step",
        points=2,
        inputs=step_inputs(),
        probe=MOMENTUM_STEP,
        judge=judge_momentum_step,
        description="(new W, new v) from a nonzero velocity, against Ng eq. 3.16",
    ),
    Check(
        name="lab06.sample_minibatches.uniform",
        exercise="lab06.sample_minibatches",
        points=2,
        inputs=sampler_inputs(),
        probe=SAMPLER,
        judge=judge_sampler,
        description="4000 batches of B = 5 from n = 20: distinct within a batch, every index and pair about equally often",
    ),
]
