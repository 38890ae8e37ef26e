"""A project's study-level data as metaumbrella's input (one row per primary-study estimate).

Every outcome result whose measure metaumbrella knows (SMD, G, MD, OR, RR, HR) and that has
study-level rows becomes one `factor`; its rows carry the study's data as entered (counts,
means or an estimate with its CI). The mapping is documented column by column in
docs/exchange.md. The rows come from one query, and hold what anyone who may read the
project may read: the study-level data and the review's AMSTAR 2 rating (submitted
consensus, else published: never a rater's or a draft appraisal).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import cast

from reviews import csvfiles
from reviews.formulas import escape_formula
from reviews.models import PrimaryStudy, UmbrellaReview
from reviews.registry.ratings import rating_field, with_ratings
from synthesis import stats
from synthesis.findings import Z_95
from synthesis.models import MultipleEs, StudyDataKind, StudyEffect
from synthesis.selectors.reanalysis import project_conventions

from .columns import (
    AMSTAR_CODES,
    COLUMNS,
    MEASURES,
    RATIOS,
    TEXT_COLUMNS,
    factor_name,
    number_text,
    split_label,
)

REVIEW = "outcome_result__review__"
RATING = rating_field(REVIEW)
# Raw rows of these measures also carry their effect and CI: metaumbrella computes G and MD
# from a value with its CI and n, not from means (its manual's tables 2 and 3).
VALUE_FROM_MEANS = {"hedges_g", "md"}


def study_effects(umbrella: UmbrellaReview) -> list[StudyEffect]:
    """The exported rows with what they need, in one query."""
    queryset = StudyEffect.objects.filter(
        outcome_result__review__umbrella=umbrella, outcome_result__measure__in=MEASURES
    ).select_related("outcome_result__review", "outcome_result__outcome", "study")
    return list(with_ratings(queryset, REVIEW).order_by())


def _factors(effects: Iterable[StudyEffect]) -> dict[int, str]:
    """Each exported outcome result's factor (`columns.factor_name`)."""
    results = {e.outcome_result_id: e.outcome_result for e in effects}
    per_outcome = Counter(r.outcome_id for r in results.values())
    per_review = Counter((r.outcome_id, r.review_id) for r in results.values())
    return {
        pk: factor_name(
            r.outcome.name,
            r.review.label,
            r.extraction_id,
            shared=per_outcome[r.outcome_id] > 1,
            twice=per_review[(r.outcome_id, r.review_id)] > 1,
        )
        for pk, r in results.items()
    }


def _effect_with_ci(effect: StudyEffect, measure: str) -> tuple[float, float, float]:
    args = (effect.mean1, effect.sd1, effect.n1, effect.mean2, effect.sd2, effect.n2)
    yi, vi = (stats.mean_difference if measure == "md" else stats.hedges_g)(*args)
    value, half = float(yi[0]), Z_95 * math.sqrt(float(vi[0]))
    # Six decimals: the precision of a printed effect; the same figures give the same text.
    return round(value, 6), round(value - half, 6), round(value + half, 6)


def _data(effect: StudyEffect, measure: str) -> dict[str, float | int | None]:
    """The row's numbers under metaumbrella's names (arm 1 = cases/exposed, arm 2 = controls)."""
    if effect.kind == StudyDataKind.BINARY:
        e1, n1, e2, n2 = effect.events1, effect.n1, effect.events2, effect.n2
        return {
            "n_cases": e1 + e2,
            "n_controls": (n1 - e1) + (n2 - e2),
            "n_cases_exp": e1,
            "n_cases_nexp": e2,
            "n_controls_exp": n1 - e1,
            "n_controls_nexp": n2 - e2,
            "n_exp": n1,
            "n_nexp": n2,
        }
    if effect.kind == StudyDataKind.CONTINUOUS:
        data: dict[str, float | int | None] = {
            "n_cases": effect.n1,
            "n_controls": effect.n2,
            "mean_cases": effect.mean1,
            "sd_cases": effect.sd1,
            "mean_controls": effect.mean2,
            "sd_controls": effect.sd2,
        }
        if measure in VALUE_FROM_MEANS:
            data["value"], data["ci_lo"], data["ci_up"] = _effect_with_ci(effect, measure)
        return data
    reported = effect.reported_measure or measure
    arms = ("n_exp", "n_nexp") if reported in RATIOS else ("n_cases", "n_controls")
    return {
        "value": effect.estimate, "ci_lo": effect.ci_low, "ci_up": effect.ci_high,
        "se": effect.se, arms[0]: effect.n1, arms[1]: effect.n2,
    }  # fmt: skip


