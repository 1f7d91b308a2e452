"""Lab 5's public checks: statistics of your random weights, and the symmetry measure against torch.

A random initializer cannot be compared number by number, so its judge compares statistics
of many draws with the notes' distribution, with a band of 6 standard errors (a correct
answer fails about once in 10⁸ runs): the shape, the mean (0) and the variance.
"""

import math

import torch

from cs229nn.lab import Check, Probe
from cs229nn.lab.judge import problem, verdict
from cs229nn.validate import shape_str

BAND = 6.0  # standard errors


def layer_inputs(fan_in: int, fan_out: int):
    def inputs(generator: torch.Generator) -> dict:
        return {"fan_in": fan_in, "fan_out": fan_out}

    return inputs


VARIANCES = {
    "2 / (fan_in + fan_out) (Xavier)": lambda fi, fo: 2.0 / (fi + fo),
    "2 / fan_in (He)": lambda fi, fo: 2.0 / fi,
    "1 / fan_in": lambda fi, fo: 1.0 / fi,
    "1 / fan_out": lambda fi, fo: 1.0 / fo,
    "2 / fan_out": lambda fi, fo: 2.0 / fo,
    "1 (torch.randn unscaled)": lambda fi, fo: 1.0,
}


def statistics_problems(W, fan_in: int, fan_out: int, variance: float, kurtosis: bool = False) -> list:
    """Problems with a sample W that should be (fan_out, fan_in) with i.i.d. N(0, variance) entries."""
    if not isinstance(W, torch.Tensor):
        return [f"W: expected a tensor, got {W}"]
    if tuple(W.shape) != (fan_out, fan_in):
        transposed = tuple(W.shape) == (fan_in, fan_out)
        return [f"W has shape {shape_str(W.shape)}; it must be (fan_out, fan_in) = ({fan_out}, {fan_in}){': transposed?' if transposed else ''}"]
    if not W.is_floating_point() or not bool(torch.isfinite(W).all()):
        return [f"W must hold finite floating-point numbers, got dtype {W.dtype}"]
    w = W.double().flatten()
    N = w.numel()
    mean, var = float(w.mean()), float(w.var())
    found = []
    if abs(mean) > BAND * math.sqrt(variance / N):
        found.append(f"mean of the entries {mean:.3g}, expected 0 ± {BAND * math.sqrt(variance / N):.2g}")
    band = BAND * variance * math.sqrt(2.0 / (N - 1))  # standard error of a normal sample's variance
    if abs(var - variance) > band:
        matches = [name for name, f in VARIANCES.items() if abs(var - f(fan_in, fan_out)) <= BAND * f(fan_in, fan_out) * math.sqrt(2.0 / (N - 1))]
        hint = f"; that is the variance {matches[0]}" if matches else ""
        found.append(f"variance of the entries {var:.4g}, expected {variance:.4g} ± {band:.2g}{hint}")
    if kurtosis and not found:
        k = float(((w - mean) ** 4).mean()) / var**2
        if abs(k - 3.0) > BAND * math.sqrt(24.0 / N):
            found.append(f"E[w⁴]/Var(w)² = {k:.3f}, a normal distribution has 3 (uniform: 1.8): draw from N(0, σ²)")
    return found


def judge_init(variance_of):
    def judge(inputs: dict, outputs: dict):
        fi, fo = inputs["fan_in"], inputs["fan_out"]
        return verdict(statistics_problems(outputs.get("out"), fi, fo, variance_of(fi, fo), kurtosis=inputs.get("kurtosis", False)))

    return judge


def spread_inputs(generator: torch.Generator) -> dict:
    return {"W": torch.randn(7, 5, generator=generator, dtype=torch.float64)}


def judge_spread(inputs: dict, outputs: dict):
    W = inputs["W"]
    return verdict([problem("max ‖W_j − W_j'‖", outputs.get("out"), torch.cdist(W, W).max())])


XAVIER = Probe("call", "xavier_normal", args=("fan_in", "fan_out"))
HE = Probe("call", "he_normal", args=("fan_in", "fan_out"))
SPREAD = Probe("call", "unit_spread", args=("W",))

CHECKS = [
    Check(
        name="lab05.unit_spread.random",
        exercise="lab05.unit_spread",
        points=1,
        inputs=spread_inputs,
        probe=SPREAD,
        judge=judge_spread,
        description="the largest distance between two rows of a random 7 × 5 W, against torch.cdist",
    ),
    Check(
        name="lab05.xavier_normal.statistics",
        exercise="lab05.xavier_normal",
        points=2,
        inputs=layer_inputs(300, 200),
        probe=XAVIER,
        judge=judge_init(VARIANCES["2 / (fan_in + fan_out) (Xavier)"]),
        description="a 200 × 300 W: shape, mean 0 and variance 2 / (300 + 200) within 6 standard errors",
    ),
    Check(
        name="lab05.he_normal.statistics",
        exercise="lab05.he_normal",
        points=2,
        inputs=layer_inputs(300, 200),
        probe=HE,
        judge=judge_init(VARIANCES["2 / fan_in (He)"]),
        description="a 200 × 300 W: shape, mean 0 and variance 2 / 300 within 6 standard errors",
    ),
]
