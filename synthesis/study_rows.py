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

from reviews.labels import LabelledEnum

from . import stats
from ._conversions import Provenance
from .findings import is_ratio
from .harmonise import EstimateInputs, estimate_problems, harmonise


class Kind(LabelledEnum):
    """What a row holds (synthesis.models.StudyDataKind is its field's choices)."""

    BINARY = "binary", "Events / n per arm"
    CONTINUOUS = "continuous", "Mean, SD, n per arm"
    ESTIMATE = "estimate", "Estimate (with its CI, SE or arm sizes)"


class MultipleEs(LabelledEnum):
    """What a row is when its study has several rows in one outcome result (metaumbrella's
    ``multiple_es``, spelled as it spells it): combined before pooling (docs/methods.md)."""

    OUTCOMES = "outcomes", "Outcome (same people)"
    GROUPS = "groups", "Independent group"


BINARY, CONTINUOUS, ESTIMATE = Kind
OUTCOMES, GROUPS = MultipleEs

REQUIRED: dict[str, tuple[str, ...]] = {
    BINARY: ("events1", "n1", "events2", "n2"),
    CONTINUOUS: ("mean1", "sd1", "n1", "mean2", "sd2", "n2"),
    # With its CI, its SE or (SMD/g) the arm sizes: synthesis.harmonise.estimate_problems.
    ESTIMATE: ("estimate",),
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
    #: study's rows, combined into one effect before pooling (``synthesis.study_groups``),
    #: so that k counts studies.
    study: str | None = None
    #: What the row is among its study's rows (metaumbrella's ``multiple_es``): one of its
    #: dependent ``OUTCOMES`` (the composite at the project's r) or one of its independent
    #: ``GROUPS`` (their fixed-effect mean, cases added up).
    multiple_es: str = OUTCOMES
    #: The source's arms are the other way round: yi -> -yi on the analysis scale (a ratio
    #: becomes its reciprocal), SE unchanged.
    reverse: bool = False
    #: An estimate row's SE as printed (on the analysis scale: of the log for a ratio).
    se: float | None = None
    #: The measure an estimate row is printed in when it is not the outcome result's ("" =
    #: the same); synthesis.harmonise converts it.
    reported_measure: str = ""

    def estimate_inputs(self) -> EstimateInputs:
        """An estimate row's numbers for synthesis.harmonise."""
        return EstimateInputs(
            estimate=float(self.estimate if self.estimate is not None else math.nan),
            ci_low=self.ci_low,
            ci_high=self.ci_high,
            se=self.se,
            n1=self.n1,
            n2=self.n2,
            reported_measure=self.reported_measure,
        )


def row_problems(row: StudyRow, measure: str | None = None) -> list[tuple[str, str]]:
    """Every problem of one row as (field, message); with ``measure``, also its fit to it.

    Arms of one participant and an SD of 0 in one arm are accepted, as metafor ``escalc``
    does (real data sets have them); what cannot be computed is refused with the reason
    (docs/methods.md, "Data metafor accepts").
    """
    problems: list[tuple[str, str]] = []
    if row.kind not in REQUIRED:
        return [("kind", "Choose the kind of data: counts, means or an estimate with its CI.")]
    if row.multiple_es not in (OUTCOMES, GROUPS):
        return [("multiple_es", f"Use {OUTCOMES} or {GROUPS} (got {row.multiple_es!r}).")]
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
        problems.extend(_estimate_problems(row))
    if measure is not None and not problems:
        problems.extend(_measure_problems(row, measure))
    return problems


def _estimate_problems(row: StudyRow) -> list[tuple[str, str]]:
    """An estimate row's own checks (its fit to a measure is harmonise.estimate_problems)."""
    for name in ("ci_low", "ci_high", "se", "n1", "n2"):
        value = getattr(row, name)
        if value is not None and (isinstance(value, bool) or not math.isfinite(value)):
            return [(name, "Must be a finite number.")]
    estimate, ci_low, ci_high = row.estimate, row.ci_low, row.ci_high
    if ci_low is None and ci_high is None and row.se is None and None in (row.n1, row.n2):
        return [("ci_low", "Give the 95% CI, the SE, or (for an SMD or g) both arm sizes.")]
    if ci_low is not None and ci_high is not None and estimate is not None:
        if not ci_low < ci_high:
            return [("ci_low", "The lower CI limit must be below the upper.")]
        if not ci_low <= estimate <= ci_high:
            return [("estimate", "The estimate must lie inside its CI.")]
    return []


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
    if row.kind == ESTIMATE:
        reported = row.reported_measure or measure
        if reported not in MEASURE_KINDS:
            return [("reported_measure", f"Unknown measure {reported!r}.")]
        if is_ratio(reported):
            # A lower limit of 0 is a rounded one (0.00 as printed), used as such.
            ci_low = row.ci_low
            if (ci_low is not None and ci_low < 0) or (row.estimate or 0) <= 0:
                name = "ci_low" if ci_low is not None and ci_low < 0 else "estimate"
                return [(name, f"A ratio ({reported.upper()}) must be positive.")]
        return estimate_problems(row.estimate_inputs(), measure)
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
    return row.kind == ESTIMATE and is_ratio(row.reported_measure or measure) and row.ci_low == 0


def effect_of(row: StudyRow, measure: str, se_method: str = "z") -> tuple[float, float]:
    """``(yi, vi)`` of one row on the analysis scale (log for ratios); NaN for a double zero."""
    yi, vi, _ = effect_with_record(row, measure, se_method)
    return yi, vi


def effect_with_record(
    row: StudyRow, measure: str, se_method: str = "z"
) -> tuple[float, float, Provenance | None]:
    """``(yi, vi, record)``: an estimate row's record says how its value and SE were obtained
    (:func:`synthesis.harmonise.harmonise`: SE from its CI with ``se_method``'s quantile -- z,
    or metaumbrella's t when the arm sizes are known -- or as printed, or from the arm sizes;
    converted from its reported measure). Rows of counts or means have no record (the effect
    is computed as metafor ``escalc``). ``row.reverse`` flips the direction.
    """
    record = None
    if row.kind == BINARY:
        e1, n1, e2, n2 = _numbers(row, REQUIRED[BINARY])
        yi, vi = stats.binary_effect(e1, n1, e2, n2, BINARY_MEASURES[measure])
        y, v = float(yi[0]), float(vi[0])
    elif row.kind == CONTINUOUS:
        args = _numbers(row, REQUIRED[CONTINUOUS])
        yi, vi = stats.mean_difference(*args) if measure == "md" else stats.hedges_g(*args)
        y, v = float(yi[0]), float(vi[0])
    else:
        converted = harmonise(row.estimate_inputs(), measure, se_method)
        y, v, record = converted.value, converted.variance, converted.provenance
    return (-y if row.reverse else y), v, record
