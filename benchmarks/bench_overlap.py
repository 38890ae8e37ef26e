"""Time reviews.overlap.cca on umbrella-review-sized citation matrices.

1. ccaR's size: 200 reviews x 5,000 primary studies (about 12,600 links, fixed seed), the
   matrix on which ccaR's pairwise CCA table takes 12.4 s (issue 21's figure; R is not on this
   machine, so that figure is quoted, not re-measured). Pairwise CCA as a 200 x 200 array (the
   analogue of ccaR's `cca_table`) and as a dict of 19,900 pairs, without and with structural
   missingness (each study gets a publication year and each review a search year; a later
   study is a missing cell of that review: about 170,000 cells). Each is timed 31 times: the
   median and the fastest run, and the ratio of ccaR's 12.4 s to the median.
2. 2,000 reviews x 60,000 primary studies with about 150,000 inclusion links (fixed seed): how
   long the overall CCA, the inclusion frequency, the pairwise CCA matrix and the pairwise CCA
   dict take, once each.

Skew: the number of reviews including a study follows P(k) proportional to k^-1.5 for
k = 1..10 (about half the studies are in one review only, a long tail up to 10, mean about
2.5 reviews per study), and reviews differ in size (log-normal weights), so a few reviews
include hundreds of studies and many include a handful.

Run from the project root:  .venv/bin/python benchmarks/bench_overlap.py [--save]
(--save writes part 1 to benchmarks/results.json, section "computations").
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reviews.overlap.cca import (
    corrected_covered_area,
    inclusion_frequency,
    pairwise_cca,
    pairwise_cca_matrix,
)

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results.json"
N_REVIEWS = 2_000
N_STUDIES = 60_000
MAX_REVIEWS_PER_STUDY = 10
SEED = 20240521
CCAR_REVIEWS, CCAR_STUDIES = 200, 5_000
CCAR_SECONDS = 12.4  # ccaR's pairwise CCA on 200 x 5,000 (issue 21)
RUNS = 31


def build_matrix(
    seed: int = SEED, n_reviews: int = N_REVIEWS, n_studies: int = N_STUDIES
) -> dict[int, list[int]]:
    """Return ``{review_id: [study_id, ...]}`` with the skew described above."""
    rng = np.random.default_rng(seed)
    k = np.arange(1, MAX_REVIEWS_PER_STUDY + 1)
    p_k = k**-1.5
    p_k /= p_k.sum()
    reviews_per_study = rng.choice(k, size=n_studies, p=p_k)

    review_weight = rng.lognormal(mean=0.0, sigma=1.0, size=n_reviews)
    cumulative = np.cumsum(review_weight / review_weight.sum())
    study_of_link = np.repeat(np.arange(n_studies), reviews_per_study)
    review_of_link = np.searchsorted(cumulative, rng.random(len(study_of_link)))
    review_of_link = np.minimum(review_of_link, n_reviews - 1)

    matrix: dict[int, list[int]] = {review: [] for review in range(n_reviews)}
    # A study drawn twice for the same review is kept twice on purpose: the overlap
    # functions must count it once.
    for review, study in zip(review_of_link.tolist(), study_of_link.tolist(), strict=True):
        matrix[review].append(study)
    return matrix


def structurally_missing(matrix: dict[int, list[int]], seed: int = SEED) -> list[tuple[int, int]]:
    """(review, study) cells whose study was published after the review's search year.

    Study years 1995-2024; each review's search year is at least the latest year of the
    studies it includes (a review cannot include a study published after its search)."""
    rng = np.random.default_rng(seed + 1)
    study_years = rng.integers(1995, 2025, size=1 + max(s for v in matrix.values() for s in v))
    years_sorted = np.argsort(study_years, kind="stable")
    missing: list[tuple[int, int]] = []
    for review, studies in matrix.items():
        latest = max((int(study_years[s]) for s in studies), default=1995)
        searched = int(rng.integers(latest, 2025))
        later = years_sorted[np.searchsorted(study_years[years_sorted], searched, side="right") :]
        missing += [(review, int(s)) for s in later]
    return missing


def repeated(func: Callable[[], Any], runs: int = RUNS) -> dict[str, float]:
    """Median and fastest of `runs` wall-clock timings, and the median CPU time (what the
    process itself used: on a shared machine the wall clock also counts waiting for a core),
    in milliseconds."""
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {
        "median_ms": 1000 * statistics.median(times),
        "min_ms": 1000 * min(times),
        "cpu_median_ms": 1000 * statistics.median(cpu),
        "n": runs,
    }


def bench_ccar_size() -> dict[str, dict[str, float]]:
    """Part 1: pairwise CCA on ccaR's 200 x 5,000, against ccaR's 12.4 s."""
    matrix = build_matrix(SEED, CCAR_REVIEWS, CCAR_STUDIES)
    missing = structurally_missing(matrix)
    links = sum(len(set(v)) for v in matrix.values())
    print(
        f"ccaR size: {len(matrix)} reviews, {CCAR_STUDIES:,} studies, {links:,} distinct links, "
        f"{len(missing):,} structurally missing cells; ccaR: {CCAR_SECONDS} s"
    )
    size = f"{CCAR_REVIEWS} reviews x {CCAR_STUDIES:,} studies"
    cases = {
        f"pairwise CCA array, {size}": lambda: pairwise_cca_matrix(matrix),
        f"pairwise CCA dict, {size}": lambda: pairwise_cca(matrix),
        f"pairwise CCA array, {size}, structural missingness": lambda: pairwise_cca_matrix(
            matrix, missing
        ),
    }
    figures = {}
    print(f"{'':44}  {'median ms':>9}  {'min ms':>7}  {'CPU ms':>7}  ccaR / median")
    for name, func in cases.items():
        func()  # warm: imports, first allocation
        f = repeated(func)
        f["ccar_ratio"] = CCAR_SECONDS * 1000 / f["median_ms"]
        f["load_average"] = os.getloadavg()[0]  # other work on the machine inflates the wall
        figures[name] = f
        print(
            f"{name.replace(', ' + size, ''):44}  {f['median_ms']:9.2f}  {f['min_ms']:7.2f}  "
            f"{f['cpu_median_ms']:7.2f}  {f['ccar_ratio']:,.0f}x"
        )
    return figures


def save(figures: dict[str, dict[str, float]]) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.setdefault("computations", {}).update(figures)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", action="store_true", help="write part 1 to results.json")
    parser.add_argument("--ccar-only", action="store_true", help="part 1 only")
    args = parser.parse_args()
    print(f"load average before: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    figures = bench_ccar_size()
    if args.save:
        save(figures)
    if args.ccar_only:
        return
    print()
    build_seconds, matrix = timed(build_matrix)
    links = sum(len(v) for v in matrix.values())
    distinct_links = sum(len(set(v)) for v in matrix.values())
    print(
        f"matrix: {len(matrix):,} reviews, {N_STUDIES:,} studies, {links:,} links "
        f"({distinct_links:,} distinct), built in {build_seconds:.2f} s"
    )

    rows: list[tuple[str, float, str]] = []
    seconds, cca = timed(lambda: corrected_covered_area(matrix))
    rows.append(("overall CCA", seconds, f"{cca:.4f} %"))
    seconds, freq = timed(lambda: inclusion_frequency(matrix))
    rows.append(("inclusion frequency", seconds, f"max k = {max(freq)}, k=1: {freq[1]:,}"))
    seconds, (_ids, array) = timed(lambda: pairwise_cca_matrix(matrix))
    rows.append(("pairwise CCA matrix", seconds, f"{array.shape[0]:,} x {array.shape[1]:,}"))
    seconds, pairs = timed(lambda: pairwise_cca(matrix))
    rows.append(("pairwise CCA dict", seconds, f"{len(pairs):,} pairs"))

    width = max(len(name) for name, _, _ in rows)
    print(f"\n{'operation':<{width}}  {'seconds':>8}  result")
    print(f"{'-' * width}  {'-' * 8}  {'-' * 30}")
    for name, secs, result in rows:
        print(f"{name:<{width}}  {secs:>8.3f}  {result}")


if __name__ == "__main__":
    main()
