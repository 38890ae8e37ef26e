"""Exports of any filtered evidence table as CSV or XLSX (pandas), with stable column names.

The column names are a published interface (docs/evidence-tables.md, "Exports"): add columns
at the end, never rename or reorder. The result's own columns come from `RESULT_FIELDS`
(synthesis/models/results.py). Text cells that a spreadsheet would run as a formula are escaped
by `reviews.formulas.escape_formula`; numbers stay numbers. CSVs are written in the one dialect
(`reviews.csvfiles`: RFC 4180, UTF-8 with a byte-order mark).
"""

from collections.abc import Iterable
from io import BytesIO
from typing import Any

import pandas as pd
from django.http import HttpResponse

from reviews.csvfiles import frame_csv
from reviews.formulas import escape_formula

from .models import NUMBER_FIELDS, RESULT_FIELDS, OutcomeResult, ResultField
from .selectors.ratings import rating_for
from .selectors.summary_of_findings import SummaryOfFindings

# The result's own values are those `RESULT_FIELDS` declares, in its order; around them, the
# review and the outcome it is about, by name.
REVIEW_COLUMNS = ["umbrella_review", "review", "review_reference_number", "amstar2_rating"]
OUTCOME_COLUMNS = ["outcome", "outcome_domain", "direction_of_benefit"]
LAST_COLUMNS = ["checked", "extraction_id"]


def _columns(field: ResultField) -> list[str]:
    return OUTCOME_COLUMNS if field.name == "outcome" else [field.export_column]


COLUMNS = [*REVIEW_COLUMNS, *(c for f in RESULT_FIELDS for c in _columns(f)), *LAST_COLUMNS]
NUMERIC = ["review_reference_number", *NUMBER_FIELDS]


def result_record(result: OutcomeResult) -> dict[str, Any]:
    review, outcome = result.review, result.outcome
    return {
        "umbrella_review": review.umbrella.slug,
        "review": review.label,
        "review_reference_number": review.reference_number,
        "amstar2_rating": rating_for(result),
        "outcome": outcome.name,
        "outcome_domain": outcome.domain.name,
        "direction_of_benefit": outcome.direction,
        **{f.export_column: getattr(result, f.name) for f in RESULT_FIELDS if f.name != "outcome"},
        "checked": result.checked_by_id is not None,
        "extraction_id": result.extraction_id,
    }


def results_frame(results: Iterable[OutcomeResult]) -> pd.DataFrame:
    frame = pd.DataFrame([result_record(r) for r in results], columns=COLUMNS)
    frame[NUMERIC] = frame[NUMERIC].apply(pd.to_numeric)
    text = [c for c in COLUMNS if c not in NUMERIC and c != "checked"]
    frame[text] = frame[text].map(escape_formula)
    return frame


def to_xlsx(frame: pd.DataFrame) -> bytes:
    buffer = BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="Evidence")
    return buffer.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(frame: pd.DataFrame, name: str, fmt: str) -> HttpResponse:
    """The frame as a CSV or XLSX attachment named `name.fmt`."""
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx(frame), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(frame_csv(frame), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# The summary of findings' columns: published like the evidence export's (add at the end).
SUMMARY_COLUMNS = [
    "outcome", "outcome_domain", "reviews", "meta_analyses", "summary", "selected_review",
    "selected_by", "override_reason", "timepoint", "measure", "estimate", "ci_low", "ci_high",
    "k", "n", "grade_certainty", "credibility", "cca_percent", "cca_band", "amstar2_rating",
    "discordance", "statement", "differs_from_project_rule",
]  # fmt: skip
SUMMARY_NUMERIC = ["reviews", "meta_analyses", "estimate", "ci_low", "ci_high", "k", "n",
                   "cca_percent"]  # fmt: skip


def summary_records(sof: SummaryOfFindings) -> list[dict[str, Any]]:
    """The summary-of-findings rows as plain values (the export's columns; the API's rows)."""
    records = []
    for row in sof.rows:
        result = row.selected
        records.append({
            "outcome": row.outcome.name,
            "outcome_domain": row.outcome.domain.name,
            "reviews": row.n_reviews,
            "meta_analyses": row.n_meta_analyses,
            "summary": row.summary,
            "selected_review": result.review.label if result else "",
            "selected_by": row.reason,
            "override_reason": row.override_reason,
            "timepoint": result.get_timepoint_display() if result else "",
            "measure": result.measure if result else "",
            **{name: getattr(result, name) if result else None
               for name in ("estimate", "ci_low", "ci_high", "k", "n")},
            "grade_certainty": result.grade_certainty if result else "",
            "credibility": row.credibility.label if row.credibility else "",
            "credibility_conventions": row.credibility.conventions if row.credibility else "",
            "cca_percent": row.cca_percent,
            "cca_band": row.cca_band,
            "amstar2_rating": row.rating,
            "discordance": "; ".join(d.label for d in row.discord),
            "statement": row.statement.text if row.statement else "",
            "differs_from_project_rule": row.changed,
        })  # fmt: skip
    return records


def summary_frame(sof: SummaryOfFindings) -> pd.DataFrame:
    frame = pd.DataFrame(summary_records(sof), columns=SUMMARY_COLUMNS)
    frame[SUMMARY_NUMERIC] = frame[SUMMARY_NUMERIC].apply(pd.to_numeric)
    text = [c for c in SUMMARY_COLUMNS if c not in SUMMARY_NUMERIC]
    text.remove("differs_from_project_rule")
    frame[text] = frame[text].map(escape_formula)
    return frame
