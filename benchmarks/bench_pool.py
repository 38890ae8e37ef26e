"""Benchmark: 10,000 meta-analyses of k = 20 studies with ``synthesis.stats.pool``.

Run from the project root::

    .venv/bin/python benchmarks/bench_pool.py

Prints a small table (best and median wall time of three runs, microseconds per pool,
REML iterations) and writes nothing else. Every pool computes the full result: estimate,
Q, I^2 with its interval, the Q-profile interval for tau^2 and, for random-effects
methods, the HKSJ and prediction intervals.
"""

from __future__ import annotations

import pathlib
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from synthesis import _heterogeneity
from synthesis.stats import pool

N_POOLS = 10_000
K = 20
SEED = 20240601
REPEATS = 3


def make_data(rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    """Log-odds-ratio-like data: variances 0.01-0.5, tau^2 drawn from {0, 0.02, 0.1, 0.4}."""
    data = []
    for _ in range(N_POOLS):
        vi = rng.uniform(0.01, 0.5, K)
        tau2 = rng.choice([0.0, 0.02, 0.1, 0.4])
        yi = rng.normal(-0.3, np.sqrt(vi + tau2))
        data.append((yi, vi))
    return data


def main() -> None:
    data = make_data(np.random.default_rng(SEED))
    pool(*data[0], method="REML")  # warm-up (imports, caches)
    iterations = [_heterogeneity.tau2_reml(yi, vi)[2] for yi, vi in data]

    rows = []
    for method in ("REML", "DL", "PM", "FE"):
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            for yi, vi in data:
                pool(yi, vi, method=method)
            times.append(time.perf_counter() - start)
        best, median = min(times), float(np.median(times))
        rows.append((method, best, median, best / N_POOLS * 1e6))

    print(f"{N_POOLS:,} pools of k = {K} studies, best and median of {REPEATS} runs")
    print(f"{'method':<8}{'best (s)':>10}{'median (s)':>12}{'per pool (us)':>16}")
    for method, best, median, per_pool in rows:
        print(f"{method:<8}{best:>10.3f}{median:>12.3f}{per_pool:>16.1f}")
    print(
        f"REML iterations per pool: mean {np.mean(iterations):.1f}, "
        f"max {max(iterations)} (limit {_heterogeneity.REML_MAXITER})"
    )


if __name__ == "__main__":
    main()
