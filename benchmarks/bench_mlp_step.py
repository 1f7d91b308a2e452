"""One training step (forward + backward) of an MLP 784-256-256-10: manual vs autograd vs plain numpy.

Prints, measured in one process:

* manual ÷ autograd mode, on the CPU with 2 threads and on CUDA when present,
  alternated call by call (median of the per-pair ratios). Target: ≤ 1.05.
* manual ÷ a plain numpy step in the CS231n style (``affine_forward``,
  ``relu_forward``, ``softmax_loss`` and their ``*_backward``, no autograd at
  all), the peer a student would otherwise write. Target: ≤ 0.9. torch and
  numpy run in alternating blocks of calls, not call by call (see
  ``timing.blocked_medians``: OpenBLAS's threads spin after each call).
* what bounds that ratio: the step's eight matrix products alone, torch's
  over numpy's (measured the same way).
* the bare cost of a custom Function call (identity body, forward +
  backward) in the ``setup_context`` style and in the combined style; cs229nn
  writes each layer in the first and runs a generated twin in the second
  outside ``torch.func`` (see ``cs229nn/functional/function.py``).

    python benchmarks/bench_mlp_step.py [--repeats 200] [--threads 2]
"""

import argparse
import statistics
import sys
import time
from typing import Callable, Dict, List

import numpy as np
import torch

import cs229nn
from cs229nn import nn
from timing import blocked_medians, paired_medians  # benchmarks/ is on sys.path when a script here runs

SIZES = [784, 256, 256, 10]
BATCH = 256
TARGET_AUTOGRAD = 1.05
TARGET_NUMPY = 0.9


def torch_step(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, mode: str) -> Callable[[], List[torch.Tensor]]:
    loss_fn = nn.SoftmaxCrossEntropy()
    params = list(model.parameters())

    def run():
        with cs229nn.backprop_mode(mode):
            loss = loss_fn(model(x), y)
        return torch.autograd.grad(loss, params)

    return run


def numpy_step(weights: List[np.ndarray], biases: List[np.ndarray], x: np.ndarray, y: np.ndarray) -> Callable[[], Dict[str, np.ndarray]]:
    """The same step as CS231n's ``layers.py`` writes it: W is (d, m), x.dot(W) + b, caches, then backward."""
    n = x.shape[0]
    rows = np.arange(n)

    def run():
        caches, a = [], x
        for k, (W, b) in enumerate(zip(weights, biases)):
            z = a.dot(W) + b  # affine_forward
            caches.append((a, z))
            a = np.maximum(0, z) if k < len(weights) - 1 else z  # relu_forward
        shifted = a - a.max(axis=1, keepdims=True)  # softmax_loss
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_probs[rows, y].sum() / n
        dout = np.exp(log_probs)
        dout[rows, y] -= 1
        dout /= n
        grads = {"loss": loss}
        for k in range(len(weights) - 1, -1, -1):
            a_prev, z = caches[k]
            if k < len(weights) - 1:
                dout = dout * (z > 0)  # relu_backward
            grads[f"W{k + 1}"], grads[f"b{k + 1}"] = a_prev.T.dot(dout), dout.sum(axis=0)  # affine_backward
            if k > 0:
                dout = dout.dot(weights[k].T)
        return grads

    return run


def matmul_floor(weights: List[torch.Tensor], x: torch.Tensor, repeats: int, warmup: int = 20) -> Dict[str, float]:
    """Seconds for the step's eight matrix products alone, in torch (manual mode's layouts) and in numpy (the peer's).

    Forward Z = A Wᵀ per layer; backward δᵀA for every ∂J/∂W and δW for every
    ∂J/∂A but the input's. No step can be faster than its products, so the
    ratio of the two bounds manual ÷ numpy from below, up to the few
    element-wise kernels around the products.
    """
    activations = [x] + [torch.randn(x.shape[0], W.shape[0]) for W in weights[:-1]]
    deltas = [torch.randn(x.shape[0], W.shape[0]) for W in weights]
    pairs = list(zip(weights, activations, deltas))

    def torch_products():
        for W, a, _ in pairs:
            a.mm(W.t())
        for k, (W, a, d) in enumerate(pairs):
            d.t().mm(a)
            if k:
                d.mm(W)

    np_pairs = [(W.numpy().T.copy(), a.numpy(), d.numpy()) for W, a, d in pairs]

    def numpy_products():
        for W, a, _ in np_pairs:
            a.dot(W)
        for k, (W, a, d) in enumerate(np_pairs):
            a.T.dot(d)
            if k:
                d.dot(W.T)

    torch_s, numpy_s, _ = blocked_medians(torch_products, numpy_products, repeats, warmup=warmup)
    return {"torch_ms": 1e3 * torch_s, "numpy_ms": 1e3 * numpy_s}


