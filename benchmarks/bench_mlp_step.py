"""One training step (forward + backward) of an MLP 784-256-256-10, manual vs autograd.

Prints the median time of each and the median of the per-pair ratios
manual ÷ autograd, measured alternately in one process, on the CPU with 2
threads and on CUDA when present. Target: ≤ 1.05.

Also prints the bare cost of a custom Function call (identity body, forward +
backward) in the ``setup_context`` style cs229nn uses and in the older
combined style, which is what a Function costs beyond its math.

    python benchmarks/bench_mlp_step.py [--repeats 200]
"""

import argparse
import statistics
import time

import torch

import cs229nn
from cs229nn import nn
from timing import paired_medians  # benchmarks/ is on sys.path when a script here runs


def bench_mlp(device: torch.device, repeats: int, warmup: int = 20) -> dict:
    torch.manual_seed(0)
    model = nn.MLP([784, 256, 256, 10], activation="relu").to(device)
    loss_fn = nn.SoftmaxCrossEntropy()
    x = torch.randn(256, 784, device=device)
    y = torch.randint(0, 10, (256,), device=device)
    params = list(model.parameters())

    def step(mode: str):
        def run():
            with cs229nn.backprop_mode(mode):
                loss = loss_fn(model(x), y)
            torch.autograd.grad(loss, params)
        return run

    manual_s, autograd_s, ratio = paired_medians(step("manual"), step("autograd"), device, repeats, warmup)
    return {"manual_ms": 1e3 * manual_s, "autograd_ms": 1e3 * autograd_s, "ratio": ratio}


class IdentitySetupContext(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x.view_as(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass

    @staticmethod
    def backward(ctx, grad):
        return grad


class IdentityCombined(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


def bench_function_overhead(repeats: int = 2000) -> dict:
    x = torch.randn(4, requires_grad=True)
    result = {}
    for name, function in [("setup_context", IdentitySetupContext), ("combined", IdentityCombined)]:
        for _ in range(200):
            function.apply(x).sum().backward()
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            function.apply(x).sum().backward()
            samples.append(time.perf_counter() - start)
        baseline = []
        for _ in range(repeats):
            start = time.perf_counter()
            x.view_as(x).sum().backward()
            baseline.append(time.perf_counter() - start)
        result[name] = 1e6 * (statistics.median(samples) - statistics.median(baseline))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    torch.set_num_threads(2)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads")
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    for device in devices:
        name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
        r = bench_mlp(device, args.repeats)
        print(
            f"MLP 784-256-256-10, batch 256, float32, {name}: manual {r['manual_ms']:.3f} ms, "
            f"autograd {r['autograd_ms']:.3f} ms, median ratio manual/autograd {r['ratio']:.3f} (target ≤ 1.05)"
        )
    overhead = bench_function_overhead()
    print(
        "custom Function call overhead beyond a plain op (forward + backward, identity body): "
        f"setup_context style {overhead['setup_context']:.1f} µs, combined style {overhead['combined']:.1f} µs"
    )


if __name__ == "__main__":
    main()
