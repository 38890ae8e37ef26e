"""Re-analysis of an outcome result from its primary studies' data (pure: no Django imports).

Rows come in three kinds (arm 1 = intervention, arm 2 = control, as in docs/methods.md):
counts (events/n per arm), means (mean, SD, n per arm), or an estimate with its 95% CI on
the measure's printed scale. Every row becomes an effect ``yi`` with variance ``vi`` through
:mod:`synthesis.stats`, and the rows are pooled with the chosen method. Nothing here is
stored: the app recomputes on every view, so a changed row can never leave a stale result.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from reviews.labels import LabelledEnum

from . import stats
from ._validation import FloatArray
from .findings import Z_95, is_ratio

BINARY = "binary"
CONTINUOUS = "continuous"
ESTIMATE = "estimate"

REQUIRED = {
    BINARY: ("events1", "n1", "events2", "n2"),
    CONTINUOUS: ("mean1", "sd1", "n1", "mean2", "sd2", "n2"),
    ESTIMATE: ("estimate", "ci_low", "ci_high"),
}
#: Which kinds of row each effect measure (synthesis.findings.Measure values) can use.
MEASURE_KINDS = {
    "rr": {BINARY, ESTIMATE},
    "or": {BINARY, ESTIMATE},
    "rd": {BINARY, ESTIMATE},
    "smd": {CONTINUOUS, ESTIMATE},
    "hedges_g": {CONTINUOUS, ESTIMATE},
    "md": {CONTINUOUS, ESTIMATE},
    "hr": {ESTIMATE},
}


class Method(LabelledEnum):
    """How an outcome result's studies are re-pooled (see synthesis.stats.pool)."""

    REML = "REML", "Random effects, REML"
    DL = "DL", "Random effects, DerSimonian–Laird"
    PM = "PM", "Random effects, Paule–Mandel"
    FE = "FE", "Fixed effect (inverse variance)"
    MH = "MH", "Fixed effect, Mantel–Haenszel (counts only)"


METHODS = tuple(Method)
#: The pooling methods of stats.pool by name; Mantel–Haenszel (counts only) is apart.
POOL_METHODS: dict[str, stats.Method] = {"REML": "REML", "DL": "DL", "PM": "PM", "FE": "FE"}
#: The binary measures (synthesis.findings.Measure values) as stats spells them.
BINARY_MEASURES: dict[str, stats.BinaryMeasure] = {"rr": "RR", "or": "OR", "rd": "RD"}
#: Credibility classes are graded on a random-effects (REML) pooling whatever method is shown,
#: so that switching the displayed method cannot change a class (Fusar-Poli & Radua 2018).
CREDIBILITY_METHOD: stats.Method = "REML"
EGGER_MIN_K = 10  # Cochrane Handbook 13.3.5.4: too little power below 10 studies


@dataclass(frozen=True)
class StudyRow:
    """One study's data as entered; None where a field does not apply or is missing."""

    label: str
    kind: str
    events1: float | None = None
    n1: float | None = None
    mean1: float | None = None
    sd1: float | None = None
    events2: float | None = None
    n2: float | None = None
    mean2: float | None = None
    sd2: float | None = None
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None


def row_problems(row: StudyRow, measure: str | None = None) -> list[tuple[str, str]]:
    """Every problem of one row as (field, message); with ``measure``, also its fit to it."""
    problems: list[tuple[str, str]] = []
    if row.kind not in REQUIRED:
        return [("kind", "Choose the kind of data: counts, means or an estimate with its CI.")]
    for name in REQUIRED[row.kind]:
        value = getattr(row, name)
        if value is None:
            problems.append((name, "Required for this kind of data."))
        elif not math.isfinite(value):
            problems.append((name, "Must be a finite number."))
    if problems:
        return problems
    if row.kind == BINARY:
        for arm in ("1", "2"):
            events, n = getattr(row, f"events{arm}"), getattr(row, f"n{arm}")
            if n < 1:
                problems.append((f"n{arm}", "An arm has at least 1 participant."))
            elif events < 0 or events > n:
                problems.append((f"events{arm}", f"Events must lie between 0 and n = {n:g}."))
    elif row.kind == CONTINUOUS:
        for arm in ("1", "2"):
            if getattr(row, f"n{arm}") < 2:
                problems.append((f"n{arm}", "A mean and SD need at least 2 participants."))
            if getattr(row, f"sd{arm}") <= 0:
                problems.append((f"sd{arm}", "The SD must be greater than 0."))
    else:
        estimate, ci_low, ci_high = _numbers(row, REQUIRED[ESTIMATE])
        if not ci_low < ci_high:
            problems.append(("ci_low", "The lower CI limit must be below the upper."))
        elif not ci_low <= estimate <= ci_high:
            problems.append(("estimate", "The estimate must lie inside its CI."))
    if measure is not None and not problems:
        problems.extend(_measure_problems(row, measure))
    return problems


