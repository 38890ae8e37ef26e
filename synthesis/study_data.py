"""Re-analysis of an outcome result from its primary studies' data (pure: no Django imports).

Rows (:mod:`synthesis.study_rows`, re-exported here) become an effect ``yi`` with variance
``vi`` through :mod:`synthesis.stats`; rows of one study are combined first (dependent
effects), and the studies are pooled with the chosen method and graded under the project's
conventions (ours or metaumbrella's). Nothing here is
stored: the app recomputes on every view, so a changed row can never leave a stale result.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from reviews.labels import LabelledEnum

from . import stats
from ._validation import FloatArray
from .findings import Z_95, is_ratio
from .harmonise import harmonise, record_text
from .study_groups import combine_study, combined_label, study_counts
from .study_rows import (
    BINARY,
    BINARY_MEASURES,
    CONTINUOUS,
    ESTIMATE,
    GROUPS,
    MEASURE_KINDS,
    REQUIRED,
    StudyRow,
    _numbers,
    effect_of,
    rounded_limit,
    row_problems,
)

__all__ = [
    "BINARY",
    "CONTINUOUS",
    "ESTIMATE",
    "MEASURE_KINDS",
    "METHODS",
    "REQUIRED",
    "Credibility",
    "Method",
    "Reanalysis",
    "StudyResult",
    "StudyRow",
    "effect_of",
    "reanalyse",
    "row_problems",
]


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
#: Credibility classes are graded on a random-effects (REML) pooling whatever method is shown,
#: so that switching the displayed method cannot change a class (Fusar-Poli & Radua 2018).
CREDIBILITY_METHOD: stats.Method = "REML"
EGGER_MIN_K = 10  # Cochrane Handbook 13.3.5.4: too little power below 10 studies


@dataclass(frozen=True)
class StudyResult:
    """A study's effect, 95% CI (both on the analysis scale) and pooling weight (%)."""

    label: str
    yi: float
    vi: float
    weight_percent: float | None  # None: left out of the pooling
    excluded_reason: str = ""
    #: How an estimate row's value and SE were obtained (synthesis.harmonise.record_text):
    #: formula, constant, source; "" for counts and means (computed as metafor escalc).
    record: str = ""

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
    conventions: str = stats.OURS.name  # whose conventions graded the class
    #: One result per input row where rows of one study were combined (``studies`` then has
    #: one per study); empty otherwise.
    combined_rows: list[StudyResult] = field(default_factory=list)

    @property
    def row_results(self) -> list[StudyResult]:
        """One result per input row, in input order (the study table's rows)."""
        return self.combined_rows or self.studies

    @property
    def k(self) -> int:
        return self.pooled.k if self.pooled else 0

    def shown(self, value: float) -> float:
        """A value on the printed scale (ratios exponentiated)."""
        return math.exp(value) if self.ratio else value


def _n_cases(studies: Sequence[Sequence[StudyRow]]) -> tuple[float | None, bool]:
    """Cases as in docs/methods.md section 8: events (binary), intervention-arm n (continuous),
    each study counted once (synthesis.study_groups: groups add up, outcomes take the largest).

    Estimate-only rows have no count, so the sum is then a lower bound (complete = False).
    """
    total, complete = 0.0, True
    for members in studies:
        counts, known = study_counts(members)
        total += counts.cases or 0.0
        complete = complete and known
    return (total if total or complete else None), complete


def reanalyse(
    rows: Sequence[StudyRow],
    measure: str,
    method: str = "REML",
    conventions: stats.Conventions = stats.OURS,
) -> Reanalysis:
    """Pool valid rows; raises ValueError naming the row and field for any invalid one.

    Rows sharing a study key are combined into one effect per study (synthesis.study_groups:
    independent groups by their fixed-effect mean, dependent outcomes by the composite at the
    conventions' correlation r, Borenstein et al. 2009, ch. 24), so k counts studies.
    ``conventions`` (ours by default, or ``stats.METAUMBRELLA``) also decides the credibility
    grading's prediction interval, largest study and excess-significance test, and the
    quantile of an estimate row's SE from its CI; each estimate row's result carries its
    record (``record``).
    """
    analysis = _reanalyse(rows, measure, method, conventions)
    if not any(row.kind == ESTIMATE for row in rows):
        return analysis
    per_row = [
        replace(
            result,
            record=record_text(
                harmonise(row.estimate_inputs(), measure, conventions.se_from_ci).provenance,
                shown=result.excluded_reason,
            ),
        )
        if row.kind == ESTIMATE
        else result
        for row, result in zip(rows, analysis.row_results, strict=True)
    ]
    if analysis.combined_rows:
        return replace(analysis, combined_rows=per_row)
    return replace(analysis, studies=per_row)


