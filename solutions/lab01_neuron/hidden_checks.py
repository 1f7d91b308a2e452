"""Lab 1's hidden checks: a dead neuron (every house on the flat side), one house, a negative slope."""

from pathlib import Path

from cs229nn.lab import Check, Probe
from cs229nn.lab.loader import load_module

public = load_module(Path(__file__).with_name("checks.py"), "checks")

CHECKS = [
    Check(
        name="lab01.neuron_gradients.dead_neuron",
        exercise="lab01.neuron_gradients",
        points=1,
        inputs=lambda g: public.neuron_inputs(g, b_shift=-100.0),
        probe=Probe("call", "neuron_gradients", args=("x", "y", "w", "b")),
        judge=public.judge_gradients,
        hidden=True,
        description="every z < 0: both gradients are exactly 0",
    ),
    Check(
        name="lab01.neuron_gradients.one_house",
        exercise="lab01.neuron_gradients",
        points=1,
        inputs=lambda g: public.neuron_inputs(g, n=1, b_shift=100.0),
        probe=Probe("call", "neuron_gradients", args=("x", "y", "w", "b")),
        judge=public.judge_gradients,
        hidden=True,
        description="n = 1",
    ),
    Check(
        name="lab01.neuron.one_house",
        exercise="lab01.neuron",
        points=1,
        inputs=lambda g: public.neuron_inputs(g, n=1),
        probe=Probe("call", "neuron", args=("x", "w", "b")),
        judge=public.judge_neuron,
        hidden=True,
        description="n = 1",
    ),
    Check(
        name="lab01.kink_in_original_units.negative_slope",
        exercise="lab01.kink_in_original_units",
        points=1,
        inputs=lambda g: public.kink_inputs(g) | {"w": -1.0 - public.draw(g).abs()},
        probe=Probe("call", "kink_in_original_units", args=("w", "b", "mean", "std")),
        judge=public.judge_kink,
        hidden=True,
        description="w < 0: the kink still lies where w x_s + b = 0",
    ),
]
