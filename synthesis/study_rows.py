"""One study's row of data behind an outcome result: its fields, its checks, its effect.

Pure (no Django imports); :mod:`synthesis.study_data` re-exports every name and pools the rows.
Rows come in three kinds (arm 1 = intervention, arm 2 = control, as in docs/methods.md):
counts (events/n per arm), means (mean, SD, n per arm), or an estimate with its 95% CI on
the measure's printed scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from . import stats
from .findings import is_ratio

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


#: The binary measures (synthesis.findings.Measure values) as stats spells them.
BINARY_MEASURES: dict[str, stats.BinaryMeasure] = {"rr": "RR", "or": "OR", "rd": "RD"}


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
    #: Rows sharing a study key (opaque: the app passes the registry study's id) are one
    #: study's dependent outcomes: combined into one composite before pooling
    #: (``stats.combine_by_study``), so that k counts studies.
    study: str | None = None
    #: The source's arms are the other way round: yi -> -yi on the analysis scale (a ratio
    #: becomes its reciprocal), SE unchanged.
    reverse: bool = False


def row_problems(row: StudyRow, measure: str | None = None) -> list[tuple[str, str]]:
    """Every problem of one row as (field, message); with ``measure``, also its fit to it.

    Arms of one participant and an SD of 0 in one arm are accepted, as metafor ``escalc``
    does (real data sets have them); what cannot be computed is refused with the reason
    (docs/methods.md, "Data metafor accepts").
    """
    problems: list[tuple[str, str]] = []
    if row.kind not in REQUIRED:
        return [("kind", "Choose the kind of data: counts, means or an estimate with its CI.")]
    for name in REQUIRED[row.kind]:
        value = getattr(row, name)
        if value is None:
            problems.append((name, "Required for this kind of data."))
        elif isinstance(value, bool) or not math.isfinite(value):
            problems.append((name, "Must be a finite number."))
    if problems:
        return problems
    for arm in ("1", "2") if row.kind != ESTIMATE else ():
        n = _numbers(row, (f"n{arm}",))[0]
        if n < 1:
            problems.append((f"n{arm}", "An arm has at least 1 participant."))
        elif n != math.floor(n):
            problems.append((f"n{arm}", "A number of participants is a whole number."))
        elif row.kind == BINARY:
            events = _numbers(row, (f"events{arm}",))[0]
            if events < 0 or events > n:
                problems.append((f"events{arm}", f"Events must lie between 0 and n = {n:g}."))
            elif events != math.floor(events):
                problems.append((f"events{arm}", "A number of events is a whole number."))
        if row.kind == CONTINUOUS and _numbers(row, (f"sd{arm}",))[0] < 0:
            problems.append((f"sd{arm}", "An SD cannot be negative."))
    if row.kind == ESTIMATE:
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
        # A lower limit of 0 is a rounded one (0.00 as printed), used as such: rounded_limit.
        estimate, ci_low = _numbers(row, ("estimate", "ci_low"))
        if ci_low < 0 or estimate <= 0:
            name = "ci_low" if ci_low < 0 else "estimate"
            return [(name, f"A ratio ({measure.upper()}) must be positive.")]
    if row.kind == CONTINUOUS:
        return _means_problems(row, measure)
    return []


def _means_problems(row: StudyRow, measure: str) -> list[tuple[str, str]]:
    """What metafor computes but is no estimate: refused with the reason (docs/methods.md)."""
    n1, sd1, n2, sd2 = _numbers(row, ("n1", "sd1", "n2", "sd2"))
    if measure == "md":
        if sd1 == 0 and sd2 == 0:
            return [("sd1", "Both SDs are 0: the mean difference would have no variance.")]
        return []
    if n1 + n2 < 4:
        return [
            (
                "n1",
                "A standardised mean difference needs at least 4 participants in all "
                "(Hedges' correction uses n1 + n2 − 2 ≥ 2 degrees of freedom).",
            )
        ]
    if (n1 - 1) * sd1**2 + (n2 - 1) * sd2**2 <= 0:
        return [("sd1", "No spread in either arm: the pooled SD is 0.")]
    return []


def rounded_limit(row: StudyRow, measure: str) -> bool:
    """A ratio's lower CI limit printed as 0 (e.g. 0.00): used as printed, noted "rounded"."""
    return row.kind == ESTIMATE and is_ratio(measure) and row.ci_low == 0


def effect_of(row: StudyRow, measure: str) -> tuple[float, float]:
    """``(yi, vi)`` of one row on the analysis scale (log for ratios); NaN for a double zero.

    An estimate row's SE comes from its CI with the z quantile (an estimate row carries no
    arm sizes, which metaumbrella's t quantile needs: docs/methods.md, "Conventions"). A
    ratio whose lower limit is printed as 0.00 takes its SE from the upper half of its CI
    (:func:`synthesis.stats.se_from_rounded_ci`). ``row.reverse`` flips the direction.
    """
    if row.kind == BINARY:
        e1, n1, e2, n2 = _numbers(row, REQUIRED[BINARY])
        yi, vi = stats.binary_effect(e1, n1, e2, n2, BINARY_MEASURES[measure])
        y, v = float(yi[0]), float(vi[0])
    elif row.kind == CONTINUOUS:
        args = _numbers(row, REQUIRED[CONTINUOUS])
        yi, vi = stats.mean_difference(*args) if measure == "md" else stats.hedges_g(*args)
        y, v = float(yi[0]), float(vi[0])
    elif rounded_limit(row, measure):
        estimate, ci_low, ci_high = _numbers(row, REQUIRED[ESTIMATE])
        converted = stats.se_from_rounded_ci(estimate, ci_low, ci_high)
        y, v = converted.value, converted.variance
    else:
        estimate, ci_low, ci_high = _numbers(row, REQUIRED[ESTIMATE])
        yi, vi = stats.from_confidence_interval(estimate, ci_low, ci_high, is_ratio(measure))
        y, v = float(yi[0]), float(vi[0])
    return (-y if row.reverse else y), v