def _numbers(row: StudyRow, names: Sequence[str]) -> list[float]:
    """The values of fields that row_problems has found present (so never None here)."""
    values = [getattr(row, name) for name in names]
    missing = [name for name, value in zip(names, values, strict=True) if value is None]
    if missing:
        raise ValueError(f"{row.label}: {', '.join(missing)}: Required for this kind of data.")
    return [float(value) for value in values]


def _measure_problems(row: StudyRow, measure: str) -> list[tuple[str, str]]:
    allowed = MEASURE_KINDS.get(measure)
    if not allowed:
        return [("kind", "The outcome result has no effect measure that can be re-analysed.")]
    if row.kind not in allowed:
        return [
            (
                "kind",
                f"This outcome result's measure ({measure.upper()}) cannot use this kind of data.",
            )
        ]
    if row.kind == ESTIMATE and is_ratio(measure):
        for name in ("ci_low", "estimate"):
            if getattr(row, name) <= 0:
                return [(name, f"A ratio ({measure.upper()}) must be positive.")]
    return []


def effect_of(row: StudyRow, measure: str) -> tuple[float, float]:
    """``(yi, vi)`` of one row on the analysis scale (log for ratios); NaN for a double zero."""
    if row.kind == BINARY:
        e1, n1, e2, n2 = _numbers(row, REQUIRED[BINARY])
        yi, vi = stats.binary_effect(e1, n1, e2, n2, BINARY_MEASURES[measure])
    elif row.kind == CONTINUOUS:
        args = _numbers(row, REQUIRED[CONTINUOUS])
        yi, vi = stats.mean_difference(*args) if measure == "md" else stats.hedges_g(*args)
    else:
        estimate, ci_low, ci_high = _numbers(row, REQUIRED[ESTIMATE])
        yi, vi = stats.from_confidence_interval(estimate, ci_low, ci_high, is_ratio(measure))
    return float(yi[0]), float(vi[0])


@dataclass(frozen=True)
class StudyResult:
    """A study's effect, 95% CI (both on the analysis scale) and pooling weight (%)."""

    label: str
    yi: float
    vi: float
    weight_percent: float | None  # None: left out of the pooling
    excluded_reason: str = ""

    @property
    def ci(self) -> tuple[float, float]:
        half = Z_95 * math.sqrt(self.vi)
        return (self.yi - half, self.yi + half)


@dataclass(frozen=True)
class Credibility:
    """The class and what it was graded on (docs/methods.md, "In the application")."""

    grade: str
    n_cases: float | None
    n_cases_complete: bool
    p_value: float
    i2: float
    prediction_interval: tuple[float, float] | None
    egger_p: float | None
    esb_p: float | None
    largest_ci: tuple[float, float]


@dataclass(frozen=True)
class Reanalysis:
    measure: str
    ratio: bool
    method: str  # the method used
    requested_method: str
    studies: list[StudyResult]
    pooled: stats.Pooled | None
    egger: stats.Egger | None
    egger_note: str
    credibility: Credibility | None
    notes: list[str] = field(default_factory=list)

    @property
    def k(self) -> int:
        return self.pooled.k if self.pooled else 0

    def shown(self, value: float) -> float:
        """A value on the printed scale (ratios exponentiated)."""
        return math.exp(value) if self.ratio else value


def _n_cases(rows: Sequence[StudyRow]) -> tuple[float | None, bool]:
    """Cases as in docs/methods.md section 8: events (binary), intervention-arm n (continuous).

    Estimate-only rows have no count, so the sum is then a lower bound (complete = False).
    """
    total, complete = 0.0, True
    for row in rows:
        if row.kind == BINARY:
            total += sum(_numbers(row, ("events1", "events2")))
        elif row.kind == CONTINUOUS:
            total += _numbers(row, ("n1",))[0]
        else:
            complete = False
    return (total if total or complete else None), complete


