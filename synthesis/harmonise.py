"""An estimate row on its outcome result's scale, with the record of how it got there (pure).

A review prints a study's effect as an estimate with its 95% CI, with its SE, or (for a
standardised mean difference) with the arm sizes alone, and sometimes on another scale than
the outcome result's (an MD where the others are SMDs, an HR beside RRs). :func:`harmonise`
turns one such row into ``(value, SE)`` on the analysis scale (log for ratios) through the
conversions of :mod:`synthesis._conversions`, and returns the
:class:`~synthesis._conversions.Provenance` (formula, constant, source) the re-analysis page
shows beside the row. :func:`estimate_problems` says, per field, why a row cannot be used.

Which inputs each measure accepts, and why (docs/methods.md, "Harmonising estimate rows"):

* estimate + 95% CI: every measure; the SE is ``width / (2 q)`` with ``q = z`` or, under
  metaumbrella's conventions for an MD whose arm sizes are given, ``t(n1 + n2 - 2)``
  (metaConvert ``es_from_md_ci``, which metaumbrella 1.1 calls; Cochrane Handbook v6,
  6.5.2.3); an MD converted to g always uses that t, as its source does;
* estimate + SE: every measure (the SE on the analysis scale: of the log for a ratio);
* estimate + arm sizes only: SMD and g, whose SE follows from ``n1, n2`` and the estimate
  (metaConvert ``es_from_hedges_g``); the SE of a ratio, an MD or an RD depends on the event
  risks or the SDs, which the sizes do not give, so such a row is refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from . import stats
from ._conversions import Converted, Provenance

RATIOS = frozenset({"rr", "or", "hr"})
STANDARDISED = frozenset({"smd", "hedges_g"})
LogRatio = Literal["logOR", "logRR", "logHR"]
LOG_NAMES: dict[str, LogRatio] = {"rr": "logRR", "or": "logOR", "hr": "logHR"}
#: (reported, outcome result's) measure pairs that can be converted, and how.
ROUTES = {
    **{("md", target): "MD with its CI and arm sizes → Hedges' g" for target in STANDARDISED},
    **{(source, "or"): "SMD → log OR (Hasselblad & Hedges)" for source in STANDARDISED},
    **{("or", target): "log OR → SMD (Hasselblad & Hedges)" for target in STANDARDISED},
    ("hr", "rr"): "HR treated as RR",
    ("hr", "or"): "HR treated as OR",
    ("rr", "hr"): "RR treated as HR",
}
NAMES = {"smd": "an SMD", "hedges_g": "a Hedges' g", "md": "an MD", "rr": "an RR",
         "or": "an OR", "rd": "an RD", "hr": "an HR"}  # fmt: skip
ROUTES_TEXT = "MD → SMD/g (with CI and arm sizes), SMD/g ↔ OR, HR → RR or OR, RR → HR"


@dataclass(frozen=True)
class EstimateInputs:
    """An estimate row's numbers as entered (a ratio as printed, not its log)."""

    estimate: float
    ci_low: float | None = None
    ci_high: float | None = None
    se: float | None = None
    n1: float | None = None
    n2: float | None = None
    reported_measure: str = ""  # "" = the outcome result's measure


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def same_scale(reported: str, measure: str) -> bool:
    return not reported or reported == measure or {reported, measure} <= STANDARDISED


def estimate_problems(row: EstimateInputs, measure: str) -> list[tuple[str, str]]:
    """Why the row cannot be used for ``measure``, as (field, message); empty when it can."""
    reported = row.reported_measure or measure
    has_ci = row.ci_low is not None or row.ci_high is not None
    has_n = row.n1 is not None and row.n2 is not None
    if not same_scale(reported, measure) and (reported, measure) not in ROUTES:
        return [
            (
                "reported_measure",
                f"{_sentence(NAMES[reported])} cannot be converted to this result's "
                f"{NAMES[measure][NAMES[measure].index(' ') + 1 :]}; the conversions are "
                f"{ROUTES_TEXT}.",
            )
        ]
    if has_ci and (row.ci_low is None or row.ci_high is None):
        name = "ci_low" if row.ci_low is None else "ci_high"
        return [(name, "Give both limits of the 95% CI.")]
    if has_ci and row.se is not None:
        return [("se", "Give the 95% CI or the SE, not both: they would disagree.")]
    if (row.n1 is None) != (row.n2 is None):
        name = "n1" if row.n1 is None else "n2"
        return [(name, "Give both arm sizes, or neither.")]
    for name in ("n1", "n2"):
        value = getattr(row, name)
        if value is not None and (value < 1 or value != math.floor(value)):
            return [(name, "An arm size is a whole number ≥ 1.")]
    if row.se is not None and not (math.isfinite(row.se) and row.se > 0):
        return [("se", "The SE must be a number above 0.")]
    if not has_ci and row.se is None and not has_n:
        return [("ci_low", "Give the 95% CI, the SE, or (for an SMD or g) both arm sizes.")]
    if not has_ci and row.se is None and reported not in STANDARDISED:
        return [
            (
                "se",
                f"{_sentence(NAMES[reported])} needs its 95% CI or its SE: only a standardised "
                "mean difference has an SE that follows from the arm sizes alone.",
            )
        ]
    if reported == "md" and measure in STANDARDISED and not (has_ci and has_n):
        return [
            (
                "n1" if has_ci else "ci_low",
                "An MD converts to Hedges' g with its 95% CI and both arm sizes "
                "(the pooled SD is recovered from them).",
            )
        ]
    if has_n and reported in STANDARDISED and (row.n1 or 0) + (row.n2 or 0) < 4:
        return [("n1", "Hedges' correction needs n1 + n2 ≥ 4.")]
    return []


