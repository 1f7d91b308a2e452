"""A whole training epoch through ``cs229nn.train.fit``, manual ÷ autograd mode, for two labs' models.

* vowels (lab 7): ``MLP([2, 64, 10], "relu")`` on the two formants of the
  1140 training tokens, softmax cross-entropy, Adam, mini-batches of 64: 18
  small steps, where the per-call cost of a layer shows most.
* soccer: the conv net of :mod:`cs229nn.experiments.soccer` (conv 4×4/2 →
  ReLU → max pool → conv 3×3 → ReLU → global max pool → linear) on 500
  random 3×64×64 images, logistic loss, Adam, mini-batches of 50 (the real
  set is rendered on first use; the timing depends only on the shapes).

Everything an epoch does is in the time: data loading, forward, loss,
backward, the optimizer. Epochs in the two modes alternate on one model,
and the median of the per-pair ratios is printed. Target: ≤ 1.1.

    python benchmarks/bench_epoch.py [--repeats 21] [--threads 2]
"""

import argparse
import sys
from typing import Callable, Tuple

import torch
from torch.utils.data import DataLoader, TensorDataset

import cs229nn
from cs229nn.datasets import Vowels
from cs229nn.experiments.soccer import soccer_convnet
from cs229nn.nn import MLP, LogisticLoss, SoftmaxCrossEntropy
from cs229nn.train import fit
from timing import paired_medians  # benchmarks/ is on sys.path when a script here runs

TARGET = 1.1


def vowels() -> Tuple[torch.nn.Module, Callable, DataLoader]:
    train = Vowels(split="train", features=("f1", "f2"), standardize=True)
    model = MLP([2, 64, len(train.classes)], activation="relu")
    return model, SoftmaxCrossEntropy(), DataLoader(TensorDataset(train.data, train.targets), batch_size=64, shuffle=True)


def soccer() -> Tuple[torch.nn.Module, Callable, DataLoader]:
    g = torch.Generator().manual_seed(0)
    images, labels = torch.rand(500, 3, 64, 64, generator=g), torch.randint(0, 2, (500, 1), generator=g).float()
    return soccer_convnet(), LogisticLoss(), DataLoader(TensorDataset(images, labels), batch_size=50, shuffle=True)


def epoch_ratio(build: Callable, device: torch.device, repeats: int) -> Tuple[float, float, float]:
    torch.manual_seed(0)
    model, loss_fn, loader = build()
    model = model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def epoch(mode: str) -> Callable[[], None]:
        def run():
            with cs229nn.backprop_mode(mode):
                fit(model, loss_fn, loader, epochs=1, optimizer=optimizer, device=device, progress=False)
        return run

    # Two warm-up epochs: the first calls of each convolution shape pay for oneDNN building its kernels.
    return paired_medians(epoch("manual"), epoch("autograd"), device, repeats, warmup=2)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--threads", type=int, default=2, help="CPU threads (torch.set_num_threads)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    print(f"One epoch through fit, manual ÷ autograd, median of {args.repeats} alternated pairs; torch {torch.__version__}")
    ok = True
    for device in devices:
        where = f"cpu ({args.threads} threads)" if device.type == "cpu" else torch.cuda.get_device_name(device)
        for name, build in [("vowels MLP 2-64-10", vowels), ("soccer conv net", soccer)]:
            manual, autograd, ratio = epoch_ratio(build, device, args.repeats)
            ok &= ratio <= TARGET
            print(
                f"{where:<18}{name:<22} manual {manual * 1e3:8.1f} ms  autograd {autograd * 1e3:8.1f} ms  "
                f"ratio {ratio:.3f} (target ≤ {TARGET}: {'met' if ratio <= TARGET else 'MISSED'})"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
