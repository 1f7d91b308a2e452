"""Lab 2's hidden checks: a batch of one, k > 1 outputs everywhere, deeper networks to count."""

from pathlib import Path

import torch

from cs229nn.lab import Check
from cs229nn.lab.loader import load_module

public = load_module(Path(__file__).with_name("checks.py"), "checks")
W = public.WEIGHTS

CHECKS = [
    Check("lab02.forward_loop.batch_of_one", "lab02.forward_loop", 1, lambda g: public.network_inputs(g, n=1, k=3), public.call("forward_loop", "X", *W), public.judge_rows, hidden=True, description="n = 1 still gives (1, k)"),
    Check("lab02.forward_columns.batch_of_one", "lab02.forward_columns", 1, lambda g: public.columns_inputs(g, n=1), public.call("forward_columns", "X_columns", *W), public.judge_columns, hidden=True, description="n = 1 still gives (k, 1)"),
    Check("lab02.forward_rows.wide", "lab02.forward_rows", 1, lambda g: public.rows_inputs(g, n=3, d=9, m=2, k=4), public.call("forward_rows", "X", "W1_rows", "b1", "W2_rows", "b2"), public.judge_rows, hidden=True, description="d > n, k > m"),
    Check(
        "lab02.parameter_count.deeper",
        "lab02.parameter_count",
        1,
        lambda g: {"sizes": tuple(int(s) for s in torch.randint(1, 30, (5,), generator=g))},
        public.call("parameter_count", "sizes"),
        public.judge_count,
        hidden=True,
        description="four layers of random widths",
    ),
]