def bench_mlp(device: torch.device, repeats: int, warmup: int = 20) -> dict:
    torch.manual_seed(0)
    model = nn.MLP(SIZES, activation="relu").to(device)
    x = torch.randn(BATCH, SIZES[0], device=device)
    y = torch.randint(0, SIZES[-1], (BATCH,), device=device)
    manual = torch_step(model, x, y, "manual")
    manual_s, autograd_s, ratio = paired_medians(manual, torch_step(model, x, y, "autograd"), device, repeats, warmup)
    result = {"manual_ms": 1e3 * manual_s, "autograd_ms": 1e3 * autograd_s, "ratio": ratio}
    if device.type == "cpu":
        linears = [m for m in model if isinstance(m, nn.Linear)]
        step = numpy_step([m.weight.detach().numpy().T.copy() for m in linears], [m.bias.detach().numpy().copy() for m in linears], x.numpy(), y.numpy())
        # the peer computes the same gradients (float32 rounding apart)
        ours, theirs = manual(), step()
        result["numpy_max_rel_diff"] = max(
            float(np.abs(g.numpy() - (theirs[f"W{i // 2 + 1}"].T if i % 2 == 0 else theirs[f"b{i // 2 + 1}"])).max() / np.abs(g.numpy()).max())
            for i, g in enumerate(ours)
        )
        # in blocks, not call by call: see blocked_medians (OpenBLAS's spinning threads)
        manual_s, numpy_s, result["numpy_ratio"] = blocked_medians(manual, step, repeats, warmup=warmup)
        result["numpy_ms"] = 1e3 * numpy_s
        result["floor"] = matmul_floor([m.weight.detach() for m in linears], x, repeats, warmup)
    return result


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


def verdict(ratio: float, target: float) -> str:
    return f"(target ≤ {target}: {'met' if ratio <= target else 'MISSED'})"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2, help="CPU threads (torch; numpy's BLAS uses its own default)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, numpy {np.__version__}, {torch.get_num_threads()} CPU threads")
    ok = True
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    for device in devices:
        name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
        r = bench_mlp(device, args.repeats)
        ok &= r["ratio"] <= TARGET_AUTOGRAD
        print(
            f"MLP {'-'.join(map(str, SIZES))}, batch {BATCH}, float32, {name}: manual {r['manual_ms']:.3f} ms, "
            f"autograd {r['autograd_ms']:.3f} ms, median ratio manual/autograd {r['ratio']:.3f} {verdict(r['ratio'], TARGET_AUTOGRAD)}"
        )
        if "numpy_ratio" in r:
            ok &= r["numpy_ratio"] <= TARGET_NUMPY
            print(
                f"  vs numpy (CS231n style, no autograd): numpy {r['numpy_ms']:.3f} ms, "
                f"manual/numpy {r['numpy_ratio']:.3f} (medians of blocks) {verdict(r['numpy_ratio'], TARGET_NUMPY)}; "
                f"same gradients to {r['numpy_max_rel_diff']:.1e} (float32)"
            )
            floor = r["floor"]
            print(
                f"  the step's 8 matrix products alone: torch {floor['torch_ms']:.3f} ms, numpy {floor['numpy_ms']:.3f} ms, "
                f"torch/numpy {floor['torch_ms'] / floor['numpy_ms']:.2f} (the products are most of either step)"
            )
    overhead = bench_function_overhead()
    print(
        "custom Function call overhead beyond a plain op (forward + backward, identity body): "
        f"setup_context style {overhead['setup_context']:.1f} µs, combined style {overhead['combined']:.1f} µs"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
