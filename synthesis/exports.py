"""Exports of any filtered evidence table as CSV or XLSX (pandas), with stable column names.

The column names are a published interface (docs/evidence-tables.md, "Exports"): add columns
at the end, never rename or reorder. The result's own columns come from `RESULT_FIELDS`
(synthesis/models/results.py). Text cells that a spreadsheet would run as a formula are escaped
by `reviews.formulas.escape_formula`; numbers stay numbers.
"""

from collections.abc import Iterable
from io import BytesIO
from typing import Any

import pandas as pd

from reviews.formulas import escape_formula

from .models import NUMBER_FIELDS, RESULT_FIELDS, OutcomeResult, ResultField
from .selectors.ratings import rating_for

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


def to_csv(frame: pd.DataFrame) -> bytes:
    # UTF-8 with a byte-order mark, so spreadsheet programs read "τ²" and "–" correctly.
    return frame.to_csv(index=False).encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame) -> bytes:
    buffer = BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="Evidence")
    return buffer.getvalue()
