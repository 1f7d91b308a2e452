"""Lab 8's hidden checks: padding, a batch of one, one channel, a wide stride."""

from pathlib import Path

from cs229nn.lab import Check, Probe
from cs229nn.lab.loader import load_module

public = load_module(Path(__file__).with_name("checks.py"), "lab08_checks")  # the inputs and judges are shared

CHECKS = [
    Check(
        name="lab08.conv2d_windows.one_example_one_channel",
        exercise="lab08.conv2d_windows",
        points=1,
        inputs=public.conv_inputs(1, 1, 2, (5, 7), 2, 1),
        probe=Probe("call", "conv2d_windows", args=("x", "W", "b", "stride")),
        judge=public.judge_windows,
        hidden=True,
        description="n = 1, C_in = 1",
    ),
    Check(
        name="lab08.Conv2dFunction.padding",
        exercise="lab08.Conv2dFunction",
        points=1,
        inputs=public.conv_inputs(2, 2, 3, (6, 6), 3, 1, padding=1),
        probe=public.backward_probe(),
        judge=public.judge_backward,
        hidden=True,
        description="zero padding p = 1: the border of x̃ is cropped from ∂J/∂x",
    ),
    Check(
        name="lab08.Conv2dFunction.stride2_padding_one_example",
        exercise="lab08.Conv2dFunction",
        points=1,
        inputs=public.conv_inputs(1, 3, 2, (8, 9), 3, 2, padding=1),
        probe=public.backward_probe(),
        judge=public.judge_backward,
        hidden=True,
        description="stride 2 with padding 1, a batch of one",
    ),
    Check(
        name="lab08.Conv2dFunction.stride3",
        exercise="lab08.Conv2dFunction",
        points=1,
        inputs=public.conv_inputs(2, 1, 1, (10, 11), 2, 3),
        probe=public.backward_probe(),
        judge=public.judge_backward,
        hidden=True,
        description="stride 3 > k: some pixels are read by no window",
    ),
]
