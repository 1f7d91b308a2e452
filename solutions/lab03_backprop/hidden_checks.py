"""Lab 3's hidden checks: other shapes, a batch of one, and the extremes where a careless formula overflows."""

from pathlib import Path

from cs229nn.lab import Check, Probe
from cs229nn.lab.loader import load_module

public = load_module(Path(__file__).with_name("checks.py"), "checks")  # the same inputs and references

CHECKS = [
    Check(
        name="lab03.linear_forward.batch_of_one",
        exercise="lab03.linear_forward",
        points=1,
        inputs=lambda g: public.linear_inputs(g, n=1, d=7, m=2),
        probe=Probe("call", "linear_forward", args=("a", "W", "b")),
        judge=public.judge_linear_forward,
        hidden=True,
        description="one example, wide input",
    ),
    public.function_check("batch_of_one", "LinearFunction", 1, lambda g: public.linear_inputs(g, n=1, d=6, m=3), public.LINEAR, "backward", "∂J/∂b of a batch of one keeps its shape (m,)", hidden=True),
    public.function_check("three_dims", "ReLUFunction", 1, lambda g: public.activation_inputs(g, 2, 3, 5), public.RELU, "backward", "any shape, not only matrices", hidden=True),
    public.function_check("saturated", "SigmoidFunction", 1, lambda g: public.activation_inputs(g, 50) | {"z": 300 * public.draw(g, 50)}, public.SIGMOID, "forward", "σ(z) for |z| up to ~1000: no nan", hidden=True),
    public.function_check("many_outputs", "SquaredLossFunction", 1, lambda g: public.squared_inputs(g, n=3, k=5), public.SQUARED, "backward", "k = 5 outputs: sum over outputs, mean over examples", hidden=True),
    public.function_check("large_logits", "LogisticLossFunction", 1, lambda g: public.logistic_inputs(g, n=9, scale=200.0), public.LOGISTIC, "forward", "J for |z| in the hundreds: no log(0), no overflow", hidden=True),
]
