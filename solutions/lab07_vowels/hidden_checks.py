"""Lab 7's hidden checks: other shapes and edge cases (batch of 1, K = 2, large logits in δ, two rows per speaker)."""

from pathlib import Path

from cs229nn.lab import Check, Probe
from cs229nn.lab.loader import load_module

public = load_module(Path(__file__).with_name("checks.py"), "lab07_checks")  # the inputs and judges are shared
accuracy_inputs, logits_inputs, speaker_inputs = public.accuracy_inputs, public.logits_inputs, public.speaker_inputs
judge_accuracy, judge_delta, judge_lobanov, judge_loss = public.judge_accuracy, public.judge_delta, public.judge_lobanov, public.judge_loss

CHECKS = [
    Check(
        name="lab07.softmax_cross_entropy.one_example",
        exercise="lab07.softmax_cross_entropy",
        points=1,
        inputs=logits_inputs(1, 2),
        probe=Probe("call", "softmax_cross_entropy", args=("z", "y")),
        judge=judge_loss,
        hidden=True,
        description="n = 1, K = 2",
    ),
    Check(
        name="lab07.SoftmaxCrossEntropyFunction.large_logits",
        exercise="lab07.SoftmaxCrossEntropyFunction",
        points=1,
        inputs=logits_inputs(3, 5, scale=1000.0),
        probe=Probe("function", "SoftmaxCrossEntropyFunction", args=("z", "y"), grad=("z",)),
        judge=judge_delta,
        hidden=True,
        description="δ for logits of size 1000 (softmax must not overflow)",
    ),
    Check(
        name="lab07.SoftmaxCrossEntropyFunction.one_example",
        exercise="lab07.SoftmaxCrossEntropyFunction",
        points=1,
        inputs=logits_inputs(1, 3),
        probe=Probe("function", "SoftmaxCrossEntropyFunction", args=("z", "y"), grad=("z",)),
        judge=judge_delta,
        hidden=True,
        description="δ for a batch of one",
    ),
    Check(
        name="lab07.accuracy.one_example",
        exercise="lab07.accuracy",
        points=1,
        inputs=accuracy_inputs(1, 3),
        probe=Probe("call", "accuracy", args=("z", "y")),
        judge=judge_accuracy,
        hidden=True,
        description="a batch of one",
    ),
    Check(
        name="lab07.lobanov.two_tokens_one_formant",
        exercise="lab07.lobanov",
        points=1,
        inputs=speaker_inputs((2, 2, 3, 2), 1),
        probe=Probe("call", "lobanov", args=("x", "speakers")),
        judge=judge_lobanov,
        hidden=True,
        description="speakers with two tokens, d = 1",
    ),
]
