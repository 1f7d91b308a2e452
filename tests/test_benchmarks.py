"""Every benchmark script still runs and prints its ratios (marked slow: ``make test-slow``).

The figures themselves belong in docs/performance.md, measured on a quiet
machine; here each script runs once with the fewest repeats it accepts, as a
user would start it, and must finish with 0 (every target met) or 1 (some
target missed), never a traceback.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

RUNS = {
    "bench_mlp_step.py": (["--repeats", "8"], ["manual/autograd", "manual/numpy", "matrix products alone", "combined style"]),
    "bench_conv.py": (["--repeats", "1", "--device", "cpu"], ["soccer conv 1: k=4, stride 2", "as trained"]),
    "bench_epoch.py": (["--repeats", "1"], ["vowels MLP 2-64-10", "soccer conv net"]),
    "bench_vectorization.py": ([], ["ratio loop / vectorized"]),
}


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(RUNS))
def test_benchmark_runs_and_prints_its_ratios(script):
    args, expected = RUNS[script]
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    for text in expected:
        assert text in done.stdout, f"{script} no longer prints {text!r}:\n{done.stdout}"
