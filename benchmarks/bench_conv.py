"""Manual Conv2dFunction vs torch's conv2d + autograd: forward + backward, median time ratio.

Every convolution the labs use, float32, every gradient (x, θ, b) requested:
the first issue's case (batch 64, 3 → 8 channels, 4×4 kernel, 64×64 input)
and the soccer network's two layers. Target: manual ≤ 1.2× torch for each,
on the CPU (2 threads) and on CUDA. One more row, without a target, times the
soccer net's first layer as it runs in training: its input is the images, so
only ∂J/∂θ and ∂J/∂b are computed.

Manual and torch runs alternate, and the ratio is taken per pair before the
median, so a burst of load on a shared machine hits both sides of a pair.

    python benchmarks/bench_conv.py [--repeats 30] [--threads 2] [--device cpu|cuda|all]
"""

import argparse
import sys
from typing import Callable, Tuple

import torch
import torch.nn.functional as F

from cs229nn.functional.conv import Conv2dFunction
from timing import paired_medians  # benchmarks/ is on sys.path when a script here runs

# (label, n, C_in, C_out, H (= W), k, stride, padding, ∂J/∂x requested, target)
CASES = [
    ("64×3×64×64 → 8, k=4", 64, 3, 8, 64, 4, 1, 0, True, 1.2),
    ("soccer conv 1: k=4, stride 2", 50, 3, 8, 64, 4, 2, 0, True, 1.2),
    ("soccer conv 2: 8 → 16, k=3", 50, 8, 16, 15, 3, 1, 0, True, 1.2),
    ("soccer conv 1, no ∂J/∂x (as trained)", 50, 3, 8, 64, 4, 2, 0, False, None),
]


def step(conv: Callable, x: torch.Tensor, W: torch.Tensor, b: torch.Tensor, stride: int, padding: int, delta: torch.Tensor) -> None:
    """One forward and one backward with every gradient requested."""
    out = conv(x, W, b, (stride, stride), (padding, padding))
    torch.autograd.backward(out, delta)


def manual_conv(x, W, b, stride, padding):
    return Conv2dFunction.apply(x, W, b, stride, padding)


def torch_conv(x, W, b, stride, padding):
    return F.conv2d(x, W, b, stride, padding)


def bench_case(case: Tuple, device: torch.device, repeats: int) -> Tuple[float, float, float]:
    """(median manual seconds, median torch seconds, median of the per-pair ratios)."""
    _, n, c_in, c_out, size, k, stride, padding, grad_x, _ = case
    g = torch.Generator().manual_seed(0)
    make = lambda *shape: torch.randn(*shape, generator=g).to(device).requires_grad_()  # noqa: E731
    x, W, b = make(n, c_in, size, size).requires_grad_(grad_x), make(c_out, c_in, k, k), make(c_out)
    out_size = (size + 2 * padding - k) // stride + 1
    delta = torch.randn(n, c_out, out_size, out_size, generator=g).to(device)
    runs = {name: (lambda conv=conv: step(conv, x, W, b, stride, padding, delta)) for name, conv in [("manual", manual_conv), ("torch", torch_conv)]}
    return paired_medians(runs["manual"], runs["torch"], device, repeats, warmup=10)  # oneDNN builds its kernels on the first calls


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2, help="CPU threads (torch.set_num_threads)")
    parser.add_argument("--device", choices=["cpu", "cuda", "all"], default="all", help="all: CPU, and CUDA when present")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    devices = [torch.device("cpu")] if args.device in ("cpu", "all") else []
    if args.device in ("cuda", "all") and torch.cuda.is_available():
        devices.append(torch.device("cuda"))
    elif args.device == "cuda":
        print("CUDA is not available", file=sys.stderr)
        return 1
    print(f"Conv2d forward + backward (float32), median of {args.repeats} alternated pairs; torch {torch.__version__}")
    print(f"{'device':<22}{'case':<40}{'manual ms':>11}{'torch ms':>10}{'ratio':>8}")
    ok = True
    for device in devices:
        where = f"cpu ({args.threads} threads)" if device.type == "cpu" else torch.cuda.get_device_name(device)
        for case in CASES:
            manual, reference, ratio = bench_case(case, device, args.repeats)
            target = case[-1]
            ok &= target is None or ratio <= target
            mark = f"  (target ≤ {target}×: {'met' if ratio <= target else 'MISSED'})" if target else ""
            print(f"{where:<22}{case[0]:<40}{manual * 1e3:>11.2f}{reference * 1e3:>10.2f}{ratio:>7.2f}×{mark}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
