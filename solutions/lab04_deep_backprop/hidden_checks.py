"""Lab 4's hidden checks: the public judges on other networks (batch 1, one layer, narrow and deep)."""

from functools import partial
from pathlib import Path

from cs229nn.lab import Check
from cs229nn.lab.loader import load_module

public = load_module(Path(__file__).with_name("checks.py"), "checks")

SHAPES = {
    "batch1": dict(n=1, widths=(4, 3, 5, 2)),
    "one_layer": dict(n=6, widths=(5, 3)),
    "narrow_deep": dict(n=9, widths=(2, 1, 3, 1, 4, 2, 3)),
}
JUDGED = [
    ("forward_pass", public.FORWARD, public.judge_forward),
    ("output_delta", public.OUTPUT_DELTA, public.judge_output_delta),
    ("backward_deltas", public.BACKWARD, public.judge_backward_deltas),
    ("parameter_gradients", public.GRADIENTS, public.judge_parameter_gradients),
]

CHECKS = [
    Check(
        name=f"lab04.{exercise}.{shape}",
        exercise=f"lab04.{exercise}",
        points=1,
        inputs=partial(public.network_inputs, **kwargs),
        probe=probe,
        judge=judge,
        hidden=True,
        description=f"{exercise} on the {shape.replace('_', ' ')} network",
    )
    for shape, kwargs in SHAPES.items()
    for exercise, probe, judge in JUDGED
]
