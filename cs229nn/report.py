"""The gradient report: every layer and loss, and a 3-layer MLP, checked three ways.

``cs229nn report`` prints, per case and per dtype, the manual-vs-autograd and
numeric-vs-autograd errors of every gradient (see :mod:`cs229nn.check` for what
a correct implementation shows), on CUDA if available, else CPU.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

import torch

import cs229nn
from cs229nn import nn
from cs229nn.check import GradientReport, compare_gradients
from cs229nn.usage import ArgumentParser, device_option, output_file


@dataclass
class Case:
    """A model and a recipe for its inputs (made in float64 on the CPU, then cast)."""

    title: str
    model: Callable[[], torch.nn.Module]
    inputs: Callable[[torch.Generator], Tuple[torch.Tensor, ...]]
    input_names: Sequence[str]
    loss: Optional[torch.nn.Module] = None
    target: Optional[Callable[[torch.Generator], torch.Tensor]] = None


def _randn(g: torch.Generator, *shape: int) -> torch.Tensor:
    return torch.randn(*shape, generator=g, dtype=torch.float64)


def _labels(g: torch.Generator, n: int, k: int) -> torch.Tensor:
    return torch.randint(0, k, (n,), generator=g)


def _probabilities(g: torch.Generator, *shape: int) -> torch.Tensor:
    # Away from 0 and 1, so that ±h stays inside [0, 1]; also used as soft labels y.
    return 0.1 + 0.8 * torch.rand(*shape, generator=g, dtype=torch.float64)


n = 5  # examples per batch in every case
CASES: List[Case] = [
    Case("Linear 4 -> 3", lambda: nn.Linear(4, 3, layer=1), lambda g: (_randn(g, n, 4),), ["a^[0]"]),
    *[
        Case(name, module, lambda g: (_randn(g, n, 4),), ["z"])
        for name, module in [
            ("ReLU", nn.ReLU),
            ("Sigmoid", nn.Sigmoid),
            ("Tanh", nn.Tanh),
            ("LeakyReLU(0.1)", lambda: nn.LeakyReLU(0.1)),
            ("ELU(1.0)", lambda: nn.ELU(1.0)),
            ("Identity", nn.Identity),
        ]
    ],
    Case("SquaredLoss", nn.SquaredLoss, lambda g: (_randn(g, n, 2), _randn(g, n, 2)), ["o", "y"]),
    Case("LogisticLoss", nn.LogisticLoss, lambda g: (_randn(g, n) * 3, _probabilities(g, n)), ["z", "y"]),
    Case("SoftmaxCrossEntropy", nn.SoftmaxCrossEntropy, lambda g: (_randn(g, n, 4) * 3, _labels(g, n, 4)), ["z", "y"]),
    Case("BinaryCrossEntropy", nn.BinaryCrossEntropy, lambda g: (_probabilities(g, n), _probabilities(g, n)), ["p", "y"]),
    Case(
        "MLP 4-6-5-3 (ReLU) + softmax cross-entropy",
        lambda: nn.MLP([4, 6, 5, 3], activation="relu"),
        lambda g: (_randn(g, n, 4),),
        ["x"],
        loss=nn.SoftmaxCrossEntropy(),
        target=lambda g: _labels(g, n, 3),
    ),
]


def run_case(case: Case, dtype: torch.dtype, device: torch.device, seed: int = 0) -> GradientReport:
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model, inputs = case.model(), case.inputs(g)
    target = case.target(g) if case.target else None
    return compare_gradients(
        model, *inputs, loss=case.loss, target=target, input_names=case.input_names,
        dtype=dtype, device=device, title=case.title, seed=seed,
    )


def gradient_report(device: Optional[torch.device] = None, dtypes=(torch.float64, torch.float32)) -> Tuple[str, bool]:
    """Run every case in every dtype; returns (the printed text, whether all passed)."""
    device = device or cs229nn.device()
    where = f"{device} ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else f"{device} (CUDA not available)" if not torch.cuda.is_available() else str(device)
    parts = [f"cs229nn gradient report: manual vs autograd vs numeric, on {where}, torch {torch.__version__}", ""]
    failed = []
    for dtype in dtypes:
        for case in CASES:
            report = run_case(case, dtype, device)
            parts += [str(report), ""]
            if not report.passed:
                failed.append(f"{case.title} ({dtype})")
    total = len(CASES) * len(dtypes)
    parts.append(f"{total - len(failed)} of {total} checks passed" + (": FAILED " + ", ".join(failed) if failed else "."))
    return "\n".join(parts), not failed


def main(argv: Optional[List[str]] = None) -> int:
    parser = ArgumentParser(prog="cs229nn report", description=__doc__.splitlines()[0])
    parser.add_argument("--device", help="cpu, cuda, cuda:1 … (default: $CS229NN_DEVICE, else CUDA if available)")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    device = device_option(args.device)  # both checked before the report runs
    out = output_file(args.out, example="gradient_report.txt") if args.out else None
    text, ok = gradient_report(device)
    print(text)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
        print(f"report written to {out}")
    return 0 if ok else 1
