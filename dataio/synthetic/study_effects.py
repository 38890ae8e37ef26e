"""Synthetic study-level rows behind a project's pooled results, for exchange tests and benchmarks.

Neither the model case nor the synthetic generator holds study-level data (umbrella reviews
rarely re-extract it), so the metaumbrella round trip adds these first. Each meta-analysis
with a measure that can be re-analysed gets `min(k, max_per_result)` studies (at least 2) of
the kinds its measure allows, around its reported estimate; the same seed gives the same rows.
"""

from __future__ import annotations

import math

import numpy as np

from reviews.models import UmbrellaReview
from synthesis.findings import is_ratio
from synthesis.models import OutcomeResult, StudyEffect
from synthesis.study_data import MEASURE_KINDS

from .inserts import bulk

SURNAMES = (
    "Sledge",
    "Chien",
    "Davidson",
    "Fuhr",
    "Lloyd-Evans",
    "Pitt",
    "Repper",
    "Salzer",
    "Solomon",
    "White",
    "Bellamy",
    "Cooper",
    "Gillard",
    "Mahlke",
    "Rogers",
    "Smit",
)


def _label(rng, used: set[str]) -> str:
    label = f"{SURNAMES[int(rng.integers(len(SURNAMES)))]} {int(rng.integers(1995, 2024))}"
    stem, suffix = label, iter("abcdefghijklmnopqrstuvwxyz")
    while label in used:  # two papers of one author and year, as a reference list writes them
        label = f"{stem}{next(suffix)}"
    used.add(label)
    return label


def _estimate(rng, centre: float, ratio: bool) -> dict[str, float]:
    effect, se = float(rng.normal(centre, 0.2)), float(rng.uniform(0.08, 0.45))
    scale = math.exp if ratio else float
    estimate = round(scale(effect), 2)
    low, high = round(scale(effect - 1.96 * se), 2), round(scale(effect + 1.96 * se), 2)
    # Rounding may close the interval onto the estimate; keep it strictly around it.
    return {
        "estimate": estimate,
        "ci_low": min(low, estimate - 0.01),
        "ci_high": max(high, estimate + 0.01),
    }


def _row(rng, kind: str, centre: float, ratio: bool) -> dict[str, float | int]:
    if kind == "continuous":
        sd1, sd2 = round(float(rng.uniform(0.8, 2.0)), 2), round(float(rng.uniform(0.8, 2.0)), 2)
        mean2 = round(float(rng.normal(10, 2)), 2)
        mean1 = round(mean2 + float(rng.normal(centre, 0.25)) * (sd1 + sd2) / 2, 2)
        n1, n2 = int(rng.integers(10, 300)), int(rng.integers(10, 300))
        return {"mean1": mean1, "sd1": sd1, "n1": n1, "mean2": mean2, "sd2": sd2, "n2": n2}
    if kind == "binary":
        n1, n2 = int(rng.integers(20, 400)), int(rng.integers(20, 400))
        risk2 = float(rng.uniform(0.1, 0.5))
        risk1 = min(0.95, risk2 * math.exp(float(rng.normal(centre, 0.2))))
        return {"events1": round(risk1 * n1), "n1": n1, "events2": round(risk2 * n2), "n2": n2}
    return _estimate(rng, centre, ratio)


def add_study_effects(umbrella: UmbrellaReview, *, seed: int, max_per_result: int = 6) -> int:
    """Add the rows to every pooled result of `umbrella` that has none; how many were added."""
    rng = np.random.default_rng(seed)
    results = (
        OutcomeResult.objects.filter(
            review__umbrella=umbrella,
            evidence_type="meta_analysis",
            measure__in=MEASURE_KINDS,
            study_effects__isnull=True,
        )
        .order_by("pk")
        .only("pk", "measure", "k", "estimate")
    )
    rows = []
    for result in results:
        ratio = is_ratio(result.measure)
        centre = 0.0
        if result.estimate is not None and (result.estimate > 0 or not ratio):
            centre = math.log(result.estimate) if ratio else result.estimate
        kinds = sorted(MEASURE_KINDS[result.measure])  # binary/continuous first, then estimate
        used: set[str] = set()
        for _ in range(max(2, min(result.k or 3, max_per_result))):
            kind = kinds[0] if len(kinds) == 1 or rng.random() < 0.7 else kinds[1]
            rows.append(
                StudyEffect(
                    outcome_result=result,
                    label=_label(rng, used),
                    kind=kind,
                    **_row(rng, kind, centre, ratio),
                )
            )
    bulk(StudyEffect, rows)
    return len(rows)
