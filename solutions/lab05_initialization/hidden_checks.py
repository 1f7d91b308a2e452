"""Lab 5's hidden checks: other layer shapes, normality, and exactly symmetric layers."""

from pathlib import Path

import torch

from cs229nn.lab import Check
from cs229nn.lab.loader import load_module

public = load_module(Path(__file__).with_name("checks.py"), "checks")


def normality_inputs(fan_in: int, fan_out: int):
    def inputs(generator: torch.Generator) -> dict:
        return {"fan_in": fan_in, "fan_out": fan_out, "kurtosis": True}

    return inputs


def twin_inputs(generator: torch.Generator) -> dict:
    """A layer whose 6 units are copies of one row (a constant initialization)."""
    row = torch.randn(1, 4, generator=generator, dtype=torch.float64)
    return {"W": row.repeat(6, 1)}


def single_unit_inputs(generator: torch.Generator) -> dict:
    return {"W": torch.randn(1, 9, generator=generator, dtype=torch.float64)}


CHECKS = [
    Check(
        name=f"lab05.{name}.{shape}",
        exercise=f"lab05.{name}",
        points=1,
        inputs=inputs,
        probe=probe,
        judge=public.judge_init(variance),
        hidden=True,
        description=f"{name} on {description}",
    )
    for name, probe, variance in (
        ("xavier_normal", public.XAVIER, public.VARIANCES["2 / (fan_in + fan_out) (Xavier)"]),
        ("he_normal", public.HE, public.VARIANCES["2 / fan_in (He)"]),
    )
    for shape, inputs, description in (
        ("tall", public.layer_inputs(20, 2000), "a 2000 × 20 layer"),
        ("wide", public.layer_inputs(1500, 30), "a 30 × 1500 layer"),
        ("normal", normality_inputs(400, 250), "a 250 × 400 layer: E[w⁴]/Var(w)² of a normal law"),
    )
] + [
    Check(
        name=f"lab05.unit_spread.{name}",
        exercise="lab05.unit_spread",
        points=1,
        inputs=inputs,
        probe=public.SPREAD,
        judge=public.judge_spread,
        hidden=True,
        description=description,
    )
    for name, inputs, description in (
        ("twins", twin_inputs, "six identical units have spread 0"),
        ("single_unit", single_unit_inputs, "a layer of one unit has spread 0"),
    )
]
