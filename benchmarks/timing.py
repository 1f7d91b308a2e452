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


def blocked_medians(
    ours: Callable[[], object], reference: Callable[[], object], repeats: int, blocks: int = 4, warmup: int = 5, pause_s: float = 0.3
) -> Tuple[float, float, float]:
    """(median seconds of ``ours``, of ``reference``, their ratio) from alternating *blocks* of calls (CPU only).

    For two libraries that keep their own thread pools (torch's OpenMP, numpy's
    OpenBLAS), call-by-call alternation measures the wrong thing: after a call
    OpenBLAS's threads spin for up to 2^28 cycles (about 0.1 s) before they
    sleep, taking the cores that the next torch call needs (on 2 cores a torch
    step timed right after a numpy step took 1.6× its own time). So each side
    runs ``repeats // blocks`` calls in a row, after a pause that lets the
    other side's threads go to sleep and a few warm-up calls; the blocks
    alternate, so a drift of the machine still reaches both sides.
    """
    per_block = max(repeats // blocks, 1)
    samples = {ours: [], reference: []}
    for b in range(blocks):
        for fn in (ours, reference) if b % 2 == 0 else (reference, ours):
            time.sleep(pause_s)
            for _ in range(warmup):
                fn()
            samples[fn].extend(time_call(fn, torch.device("cpu")) for _ in range(per_block))
    ours_s, ref_s = statistics.median(samples[ours]), statistics.median(samples[reference])
    return ours_s, ref_s, ours_s / ref_s
