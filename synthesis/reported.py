"""What a review's reported pooled figures allow us to say (pure: no Django imports).

Two rules, both built on the same reading of a printed number: a value printed with d
decimals stands for anything within half a unit of its last decimal, x ± 0.5·10^-d
(synthesis.findings.decimals_of; trailing zeros are lost in storage, which only widens the
allowance, so these rules err towards "agrees" and "not assessable", never towards a flag or a
class the figures do not support).

* :func:`differs_beyond_rounding` / :func:`compare` — reported vs re-analysed figures;
* :func:`reported_criteria` — the credibility criteria (Fusar-Poli & Radua 2018) that
  reported figures can decide, the rest "not assessable", and a class only where the
  decided criteria force it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from .findings import Z_95, ResultValues, decimals_of, is_ratio, null_value, two_sided_p

FLOAT_SLACK = 1e-9  # binary floats: 0.15 - 0.1 is not exactly 0.05


def half_unit(reported: float) -> float:
    """Half a unit of the last printed decimal: 0.86 -> 0.005, 38 -> 0.5."""
    return 0.5 * 10.0 ** -decimals_of(reported)


def differs_beyond_rounding(reported: float, recomputed: float) -> bool:
    """True when ``recomputed`` does not round to ``reported`` at its printed precision."""
    return abs(recomputed - reported) > half_unit(reported) * (1 + FLOAT_SLACK) + 1e-12


@dataclass(frozen=True)
class Comparison:
    label: str
    reported: float | None
    recomputed: float | None
    differs: bool  # beyond rounding; False when either side is missing

    @property
    def tolerance(self) -> float | None:
        return None if self.reported is None else half_unit(self.reported)


def compare(label: str, reported: float | None, recomputed: float | None) -> Comparison:
    if reported is None or recomputed is None or not math.isfinite(recomputed):
        return Comparison(label, reported, recomputed, False)
    return Comparison(label, reported, recomputed, differs_beyond_rounding(reported, recomputed))


# -- credibility criteria from reported figures ----------------------------------------------


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not met"
    NOT_ASSESSABLE = "not assessable"


@dataclass(frozen=True)
class Criterion:
    name: str
    status: Status
    basis: str  # what decided it, or why it cannot be decided


@dataclass(frozen=True)
class ReportedCredibility:
    criteria: list[Criterion]
    grade: str | None  # only when the decided criteria force the class; never a guess

    def status(self, name: str) -> Status:
        return next(c.status for c in self.criteria if c.name == name)


CASES = "More than 1,000 cases"
P_6, P_3, P_05 = "p < 10⁻⁶", "p < 10⁻³", "p < 0.05"
I2 = "I² < 50%"
PI = "Prediction interval excludes the null"
LARGEST = "Largest study significant"
EGGER = "No small-study effect (Egger p > 0.05)"
ESB = "No excess significance (p > 0.05)"
STUDY_LEVEL = "needs study-level data"


def _below(low: float, high: float, threshold: float) -> Status:
    """Whether a value known to lie in [low, high] is strictly below ``threshold``."""
    if high < threshold:
        return Status.MET
    if low >= threshold:
        return Status.NOT_MET
    return Status.NOT_ASSESSABLE


def implied_p_range(
    measure: str, estimate: float, ci_low: float, ci_high: float
) -> tuple[float, float] | None:
    """The range of p values (normal approximation, log scale for ratios) that the rounded
    estimate and 95% CI allow; None when it cannot be computed. As findings.check_p_consistency.
    """
    null = null_value(measure)
    if null is None or not ci_low < ci_high:
        return None
    ratio = is_ratio(measure)

    def scaled(value: float) -> float:
        return math.log(max(value, 1e-12)) if ratio else value

    h = half_unit
    est = (scaled(estimate - h(estimate)), scaled(estimate + h(estimate)))
    widest = scaled(ci_high + h(ci_high)) - scaled(ci_low - h(ci_low))
    narrowest = scaled(ci_high - h(ci_high)) - scaled(ci_low + h(ci_low))
    centre = scaled(null)
    far = max(abs(e - centre) for e in est)
    near = 0.0 if est[0] <= centre <= est[1] else min(abs(e - centre) for e in est)
    z_max = far / (narrowest / (2 * Z_95)) if narrowest > 0 else math.inf
    return two_sided_p(z_max), two_sided_p(near / (widest / (2 * Z_95)))


def _excludes_null(name: str, low: float, high: float, null: float, basis: str) -> Criterion:
    """Met when the interval lies wholly on one side of the null; a limit on the null does not."""
    return Criterion(name, Status.MET if low > null or high < null else Status.NOT_MET, basis)


def _p_criteria(f: ResultValues) -> list[Criterion]:
    names = ((P_6, 1e-6), (P_3, 1e-3), (P_05, 0.05))
    if f.p_value is not None:
        low, high = max(0.0, f.p_value - half_unit(f.p_value)), f.p_value + half_unit(f.p_value)
        basis = f"reported p = {f.p_value:g}"
        return [Criterion(name, _below(low, high, t), basis) for name, t in names]
    if f.estimate is None or f.ci_low is None or f.ci_high is None:
        return [Criterion(name, Status.NOT_ASSESSABLE, "no p value or 95% CI") for name, _ in names]
    null = null_value(f.measure)
    p_range = implied_p_range(f.measure, f.estimate, f.ci_low, f.ci_high)
    if null is None or p_range is None:
        basis = "no p value, and the CI's null is unknown for this measure"
        return [Criterion(name, Status.NOT_ASSESSABLE, basis) for name, _ in names]
    basis = f"p implied by the 95% CI {f.ci_low:g} to {f.ci_high:g}"
    criteria = [Criterion(name, _below(*p_range, t), basis) for name, t in names[:2]]
    # p < 0.05 is exactly "the 95% CI excludes the null".
    basis = f"95% CI {f.ci_low:g} to {f.ci_high:g} vs null {null:g}"
    return [*criteria, _excludes_null(P_05, f.ci_low, f.ci_high, null, basis)]


def reported_criteria(f: ResultValues) -> ReportedCredibility:
    """The credibility criteria a review's reported pooled figures decide (an outcome result's
    own values: its measure, n, estimate and CI, p, I² and prediction interval).

    * cases: participants are an upper bound on cases, so n ≤ 1,000 means "not met"; a larger
      n cannot tell (cases are not reported);
    * p thresholds: from the reported p, else from the p the 95% CI implies (p < 0.05 is
      the CI excluding the null); a printed p whose rounding range straddles a threshold is
      not assessable;
    * I² < 50% from the reported I² (same rounding rule); the prediction interval if reported;
    * largest study, Egger and excess significance need the studies: not assessable.

    The class is given only when the decided criteria force it: ns if p < 0.05 is not met;
    IV if p < 0.05 is met and either p < 10⁻³ or the cases criterion is not met (classes
    I–III need both). Otherwise ``grade`` is None.
    """
    criteria: list[Criterion] = []
    if f.n is None:
        criteria.append(Criterion(CASES, Status.NOT_ASSESSABLE, "participants not reported"))
    elif f.n <= 1000:
        criteria.append(Criterion(CASES, Status.NOT_MET, f"n = {f.n} participants in all"))
    else:
        criteria.append(
            Criterion(CASES, Status.NOT_ASSESSABLE, f"n = {f.n} participants; cases not reported")
        )
    criteria.extend(_p_criteria(f))
    if f.i2_percent is None:
        criteria.append(Criterion(I2, Status.NOT_ASSESSABLE, "I² not reported"))
    else:
        half = half_unit(f.i2_percent)
        status = _below(f.i2_percent - half, f.i2_percent + half, 50.0)
        criteria.append(Criterion(I2, status, f"reported I² = {f.i2_percent:g}%"))
    null = null_value(f.measure)
    if f.pi_low is None or f.pi_high is None or null is None:
        criteria.append(Criterion(PI, Status.NOT_ASSESSABLE, "prediction interval not reported"))
    else:
        basis = f"reported {f.pi_low:g} to {f.pi_high:g}"
        criteria.append(_excludes_null(PI, f.pi_low, f.pi_high, null, basis))
    for name in (LARGEST, EGGER, ESB):
        criteria.append(Criterion(name, Status.NOT_ASSESSABLE, STUDY_LEVEL))

    result = ReportedCredibility(criteria, None)
    p05, p3, cases = result.status(P_05), result.status(P_3), result.status(CASES)
    grade = None
    if p05 == Status.NOT_MET:
        grade = "ns"
    elif p05 == Status.MET and Status.NOT_MET in (p3, cases):
        grade = "IV"
    return ReportedCredibility(criteria, grade)
