"""Findings of extracted outcome results: derivation, validation and the p/CI consistency check.

Pure Python, no Django imports: the model, the forms, the fixture builder and the tests all call
these functions, so one rule decides everywhere. See docs/evidence-tables.md for the rules in
words.

- A meta-analytic result's finding is derived from where its 95% CI lies against the null
  (0 for differences, 1 for ratios) and from the outcome's direction of benefit.
- Validation returns every problem at once, each naming its field.
- The consistency check recomputes the p value implied by the estimate and its 95% CI (normal
  approximation, on the log scale for ratios; Altman & Bland, BMJ 2011;343:d2090) and compares it
  with the reported p. It allows for the rounding of every printed number, so a correctly
  reported row is never flagged just because it was rounded.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from reviews.labels import LabelledEnum

Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


class Finding(LabelledEnum):
    IMPROVEMENT = "improvement", "Improvement"
    NO_EFFECT = "no_effect", "No effect"
    MIXED = "mixed", "Mixed"
    HARM = "harm", "Harm"


class Direction(LabelledEnum):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"


class Measure(LabelledEnum):
    """An effect measure; an abbreviation is its own label."""

    SMD = "smd"
    HEDGES_G = "hedges_g", "Hedges' g"
    MD = "md"
    RR = "rr"
    OR = "or"
    RD = "rd"
    HR = "hr"
    OTHER = "other", "Other"


class EvidenceType(LabelledEnum):
    META_ANALYSIS = "meta_analysis", "Meta-analysis"
    NARRATIVE = "narrative", "Narrative"


class Grade(LabelledEnum):
    """GRADE certainty of a body of evidence (Balshem et al., J Clin Epidemiol 2011;64:401-6),
    best first: the order selection ranks by."""

    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very low"


RATIO_MEASURES = frozenset({Measure.RR, Measure.OR, Measure.HR})
DIFFERENCE_MEASURES = frozenset({Measure.SMD, Measure.HEDGES_G, Measure.MD, Measure.RD})


def is_ratio(measure: str) -> bool:
    return measure in RATIO_MEASURES


def null_value(measure: str) -> float | None:
    """The value of 'no difference': 1 for ratios, 0 for differences, unknown for 'other'."""
    if measure in RATIO_MEASURES:
        return 1.0
    if measure in DIFFERENCE_MEASURES:
        return 0.0
    return None


def derive_finding(
    measure: str, direction: str, ci_low: float | None, ci_high: float | None
) -> Finding | None:
    """Improvement / no effect / harm from the 95% CI against the null and the direction.

    A CI that contains or touches the null is 'no effect' (not significant at the 5% level).
    A CI wholly on the side that the outcome's direction of benefit favours is 'improvement',
    wholly on the other side 'harm'. Returns None when the finding cannot be derived: no CI,
    or a measure ('other') whose null is unknown; the researcher then records the finding.
    """
    null = null_value(measure)
    if null is None or ci_low is None or ci_high is None:
        return None
    if ci_low <= null <= ci_high:
        return Finding.NO_EFFECT
    above_null = ci_low > null
    favours_benefit = above_null == (direction == Direction.HIGHER_IS_BETTER)
    return Finding.IMPROVEMENT if favours_benefit else Finding.HARM


@dataclass(frozen=True)
class ResultValues:
    """The numbers of one extracted result, as plain values (None: not reported)."""

    evidence_type: str
    measure: str = ""
    k: int | None = None
    n: int | None = None
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    tau2: float | None = None
    i2_percent: float | None = None
    i2_ci_low: float | None = None
    i2_ci_high: float | None = None
    q: float | None = None
    df: int | None = None
    p_q: float | None = None
    pi_low: float | None = None
    pi_high: float | None = None
    months_from: float | None = None
    months_to: float | None = None


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def _in_unit_interval(value: float | None) -> bool:
    return value is None or 0 <= value <= 1


def validate(values: ResultValues) -> list[Problem]:
    """Every extraction error found in one result, each naming its field."""
    v = values
    problems: list[Problem] = []

    def add(field_name: str, message: str) -> None:
        problems.append(Problem(field_name, message))

    if (v.ci_low is None) != (v.ci_high is None):
        add("ci_high" if v.ci_high is None else "ci_low", "Give both CI limits or neither.")
    if v.ci_low is not None and v.ci_high is not None:
        if v.ci_low > v.ci_high:
            add("ci_low", f"The lower CI limit {v.ci_low:g} is above the upper {v.ci_high:g}.")
        elif v.estimate is not None and not v.ci_low <= v.estimate <= v.ci_high:
            add(
                "estimate",
                f"The estimate {v.estimate:g} lies outside its CI ({v.ci_low:g} to {v.ci_high:g}).",
            )
    if is_ratio(v.measure):
        for name in ("estimate", "ci_low", "ci_high", "pi_low", "pi_high"):
            value = getattr(v, name)
            if value is not None and value <= 0:
                add(name, f"A ratio ({v.measure.upper()}) must be positive; got {value:g}.")
    if v.evidence_type == EvidenceType.META_ANALYSIS:
        if v.k is not None and v.k < 2:
            add("k", f"A meta-analysis pools at least 2 studies; k = {v.k}.")
        if v.estimate is not None and not v.measure:
            add("measure", "Name the effect measure of the estimate.")
    if v.k is not None and v.n is not None and v.n < v.k:
        add("n", f"Fewer participants (n = {v.n}) than studies (k = {v.k}).")
    if v.i2_percent is not None and not 0 <= v.i2_percent <= 100:
        add("i2_percent", f"I² is a percentage between 0 and 100; got {v.i2_percent:g}.")
    for name in ("i2_ci_low", "i2_ci_high"):
        value = getattr(v, name)
        if value is not None and not 0 <= value <= 100:
            add(name, f"The CI of I² must lie between 0 and 100; got {value:g}.")
    if v.i2_ci_low is not None and v.i2_ci_high is not None and v.i2_ci_low > v.i2_ci_high:
        add("i2_ci_low", "The lower limit of I²'s CI is above the upper limit.")
    if not _in_unit_interval(v.p_value):
        add("p_value", f"A p value lies between 0 and 1; got {v.p_value:g}.")
    if not _in_unit_interval(v.p_q):
        add("p_q", f"A p value lies between 0 and 1; got {v.p_q:g}.")
    if v.tau2 is not None and v.tau2 < 0:
        add("tau2", f"τ² is a variance and cannot be negative; got {v.tau2:g}.")
    if v.q is not None and v.q < 0:
        add("q", f"Cochran's Q cannot be negative; got {v.q:g}.")
    if v.df is not None and v.k is not None and v.df >= v.k:
        add("df", f"Q has at most k − 1 = {v.k - 1} degrees of freedom; got {v.df}.")
    if v.pi_low is not None and v.pi_high is not None and v.pi_low > v.pi_high:
        add("pi_low", "The lower limit of the prediction interval is above the upper limit.")
    if v.months_from is not None and v.months_to is not None and v.months_from > v.months_to:
        add("months_from", "The timepoint starts after it ends.")
    for name in ("months_from", "months_to"):
        value = getattr(v, name)
        if value is not None and value < 0:
            add(name, "Months cannot be negative.")
    return problems


def decimals_of(value: float | Decimal | str) -> int:
    """Decimal places of a number as printed, trailing zeros dropped (0.20 -> 1, 0.042 -> 3).

    Dropping trailing zeros can only widen the rounding allowance, never narrow it, so the
    check errs towards not flagging.
    """
    try:
        exponent = Decimal(str(value)).normalize().as_tuple().exponent
    except InvalidOperation:
        return 0
    return max(0, -int(exponent)) if isinstance(exponent, int) else 0


def two_sided_p(z: float) -> float:
    """Two-sided p value of a standard normal z statistic."""
    return math.erfc(abs(z) / math.sqrt(2))


def implied_p(measure: str, estimate: float, ci_low: float, ci_high: float) -> float | None:
    """p implied by an estimate and its 95% CI: SE = CI width / (2 × 1.96), z = (est − null) / SE.

    Ratios are taken on the log scale, where their CIs are symmetric. None when it cannot be
    computed (unknown null, a zero-width CI, or a non-positive ratio).
    """
    null = null_value(measure)
    if null is None or ci_high <= ci_low:
        return None
    scale = _scale(measure)
    try:
        se = (scale(ci_high) - scale(ci_low)) / (2 * Z_95)
        return two_sided_p((scale(estimate) - scale(null)) / se)
    except ValueError:
        return None


def _scale(measure: str) -> Callable[[float], float]:
    return math.log if is_ratio(measure) else float


@dataclass(frozen=True)
class ConsistencyCheck:
    """The p value implied by estimate and CI, the range rounding allows, and the verdict."""

    implied_p: float
    implied_range: tuple[float, float]
    reported_p: float
    reported_range: tuple[float, float]
    consistent: bool
    message: str = field(default="")


def check_p_consistency(
    measure: str,
    estimate: float | None,
    ci_low: float | None,
    ci_high: float | None,
    p_value: float | None,
) -> ConsistencyCheck | None:
    """Compare the reported p with the p implied by estimate and CI, allowing for rounding.

    Each printed number x with d decimals stands for anything in x ± 0.5·10^-d. The implied p
    is computed at the extremes of those ranges (smallest and largest |z|); the reported p's
    own rounding range is compared with that interval. The row is flagged only if the two
    ranges do not overlap: a disagreement beyond rounding. Returns None when there is
    nothing to compare.
    """
    if estimate is None or ci_low is None or ci_high is None or p_value is None:
        return None
    point = implied_p(measure, estimate, ci_low, ci_high)
    null = null_value(measure)
    if point is None or null is None:
        return None
    scale = _scale(measure)

    def half(value: float) -> float:
        return 0.5 * 10.0 ** -decimals_of(value)

    def scaled(value: float) -> float:
        # A rounded ratio limit such as 0.00 still stands for a small positive number.
        return scale(max(value, 1e-12)) if is_ratio(measure) else value

    est_lo, est_hi = scaled(estimate - half(estimate)), scaled(estimate + half(estimate))
    widest = scaled(ci_high + half(ci_high)) - scaled(ci_low - half(ci_low))
    narrowest = scaled(ci_high - half(ci_high)) - scaled(ci_low + half(ci_low))
    null_scaled = scale(null)
    if est_lo <= null_scaled <= est_hi:
        distance_min = 0.0
    else:
        distance_min = min(abs(est_lo - null_scaled), abs(est_hi - null_scaled))
    distance_max = max(abs(est_lo - null_scaled), abs(est_hi - null_scaled))
    z_min = distance_min / (widest / (2 * Z_95))
    z_max = distance_max / (narrowest / (2 * Z_95)) if narrowest > 0 else math.inf
    implied_range = (two_sided_p(z_max), two_sided_p(z_min))
    p_half = half(p_value)
    reported_range = (max(0.0, p_value - p_half), min(1.0, p_value + p_half))
    consistent = reported_range[0] <= implied_range[1] and implied_range[0] <= reported_range[1]
    message = (
        ""
        if consistent
        else f"The reported p = {p_value:g} disagrees with the p ≈ {point:.3g} implied by the "
        f"estimate and its 95% CI (rounding allows {implied_range[0]:.2g} to "
        f"{implied_range[1]:.2g}): check the p value, the estimate and the CI against the source."
    )
    return ConsistencyCheck(
        implied_p=point,
        implied_range=implied_range,
        reported_p=p_value,
        reported_range=reported_range,
        consistent=consistent,
        message=message,
    )
