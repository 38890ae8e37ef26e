"""The AMSTAR 2 table as a data frame, written as CSV or XLSX with stable column names."""

import io

import pandas as pd

from reviews.formulas import escape_formula

from . import amstar2
from .selectors import AppraisalRow

ITEM_COLUMNS = [f"item_{n}" for n in amstar2.ITEM_NUMBERS]
COLUMNS = ["review", "year", "review_type", *ITEM_COLUMNS, "overall", "rating_source", "variant"]


def appraisal_frame(rows: list[AppraisalRow]) -> pd.DataFrame:
    records = [
        {
            "review": row.review.label,
            "year": row.review.year,
            "review_type": row.review.review_type,
            **{f"item_{item}": answer for item, answer, _ in row.cells()},
            "overall": row.rating,
            "rating_source": row.rating_source,
            "variant": row.variant.code if row.variant else "",
        }
        for row in rows
    ]
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    return frame.astype({"year": "Int64"})


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Text that a spreadsheet would run as a formula escaped (`reviews.formulas`); numbers stay."""
    text = [str(name) for name, col in frame.items() if not pd.api.types.is_numeric_dtype(col)]
    return frame.assign(**{name: frame[name].map(escape_formula) for name in text})


def render(frame: pd.DataFrame, fmt: str) -> tuple[bytes, str]:
    """Bytes and content type of the frame as `csv` or `xlsx`."""
    frame = neutralise_formulas(frame)
    if fmt == "csv":
        return frame.to_csv(index=False).encode("utf-8"), "text/csv; charset=utf-8"
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name="AMSTAR 2")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return buffer.getvalue(), xlsx