def reanalyse(rows: Sequence[StudyRow], measure: str, method: str = "REML") -> Reanalysis:
    """Pool valid rows; raises ValueError naming the row and field for any invalid one."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)} (got {method!r})")
    for row in rows:
        for name, message in row_problems(row, measure):
            raise ValueError(f"{row.label}: {name}: {message}")
    ratio = is_ratio(measure)
    notes: list[str] = []
    requested = method
    all_counts = bool(rows) and all(row.kind == BINARY for row in rows)
    if method == "MH" and not (all_counts and measure in ("rr", "or", "rd")):
        notes.append(
            "Mantel–Haenszel needs counts for every study and an RR, OR or RD: "
            "REML is shown instead."
        )
        method = "REML"
    effects = [effect_of(row, measure) for row in rows]
    keep = [i for i, (yi, _) in enumerate(effects) if math.isfinite(yi)]
    if len(keep) < len(rows):
        notes.append(
            "Studies with no events (or only events) in both arms carry no "
            "information on a ratio and are left out of the pooling."
        )
    if not keep:
        studies = [StudyResult(r.label, math.nan, math.nan, None, "double zero") for r in rows]
        return Reanalysis(
            measure,
            ratio,
            method,
            requested,
            studies,
            None,
            None,
            "not computed (no study to pool)",
            None,
            notes,
        )
    yi = np.array([effects[i][0] for i in keep])
    vi = np.array([effects[i][1] for i in keep])
    if method == "MH":
        cols = [
            np.array([getattr(rows[i], f) for i in keep], dtype=float)
            for f in ("events1", "n1", "events2", "n2")
        ]
        e1, n1, e2, n2 = cols
        pooled = stats.mantel_haenszel(e1, n1, e2, n2, BINARY_MEASURES[measure])
        weights = _mh_weights(e1, n1, e2, n2, measure)
    else:
        pooled = stats.pool(yi, vi, method=POOL_METHODS[method])
        w = 1.0 / (vi + pooled.tau2)
        weights = w / w.sum()
    weight_of = dict(zip(keep, (100.0 * float(x) for x in weights), strict=True))
    studies = [
        StudyResult(
            row.label, *effects[i], weight_of.get(i), "" if i in weight_of else "double zero"
        )
        for i, row in enumerate(rows)
    ]
    egger, egger_note = _egger(yi, vi)
    credibility = _credibility([rows[i] for i in keep], yi, vi, egger)
    return Reanalysis(
        measure, ratio, method, requested, studies, pooled, egger, egger_note, credibility, notes
    )


def _mh_weights(
    e1: FloatArray, n1: FloatArray, e2: FloatArray, n2: FloatArray, measure: str
) -> FloatArray:
    """Mantel–Haenszel weights: b·c/N (OR), c·n1/N (RR), n1·n2/N (RD) on the raw counts."""
    n = n1 + n2
    if measure == "or":
        w = (n1 - e1) * e2 / n
    elif measure == "rr":
        w = e2 * n1 / n
    else:
        w = n1 * n2 / n
    total = w.sum()
    return w / total if total > 0 else np.full(w.size, 1.0 / w.size)


def _egger(yi: FloatArray, vi: FloatArray) -> tuple[stats.Egger | None, str]:
    k = yi.size
    if k < 3:
        return None, f"not computed (k = {k}; the test needs at least 3 studies)"
    try:
        result = stats.egger(yi, vi)
    except ValueError as error:
        return None, f"not computed ({error})"
    if k < EGGER_MIN_K:
        return result, (
            f"Caution: k = {k} < {EGGER_MIN_K}; the test has little power and "
            "should not be read as evidence of no small-study effect."
        )
    return result, ""


def _credibility(
    rows: Sequence[StudyRow], yi: FloatArray, vi: FloatArray, egger: stats.Egger | None
) -> Credibility:
    pooled = stats.pool(yi, vi, method=CREDIBILITY_METHOD)
    n_cases, complete = _n_cases(rows)
    esb_p = stats.excess_significance(yi, vi).p if yi.size >= 2 else None
    largest = int(np.argmin(vi))
    half = Z_95 * math.sqrt(float(vi[largest]))
    largest_ci = (float(yi[largest]) - half, float(yi[largest]) + half)
    grade = stats.credibility_class(
        # A lower bound of cases counts only when it already clears the threshold.
        n_cases=n_cases if complete or (n_cases or 0) > 1000 else None,
        p_value=pooled.p,
        i2=pooled.i2,
        prediction_interval=pooled.prediction_interval,
        egger_p=egger.p if egger else None,
        esb_p=esb_p,
        largest_ci=largest_ci,
        pooled_ci=(pooled.ci_low, pooled.ci_high),
        null=0.0,
    )
    return Credibility(
        grade,
        n_cases,
        complete,
        pooled.p,
        pooled.i2,
        pooled.prediction_interval,
        egger.p if egger else None,
        esb_p,
        largest_ci,
    )
