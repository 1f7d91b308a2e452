"""Lab 9's hidden checks: a batch of one, one batch per epoch, batches that divide n."""

from pathlib import Path

from cs229nn.lab import Check, Probe
from cs229nn.lab.loader import load_module

public = load_module(Path(__file__).with_name("checks.py"), "lab09_checks")  # the inputs and judges are shared

CHECKS = [
    Check(
        name="lab09.softmax_regression_step.one_example",
        exercise="lab09.softmax_regression_step",
        points=1,
        inputs=public.softmax_inputs(1, 2, 4, lr=0.05),
        probe=Probe("call", "softmax_regression_step", args=public.STEP_ARGS),
        judge=public.judge_step,
        hidden=True,
        description="B = 1",
    ),
    Check(
        name="lab09.train_epoch.one_batch",
        exercise="lab09.train_epoch",
        points=1,
        inputs=public.softmax_inputs(6, 2, 3, batch_size=10),
        probe=Probe("call", "train_epoch", args=public.EPOCH_ARGS),
        judge=public.judge_epoch,
        hidden=True,
        description="a batch larger than n: one step",
    ),
    Check(
        name="lab09.train_epoch.batches_of_one",
        exercise="lab09.train_epoch",
        points=1,
        inputs=public.softmax_inputs(7, 3, 2, lr=0.1, batch_size=1),
        probe=Probe("call", "train_epoch", args=public.EPOCH_ARGS),
        judge=public.judge_epoch,
        hidden=True,
        description="stochastic gradient descent: batches of one",
    ),
]
