"""Time reviews.overlap.cca on an umbrella-review-sized citation matrix.

Builds a random matrix of 2,000 reviews x 60,000 primary studies with about 150,000
inclusion links (fixed seed), then prints how long the overall CCA, the inclusion
frequency, the pairwise CCA matrix and the pairwise CCA dict take.

Skew: the number of reviews including a study follows P(k) proportional to k^-1.5 for
k = 1..10 (about half the studies are in one review only, a long tail up to 10, mean about
2.5 reviews per study), and reviews differ in size (log-normal weights), so a few reviews
include hundreds of studies and many include a handful.

Run from the project root:  .venv/bin/python benchmarks/bench_overlap.py
"""

from __future__ import annotations

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

N_REVIEWS = 2_000
N_STUDIES = 60_000
MAX_REVIEWS_PER_STUDY = 10
SEED = 20240521


def build_matrix(seed: int = SEED) -> dict[int, list[int]]:
    """Return ``{review_id: [study_id, ...]}`` with the skew described above."""
    rng = np.random.default_rng(seed)
    k = np.arange(1, MAX_REVIEWS_PER_STUDY + 1)
    p_k = k**-1.5
    p_k /= p_k.sum()
    reviews_per_study = rng.choice(k, size=N_STUDIES, p=p_k)

    review_weight = rng.lognormal(mean=0.0, sigma=1.0, size=N_REVIEWS)
    cumulative = np.cumsum(review_weight / review_weight.sum())
    study_of_link = np.repeat(np.arange(N_STUDIES), reviews_per_study)
    review_of_link = np.searchsorted(cumulative, rng.random(len(study_of_link)))
    review_of_link = np.minimum(review_of_link, N_REVIEWS - 1)

    matrix: dict[int, list[int]] = {review: [] for review in range(N_REVIEWS)}
    # A study drawn twice for the same review is kept twice on purpose: the overlap
    # functions must count it once.
    for review, study in zip(review_of_link.tolist(), study_of_link.tolist(), strict=True):
        matrix[review].append(study)
    return matrix


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def main() -> None:
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
