"""Lab 6's hidden checks: plain SGD (λ = 0), other shapes, momentum's first step against torch.optim.SGD,
and samplers at the edges (B = 1, B = n)."""

from pathlib import Path

from cs229nn.lab import Check
from cs229nn.lab.loader import load_module

public = load_module(Path(__file__).with_name("checks.py"), "checks")


def hidden(name: str, inputs, probe, judge, description: str) -> Check:
    """A one-point hidden check of the exercise ``probe`` calls: ``lab06.<exercise>.<name>``."""
    exercise = f"lab06.{probe.target}"
    return Check(name=f"{exercise}.{name}", exercise=exercise, points=1, inputs=inputs, probe=probe,
                 judge=judge, hidden=True, description=description)


CHECKS = [
    hidden("plain", public.step_inputs(shape=(6,), lam=0.0), public.SGD_STEP, public.judge_sgd_step,
           "λ = 0 on a bias vector: W − α∇J"),
    hidden("strong_decay", public.step_inputs(shape=(2, 5), lam=3.0), public.SGD_STEP, public.judge_sgd_step,
           "λ = 3 on a 2 × 5 W"),
    hidden("torch_first_step", public.step_inputs(shape=(3, 7), first_step=True), public.MOMENTUM_STEP,
           public.judge_first_momentum_step, "from v = 0, one step equals torch.optim.SGD(lr=α(1 − β), momentum=β)"),
    hidden("single_examples", public.sampler_inputs(n=12, B=1, num_batches=3000), public.SAMPLER, public.judge_sampler,
           "B = 1 (Ma Algorithm 1's draws): uniform over 12 examples"),
    hidden("whole_set", public.sampler_inputs(n=6, B=6, num_batches=50), public.SAMPLER, public.judge_sampler,
           "B = n: every batch is the whole training set"),
]
