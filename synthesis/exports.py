"""Exports of any filtered evidence table as CSV or XLSX (pandas), with stable column names.

The column names are a published interface (docs/evidence-tables.md, "Exports"): add columns
at the end, never rename or reorder. Text cells that a spreadsheet would run as a formula
(starting with = + - @, tab or carriage return) are prefixed with an apostrophe; numbers stay
numbers.
"""

from collections.abc import Iterable
from io import BytesIO

import pandas as pd

from .models import OutcomeResult
from .selectors.ratings import rating_for

COLUMNS = [
    "umbrella_review",
    "review",
    "review_reference_number",
    "amstar2_rating",
    "outcome",
    "outcome_domain",
    "direction_of_benefit",
    "evidence_type",
    "population_note",
    "format_note",
    "comparator",
    "timepoint",
    "months_from",
    "months_to",
    "timepoint_note",
    "k",
    "n",
    "measure",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "model",
    "tau2",
    "i2_percent",
    "i2_ci_low",
    "i2_ci_high",
    "q",
    "df",
    "p_q",
    "pi_low",
    "pi_high",
    "grade_certainty",
    "finding",
    "derived_finding",
    "finding_override_reason",
    "consistency_warning",
    "narrative_summary",
    "note",
    "source_location",
    "checked",
    "extraction_id",
]
NUMERIC = ["review_reference_number", "months_from", "months_to", "k", "n", "estimate",
           "ci_low", "ci_high", "p_value", "tau2", "i2_percent", "i2_ci_low", "i2_ci_high",
           "q", "df", "p_q", "pi_low", "pi_high"]  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: object) -> object:
    """Neutralise CSV/formula injection in text; leave numbers and empty cells alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def result_record(result: OutcomeResult) -> dict:
    review, outcome = result.review, result.outcome
    return {
        "umbrella_review": review.umbrella.slug,
        "review": review.label,
        "review_reference_number": review.reference_number,
        "amstar2_rating": rating_for(result),
        "outcome": outcome.name,
        "outcome_domain": outcome.domain.name,
        "direction_of_benefit": outcome.direction,
        "evidence_type": result.evidence_type,
        "population_note": result.population_note,
        "format_note": result.format_note,
        "comparator": result.comparator,
        "timepoint": result.timepoint,
        "months_from": result.months_from,
        "months_to": result.months_to,
        "timepoint_note": result.timepoint_note,
        "k": result.k,
        "n": result.n,
        "measure": result.measure,
        "estimate": result.estimate,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "p_value": result.p_value,
        "model": result.pooling_model,
        "tau2": result.tau2,
        "i2_percent": result.i2_percent,
        "i2_ci_low": result.i2_ci_low,
        "i2_ci_high": result.i2_ci_high,
        "q": result.q,
        "df": result.df,
        "p_q": result.p_q,
        "pi_low": result.pi_low,
        "pi_high": result.pi_high,
        "grade_certainty": result.grade_certainty,
        "finding": result.finding,
        "derived_finding": result.derived_finding,
        "finding_override_reason": result.finding_override_reason,
        "consistency_warning": result.consistency_warning,
        "narrative_summary": result.narrative_summary,
        "note": result.note,
        "source_location": result.source_location,
        "checked": result.checked_by_id is not None,
        "extraction_id": result.extraction_id,
    }


def results_frame(results: Iterable[OutcomeResult]) -> pd.DataFrame:
    frame = pd.DataFrame([result_record(r) for r in results], columns=COLUMNS)
    frame[NUMERIC] = frame[NUMERIC].apply(pd.to_numeric)
    text = [c for c in COLUMNS if c not in NUMERIC and c != "checked"]
    frame[text] = frame[text].map(escape_formula)
    return frame


def to_csv(frame: pd.DataFrame) -> bytes:
    # UTF-8 with a byte-order mark, so spreadsheet programs read "τ²" and "–" correctly.
    return frame.to_csv(index=False).encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame) -> bytes:
    buffer = BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="Evidence")
    return buffer.getvalue()
