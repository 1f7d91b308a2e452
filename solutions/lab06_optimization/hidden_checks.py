"""Lab 6's hidden checks: plain SGD (λ = 0), other shapes, momentum's first step against torch.optim.SGD,
and samplers at the edges (B = 1, B = n)."""

from pathlib import Path

from cs229nn.lab import Check
from cs229nn.lab.loader import load_module

public = load_module(Path(__file__).with_name("checks.py"), "checks")

CHECKS = [
    Check(
        name="lab06.sgd_step.plain",
        exercise="lab06.sgd_step",
        points=1,
        inputs=public.step_inputs(shape=(6,), lam=0.0),
        probe=public.SGD_STEP,
        judge=public.judge_sgd_step,
        hidden=True,
        description="λ = 0 on a bias vector: W − α∇J",
    ),
    Check(
        name="lab06.sgd_step.strong_decay",
        exercise="lab06.sgd_step",
        points=1,
        inputs=public.step_inputs(shape=(2, 5), lam=3.0),
        probe=public.SGD_STEP,
        judge=public.judge_sgd_step,
        hidden=True,
        description="λ = 3 on a 2 × 5 W",
    ),
    Check(
        name="lab06.momentum_step.torch_first_step",
        exercise="lab06.momentum_step",
        points=1,
        inputs=public.step_inputs(shape=(3, 7), first_step=True),
        probe=public.MOMENTUM_STEP,
        judge=public.judge_first_momentum_step,
        hidden=True,
        description="from v = 0, one step equals torch.optim.SGD(lr=α(1 − β), momentum=β)",
    ),
    Check(
        name="lab06.sample_minibatches.single_examples",
        exercise="lab06.sample_minibatches",
        points=1,
        inputs=public.sampler_inputs(n=12, B=1, num_batches=3000),
        probe=public.SAMPLER,
        judge=public.judge_sampler,
        hidden=True,
        description="B = 1 (Algorithm 1's draws): uniform over 12 examples",
    ),
    Check(
        name="lab06.sample_minibatches.whole_set",
        exercise="lab06.sample_minibatches",
        points=1,
        inputs=public.sampler_inputs(n=6, B=6, num_batches=50),
        probe=public.SAMPLER,
        judge=public.judge_sampler,
        hidden=True,
        description="B = n: every batch is the whole training set",
    ),
]
