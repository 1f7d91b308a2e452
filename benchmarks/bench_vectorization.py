"""Vectorizing over examples vs looping over them (Ma §4; claim 9 of tests/test_claims.py).

Times one full Ma Algorithm 4 pass (forward, loss, every δ^[k] and gradient) of a
2-layer network on n = 1000 examples, with :func:`cs229nn.backprop.backprop`
(all examples as rows of one matrix, Ma §4) and with
:func:`cs229nn.backprop.backprop_per_example` (a Python loop over x^(i) as
column vectors). Prints both times and their ratio, measured in this run.
The notes say only that vectorized code runs "quickly" where loops may be
"infeasible" (Ng & Katanforoosh §2, "Vectorization"; Ma §4); they give no
number. A ratio of at least 50 is our target, not the notes'.

    python benchmarks/bench_vectorization.py [--n 1000] [--d 20] [--hidden 50] [--repeats 5] [--threads 1] [--device cpu]

One CPU thread by default: more threads can only speed up the vectorized
version (the loop's 1×m products are too small to split), so the ratio is a
conservative one; and on a busy shared machine a multi-threaded kernel can
stall waiting for a core, which turns the timing into noise.
"""

import argparse
import statistics

import torch

import cs229nn
from timing import time_call  # benchmarks/ is on sys.path when a script here runs
from cs229nn.backprop import Network, backprop, backprop_per_example


def median_seconds(fn, repeats: int, device: torch.device) -> float:
    fn()  # warm-up: first calls allocate and pick kernels
    return statistics.median(time_call(fn, device) for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="examples")
    parser.add_argument("--d", type=int, default=20, help="input size")
    parser.add_argument("--hidden", type=int, default=50, help="hidden units m")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--device", default=None, help="default: cs229nn.device()")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    device = torch.device(args.device) if args.device else cs229nn.device()
    torch.manual_seed(0)
    model = cs229nn.nn.MLP([args.d, args.hidden, 1], "relu", device=device)
    net = Network.from_mlp(model)
    x = torch.randn(args.n, args.d, device=device)
    y = torch.randn(args.n, 1, device=device)

    fast = backprop(net, x, y)
    slow = backprop_per_example(net, x, y)
    worst = max(float((a - b).abs().max() / b.abs().max()) for a, b in zip(fast.grads(), slow.grads()))

    t_vec = median_seconds(lambda: backprop(net, x, y), args.repeats, device)
    t_loop = median_seconds(lambda: backprop_per_example(net, x, y), args.repeats, device)
    print(f"2-layer network {args.d}-{args.hidden}-1 (ReLU, squared loss), n = {args.n} examples, "
          f"float32 on {device}, {torch.get_num_threads()} CPU threads, median of {args.repeats}")
    print(f"  per-example loop (column vectors): {t_loop * 1e3:9.2f} ms")
    print(f"  vectorized (rows, Ma eq. 4.4):     {t_vec * 1e3:9.2f} ms")
    print(f"  ratio loop / vectorized:           {t_loop / t_vec:9.1f}x   (our target ≥ 50x; the notes give no number)")
    print(f"  max relative gradient difference:  {worst:9.1e}")


if __name__ == "__main__":
    main()
