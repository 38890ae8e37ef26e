"""The AMSTAR 2 table as a data frame, written as CSV or XLSX with stable column names."""

import io

import pandas as pd

from reviews.csvfiles import frame_csv
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


# robvis (McGuinness & Higgins 2021) plots a "generic" table (its ROB1 template): Study, one
# column per domain, Overall, Weight. Its colours follow its judgement words, so AMSTAR 2's
# answers and ratings are written as the words whose colours mean the same (docs/exchange.md).
ROBVIS_ANSWERS: dict[str, str] = {
    amstar2.Answer.YES: "Low",
    amstar2.Answer.PARTIAL_YES: "Some concerns",
    amstar2.Answer.NO: "High",
    amstar2.Answer.NO_META_ANALYSIS: "No information",
}
ROBVIS_OVERALL = {
    "high": "Low",
    "moderate": "Some concerns",
    "low": "High",
    "low_or_critically_low": "Critical",
    "critically_low": "Critical",
}
ROBVIS_ITEMS = [f"Item {n}" for n in amstar2.ITEM_NUMBERS]


def robvis_frame(rows: list[AppraisalRow]) -> pd.DataFrame:
    """One row per rated review: its consensus answers (empty when only a published rating
    is known), its overall confidence and a weight of 1 (robvis needs the column)."""
    records = [
        {
            "Study": row.review.label,
            **{f"Item {item}": ROBVIS_ANSWERS.get(answer, "") for item, answer, _ in row.cells()},
            "Overall": ROBVIS_OVERALL[row.rating],
            "Weight": 1,
        }
        for row in rows
        if row.rating
    ]
    return pd.DataFrame.from_records(records, columns=["Study", *ROBVIS_ITEMS, "Overall", "Weight"])


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Text that a spreadsheet would run as a formula escaped (`reviews.formulas`); numbers stay."""
    text = [str(name) for name, col in frame.items() if not pd.api.types.is_numeric_dtype(col)]
    return frame.assign(**{name: frame[name].map(escape_formula) for name in text})


def render(frame: pd.DataFrame, fmt: str, *, for_r: bool = False) -> tuple[bytes, str]:
    """Bytes and content type of the frame as `csv` or `xlsx`; `for_r`: a CSV whose reader is
    R's `read.csv` (robvis), written without a byte-order mark (`reviews.csvfiles`)."""
    frame = neutralise_formulas(frame)
    if fmt == "csv":
        return frame_csv(frame, bom=not for_r), "text/csv; charset=utf-8"
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name="AMSTAR 2")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return buffer.getvalue(), xlsx