def _as_reported(row: EstimateInputs, reported: str, se_method: str) -> Converted:
    """The row's own (value, SE) on its reported measure's analysis scale."""
    ratio = reported in RATIOS
    name = LOG_NAMES.get(reported, reported.upper())
    if row.ci_low is not None and row.ci_high is not None:
        if ratio and row.ci_low == 0:
            return stats.se_from_rounded_ci(row.estimate, 0.0, row.ci_high, measure=name)
        # metaConvert es_from_md_ci (metaumbrella 1.1) takes t(n1 + n2 - 2) for an MD's CI;
        # for SMDs and ratios its sources use z, so we do too.
        sizes = row.n1 is not None and row.n2 is not None
        use_t = se_method == "t" and sizes and reported == "md"
        return stats.se_from_ci(
            row.estimate,
            row.ci_low,
            row.ci_high,
            ratio=ratio,
            method="t" if use_t else "z",
            n=(row.n1 or 0) + (row.n2 or 0) if use_t else None,
            measure=name,
        )
    if row.se is not None:
        value = math.log(row.estimate) if ratio else row.estimate
        return Converted(
            name, value, row.se, Provenance("SE as reported", "none", "the row (as printed)")
        )
    assert row.n1 is not None  # estimate_problems has checked
    assert row.n2 is not None
    return stats.smd_from_estimate_and_n(row.estimate, row.n1, row.n2)


def _chain(first: Converted, then: Converted) -> Converted:
    """Two steps as one record: the later value with both steps' formulas and sources."""
    p, q = first.provenance, then.provenance
    return Converted(
        then.measure,
        then.value,
        then.se,
        Provenance(
            f"{p.formula}; then {q.formula}",
            f"{p.constant}; {q.constant}",
            f"{p.source}; {q.source}",
            (*p.notes, *q.notes),
        ),
    )


def harmonise(row: EstimateInputs, measure: str, se_method: str = "z") -> Converted:
    """``row`` on ``measure``'s analysis scale with its record; ValueError if it cannot be."""
    problems = estimate_problems(row, measure)
    if problems:
        field, message = problems[0]
        raise ValueError(f"{field}: {message}")
    reported = row.reported_measure or measure
    if same_scale(reported, measure):
        return _as_reported(row, reported, se_method)
    if reported == "md":
        assert row.ci_low is not None
        assert row.ci_high is not None
        assert row.n1 is not None
        assert row.n2 is not None
        return stats.smd_from_md_ci(row.estimate, row.ci_low, row.ci_high, row.n1, row.n2)
    own = _as_reported(row, reported, se_method)
    if measure == "or":
        return _chain(own, stats.smd_to_log_or(own.value, own.se))
    if measure in STANDARDISED:
        return _chain(own, stats.log_or_to_smd(own.value, own.se))
    return stats.ratio_as(own, LOG_NAMES[measure])


def record_text(provenance: Provenance, shown: str = "") -> str:
    """The record as one line of text for the page: formula; constant; source; notes.

    ``shown`` is a note the page already prints beside the value (a rounded limit): it is
    left out here, so that the row says it once.
    """
    parts = [provenance.formula]
    if provenance.constant != "none":
        parts.append(provenance.constant)
    parts.append(f"source: {provenance.source}")
    parts.extend(note for note in provenance.notes if note != shown)
    return " — ".join(parts)