def _reanalyse(
    rows: Sequence[StudyRow], measure: str, method: str, conventions: stats.Conventions
) -> Reanalysis:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)} (got {method!r})")
    for row in rows:
        for name, message in row_problems(row, measure):
            raise ValueError(f"{row.label}: {name}: {message}")
    notes: list[str] = []
    requested = method
    all_counts = bool(rows) and all(row.kind == BINARY for row in rows)
    if method == "MH" and not (all_counts and measure in ("rr", "or", "rd")):
        notes.append(
            "Mantel–Haenszel needs counts for every study and an RR, OR or RD: "
            "REML is shown instead."
        )
        method = "REML"
    if any(rounded_limit(row, measure) for row in rows):
        notes.append(
            "A ratio's lower CI limit printed as 0.00 (rounded) is used as printed: its SE "
            "comes from the upper half of the CI."
        )
    effects = [effect_of(row, measure, conventions.se_from_ci) for row in rows]
    keep = [i for i, (yi, _) in enumerate(effects) if math.isfinite(yi)]
    keys = [row.study or f"\x00{i}" for i, row in enumerate(rows)]
    dependent = len({keys[i] for i in keep}) < len(keep)
    if method == "MH" and dependent:
        notes.append(
            "Mantel–Haenszel cannot combine several rows of one study: REML is shown instead."
        )
        method = "REML"
    if method == "MH":
        return _reanalyse_mh(rows, measure, effects, keep, requested, notes, conventions)
    if len(keep) < len(rows):
        notes.append(
            "Studies with no events (or only events) in both arms carry no "
            "information on a ratio and are left out of the pooling."
        )
    if not keep:
        studies = [StudyResult(r.label, math.nan, math.nan, None, "double zero") for r in rows]
        return Reanalysis(
            measure, is_ratio(measure), method, requested, studies, None, None,
            "not computed (no study to pool)", None, notes,
        )  # fmt: skip
    if dependent:
        return _reanalyse_by_study(
            rows, measure, method, requested, notes, conventions, effects, keep, keys
        )
    yi = np.array([effects[i][0] for i in keep])
    vi = np.array([effects[i][1] for i in keep])
    pooled = stats.pool(yi, vi, method=POOL_METHODS[method])
    w = 1.0 / (vi + pooled.tau2)
    weight_of = dict(zip(keep, (100.0 * float(x) for x in w / w.sum()), strict=True))
    studies = [
        StudyResult(
            row.label, *effects[i], weight_of.get(i), _row_provenance(i, weight_of, row, measure)
        )
        for i, row in enumerate(rows)
    ]
    return _finish([[rows[i]] for i in keep], yi, vi, measure, method, requested, studies,
                   pooled, notes, conventions)  # fmt: skip


def _row_provenance(i: int, pooled: dict[int, float], row: StudyRow, measure: str) -> str:
    """Why a row is left out, or how its SE was obtained when that is not the usual way."""
    if i not in pooled:
        return "double zero"
    if rounded_limit(row, measure):
        # stats.se_from_rounded_ci's provenance, in words
        return "rounded: lower CI limit printed as 0.00; SE from the upper half of the CI"
    return ""


def _finish(
    graded: list[list[StudyRow]],
    yi: FloatArray,
    vi: FloatArray,
    measure: str,
    method: str,
    requested: str,
    studies: list[StudyResult],
    pooled: stats.Pooled,
    notes: list[str],
    conventions: stats.Conventions,
) -> Reanalysis:
    """Egger's test and the credibility class of the pooled studies (each the rows combined
    into it), and the result."""
    egger, egger_note = _egger(yi, vi)
    credibility = _credibility(graded, yi, vi, egger, measure, conventions)
    return Reanalysis(
        measure, is_ratio(measure), method, requested, studies, pooled, egger, egger_note,
        credibility, notes, conventions.name,
    )  # fmt: skip


def _reanalyse_by_study(
    rows: Sequence[StudyRow],
    measure: str,
    method: str,
    requested: str,
    notes: list[str],
    conventions: stats.Conventions,
    effects: list[tuple[float, float]],
    keep: list[int],
    keys: list[str],
) -> Reanalysis:
    """Rows sharing a study key: one effect per study (synthesis.study_groups)."""
    r = conventions.dependent_outcomes_r
    members: dict[str, list[int]] = {}
    for i in keep:
        members.setdefault(keys[i], []).append(i)
    groups = [m for m in members.values() if len(m) > 1]
    if any(rows[i].multiple_es != GROUPS for m in groups for i in m):
        notes.append(
            f"Rows of the same study are combined into one composite effect (correlation r = "
            f"{r:g} between outcomes), so each study counts once."
        )
    if any(rows[i].multiple_es == GROUPS for m in groups for i in m):
        notes.append(
            "Rows marked as independent groups of one study are combined by their fixed-effect "
            "mean, their cases added up, before any composite with its outcomes."
        )
    study_keys = list(members)
    combined = [
        combine_study([rows[i] for i in members[key]], [effects[i] for i in members[key]], r)
        for key in study_keys
    ]
    yi = np.array([y for y, _ in combined])
    vi = np.array([v for _, v in combined])
    pooled = stats.pool(yi, vi, method=POOL_METHODS[method])
    w = 1.0 / (vi + pooled.tau2)
    studies = [
        StudyResult(
            combined_label([rows[i] for i in members[key]]),
            float(y),
            float(v),
            100.0 * float(wi / w.sum()),
        )
        for key, y, v, wi in zip(study_keys, yi, vi, w, strict=True)
    ]
    graded = [[rows[i] for i in members[key]] for key in study_keys]
    analysis = _finish(graded, yi, vi, measure, method, requested, studies, pooled, notes,
                       conventions)  # fmt: skip
    weight_of = {key: st.weight_percent or 0.0 for key, st in zip(study_keys, studies, strict=True)}
    # Each row shows its study's weight (the combined row's): the study is what is pooled.
    per_row = [
        StudyResult(row.label, *effects[i], weight_of.get(keys[i]) if i in keep else None,
                    _row_note(i, keep, members.get(keys[i], []), row))
        for i, row in enumerate(rows)
    ]  # fmt: skip
    return replace(analysis, combined_rows=per_row)


