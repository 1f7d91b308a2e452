"""Timing helpers shared by the benchmarks: one clock, paired and alternated measurements."""

import statistics
import time
from typing import Callable, Tuple

import torch


def time_call(fn: Callable[[], object], device: torch.device) -> float:
    """Seconds for one call of ``fn``, waiting for the GPU on both sides."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    fn()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter() - start


def paired_medians(
    ours: Callable[[], object], reference: Callable[[], object], device: torch.device, repeats: int, warmup: int = 5
) -> Tuple[float, float, float]:
    """(median seconds of ``ours``, of ``reference``, median of the per-pair ratios ours ÷ reference).

    The two run alternately, each pair in a changing order, so that load
    drifting over time and cache warmth affect both alike; the ratio of each
    pair is taken before the median, which is robust to a disturbed pair.
    """
    for _ in range(warmup):
        ours(), reference()
    times_ours, times_ref, ratios = [], [], []
    for i in range(repeats):
        if i % 2 == 0:
            t_ours, t_ref = time_call(ours, device), time_call(reference, device)
        else:
            t_ref, t_ours = time_call(reference, device), time_call(ours, device)
        times_ours.append(t_ours)
        times_ref.append(t_ref)
        ratios.append(t_ours / t_ref)
    return statistics.median(times_ours), statistics.median(times_ref), statistics.median(ratios)