def _several(effects: Iterable[StudyEffect]) -> set[tuple[int, int]]:
    """(outcome result, registry study) pairs with several rows: one study's groups or
    outcomes, which the app combines before pooling (synthesis.study_groups)."""
    per_study = Counter(
        (e.outcome_result_id, e.study_id) for e in effects if e.study_id is not None
    )
    return {pair for pair, rows in per_study.items() if rows > 1}


def _dependence(effect: StudyEffect, r: float) -> dict[str, str]:
    """One of several rows of its study: written under the study's own author and year, so
    that metaumbrella pools them as one study, with `multiple_es` (and `r` for outcomes)."""
    study = cast(PrimaryStudy, effect.study)  # _several: rows linked to a registry study
    author, year = split_label(study.label, study.year)
    row = {"author": author, "year": year, "multiple_es": str(effect.multiple_es)}
    if effect.multiple_es == MultipleEs.OUTCOMES:
        row["r"] = number_text(r)
    return row


def export_rows(umbrella: UmbrellaReview) -> list[dict[str, str]]:
    """The rows as text, sorted by review, factor and study."""
    effects = study_effects(umbrella)
    factors = _factors(effects)
    several = _several(effects)
    r = project_conventions(umbrella).dependent_outcomes_r
    keyed = []
    for effect in effects:
        result = effect.outcome_result
        author, year = split_label(effect.label, getattr(effect.study, "year", None))
        if (effect.outcome_result_id, effect.study_id) in several:
            dependence = _dependence(effect, r)
            author, year = dependence["author"], dependence["year"]
        else:
            dependence = {}
        rating = getattr(effect, RATING)
        row = {
            "meta_review": result.review.label,
            "factor": factors[result.pk],
            "author": author,
            "year": year,
            # An estimate row printed in another measure is written in it: metaumbrella
            # converts within a factor as the app does (synthesis.harmonise).
            "measure": MEASURES[effect.reported_measure or result.measure],
            "amstar": number_text(AMSTAR_CODES.get(rating)) if rating else "",
        }
        row.update({k: number_text(v) for k, v in _data(effect, result.measure).items()})
        row.update(dependence)
        # The label last: "Smith 2010" and "Smith (2010)" split alike, yet keep one order.
        keyed.append(((row["meta_review"], row["factor"], author, year, effect.label), row))
    keyed.sort(key=lambda pair: pair[0])
    return [row for _, row in keyed]


def csv_text(rows: Iterable[dict[str, str]]) -> str:
    """The CSV metaumbrella reads (`read.csv`): a header, then the rows, in the one dialect
    (`reviews.csvfiles`); text a spreadsheet would run as a formula is escaped
    (`reviews.formulas`)."""

    # Numbers are never escaped: a negative effect is not a formula.
    def cell(row: dict[str, str], column: str) -> str:
        value = row.get(column, "")
        return escape_formula(value) if column in TEXT_COLUMNS else value

    return csvfiles.csv_text([COLUMNS, *([cell(row, c) for c in COLUMNS] for row in rows)])


def export_metaumbrella(umbrella: UmbrellaReview, path: Path | None = None) -> str:
    """The project's metaumbrella CSV (also written to `path` when given)."""
    text = csv_text(export_rows(umbrella))
    if path is not None:
        Path(path).write_bytes(csvfiles.encode(text, bom=False))  # for R's read.csv
    return text