def _row_note(i: int, keep: list[int], members: list[int], row: StudyRow) -> str:
    """What the study table says of one row when rows of a study were combined."""
    if i not in keep:
        return "double zero"
    if len(members) == 1:
        return ""
    others = len(members) - 1
    # The row's marker said in words: the table is the only place a reader sees it.
    role = "an independent group" if row.multiple_es == GROUPS else "an outcome"
    return (
        f"{role}, combined with {others} other row{'s' if others > 1 else ''} of its study; "
        "the weight is that of the combined study"
    )


def _reanalyse_mh(
    rows: Sequence[StudyRow],
    measure: str,
    effects: list[tuple[float, float]],
    keep: list[int],
    requested: str,
    notes: list[str],
    conventions: stats.Conventions,
) -> Reanalysis:
    """Mantel–Haenszel on every table (as metafor rma.mh); double zeros only leave Q."""
    e1, n1, e2, n2 = (
        np.array([_numbers(row, (name,))[0] for row in rows], dtype=np.float64)
        for name in ("events1", "n1", "events2", "n2")
    )
    pooled = stats.mantel_haenszel(e1, n1, e2, n2, BINARY_MEASURES[measure])
    weights = _mh_weights(e1, n1, e2, n2, measure)
    out_of_q = set(pooled.heterogeneity_excluded)
    if out_of_q:
        notes.append(
            "Studies with no events (or only events) in both arms are in the Mantel–Haenszel "
            "estimate but, having no defined study-level effect, are left out of Q and I²."
        )
    studies = [
        StudyResult(
            row.label,
            *effects[i],
            None if i in out_of_q else 100.0 * float(weights[i]),
            f"in the MH estimate (weight {100.0 * float(weights[i]):.1f}%), not in Q: double zero"
            if i in out_of_q
            else "",
        )
        for i, row in enumerate(rows)
    ]
    if not keep:
        return Reanalysis(
            measure, is_ratio(measure), "MH", requested, studies, pooled, None,
            "not computed (no study-level effect)", None, notes, conventions.name,
        )  # fmt: skip
    yi = np.array([effects[i][0] for i in keep])
    vi = np.array([effects[i][1] for i in keep])
    return _finish([[rows[i]] for i in keep], yi, vi, measure, "MH", requested, studies,
                   pooled, notes, conventions)  # fmt: skip


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
    total = float(w.sum())
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
    studies: Sequence[Sequence[StudyRow]],
    yi: FloatArray,
    vi: FloatArray,
    egger: stats.Egger | None,
    measure: str,
    conventions: stats.Conventions,
) -> Credibility:
    n_cases, complete = _n_cases(studies)
    rows = [row for members in studies for row in members]
    counts = [study_counts(members)[0] for members in studies]
    means = measure in ("smd", "hedges_g") and all(row.kind == CONTINUOUS for row in rows)
    graded = stats.grade_association(
        yi,
        vi,
        # A lower bound of cases counts only when it already clears the threshold.
        n_cases=n_cases if complete or (n_cases or 0) > 1000 else None,
        conventions=conventions,
        n1=[c.arms()[0] for c in counts] if means else None,
        n2=[c.arms()[1] for c in counts] if means else None,
        # Total participants per study, unless a row is an estimate only.
        sizes=None
        if any(row.kind == ESTIMATE for row in rows)
        else [float(c.n1 or 0) + float(c.n2 or 0) for c in counts],
        smd=means,
        method=CREDIBILITY_METHOD,
    )
    return Credibility(
        graded.grade,
        n_cases,
        complete,
        graded.pooled.p,
        graded.pooled.i2,
        graded.prediction_interval,
        egger.p if egger else None,
        graded.esb_p,
        graded.largest_ci,
    )
