"""Lab 7's public checks (the grader also runs hidden_checks.py, with other inputs)."""

import torch
import torch.nn.functional as F

from cs229nn.datasets.vowels import lobanov
from cs229nn.lab import Check, Probe, Verdict
from cs229nn.lab.judge import problem, raw_gradient_problems, verdict


def logits_inputs(n: int, K: int, scale: float = 1.0):
    """Logits z (n, K) of the given scale, labels y (n,) and an upstream ∂/∂J (0-dim)."""
    def draw(generator: torch.Generator) -> dict:
        z = scale * torch.randn(n, K, generator=generator, dtype=torch.float64)
        y = torch.randint(0, K, (n,), generator=generator)
        return {"z": z, "y": y, "upstream": torch.rand((), generator=generator, dtype=torch.float64) + 0.5}
    return draw


def judge_loss(inputs: dict, outputs: dict) -> Verdict:
    return verdict([problem("J", outputs.get("out"), F.cross_entropy(inputs["z"], inputs["y"]))])


def judge_delta(inputs: dict, outputs: dict) -> Verdict:
    z = inputs["z"].clone().requires_grad_()
    (expected,) = torch.autograd.grad(F.cross_entropy(z, inputs["y"]), z, inputs["upstream"])
    return verdict(raw_gradient_problems(outputs, ("z", "y"), ("∂J/∂z", "y"), (expected, None)))


def accuracy_inputs(n: int, K: int):
    """Logits and labels that agree on about half of the rows."""
    def draw(generator: torch.Generator) -> dict:
        z = torch.randn(n, K, generator=generator, dtype=torch.float64)
        guess = torch.randint(0, K, (n,), generator=generator)
        agree = torch.rand(n, generator=generator) < 0.5
        return {"z": z, "y": torch.where(agree, z.argmax(1), guess)}
    return draw


def judge_accuracy(inputs: dict, outputs: dict) -> Verdict:
    expected = (inputs["z"].argmax(1) == inputs["y"]).double().mean()
    got = outputs.get("out")
    if isinstance(got, float):
        got = torch.tensor(got, dtype=torch.float64)
    return verdict([problem("accuracy", got, expected)])


def speaker_inputs(counts, d: int):
    """Formant-like x (n, d) of speakers with the given token counts, numbered non-contiguously, rows shuffled."""
    def draw(generator: torch.Generator) -> dict:
        speakers = torch.cat([torch.full((c,), 3 * s + 5) for s, c in enumerate(counts)])
        scale = 1.0 + torch.rand(len(counts), generator=generator, dtype=torch.float64)  # a vocal tract per speaker
        x = 500.0 * scale[(speakers - 5) // 3, None] * (1.0 + torch.rand(len(speakers), d, generator=generator, dtype=torch.float64))
        order = torch.randperm(len(speakers), generator=generator)
        return {"x": x[order], "speakers": speakers[order]}
    return draw


def judge_lobanov(inputs: dict, outputs: dict) -> Verdict:
    expected = torch.from_numpy(lobanov(inputs["x"].numpy(), inputs["speakers"].numpy()))
    return verdict([problem("x normalized per speaker", outputs.get("out"), expected)])


CHECKS = [
    Check(
        name="lab07.softmax_cross_entropy.values",
        exercise="lab07.softmax_cross_entropy",
        points=1,
        inputs=logits_inputs(7, 4),
        probe=Probe("call", "softmax_cross_entropy", args=("z", "y")),
        judge=judge_loss,
        description="J against torch's F.cross_entropy",
    ),
    Check(
        name="lab07.softmax_cross_entropy.large_logits",
        exercise="lab07.softmax_cross_entropy",
        points=1,
        inputs=logits_inputs(5, 3, scale=1000.0),
        probe=Probe("call", "softmax_cross_entropy", args=("z", "y")),
        judge=judge_loss,
        description="logits of size 1000: exp overflows unless the max is subtracted",
    ),
    Check(
        name="lab07.SoftmaxCrossEntropyFunction.backward",
        exercise="lab07.SoftmaxCrossEntropyFunction",
        points=2,
        inputs=logits_inputs(6, 10),
        probe=Probe("function", "SoftmaxCrossEntropyFunction", args=("z", "y"), grad=("z",)),
        judge=judge_delta,
        description="the raw δ = ∂J/∂z your backward returns, against autograd",
    ),
    Check(
        name="lab07.accuracy.values",
        exercise="lab07.accuracy",
        points=1,
        inputs=accuracy_inputs(40, 10),
        probe=Probe("call", "accuracy", args=("z", "y")),
        judge=judge_accuracy,
        description="fraction of rows with argmax z = y",
    ),
    Check(
        name="lab07.lobanov.values",
        exercise="lab07.lobanov",
        points=2,
        inputs=speaker_inputs((6, 4, 8), 2),
        probe=Probe("call", "lobanov", args=("x", "speakers")),
        judge=judge_lobanov,
        description="per-speaker z-scores of 3 speakers against cs229nn.datasets.vowels.lobanov",
    ),
]
