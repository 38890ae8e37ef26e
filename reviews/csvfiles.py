"""The one CSV dialect every file and download the project writes uses. No Django imports.

RFC 4180: fields separated by commas, lines ending in CRLF, a field holding a comma, a double
quote, a carriage return or a line feed put in double quotes (a quote inside doubled). The line
end matters beyond style: Python's `csv` writer and pandas' `to_csv` quote a cell holding any
character of their line terminator only, so with "\n" a pasted "\r" is written bare — and Excel,
R's `read.csv` and Python's `csv` reader all take it for the end of the row, shifting every row
after it. With CRLF every line break inside a cell is quoted.

Encoding: UTF-8, with a byte-order mark (`BOM`) unless the caller says the file's documented
reader is R's `read.csv` (metaumbrella's input, the ccaR citation matrix, the robvis table):
Excel needs the mark to read "τ²" and "–" as UTF-8, while `read.csv` keeps it in the first
column's name ("X.U.FEFF.meta_review"), which those packages then cannot find. Our own readers
(`utf-8-sig`) accept either. Formula escaping is the writers' job (`reviews.formulas`), done
before the cells reach here, since only a writer knows which of its columns hold text.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

LINE_END = "\r\n"
BOM = "\ufeff"


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """The rows (the header first) as RFC 4180 text; None is written as an empty cell."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=LINE_END).writerows(rows)
    return buffer.getvalue()


def encode(text: str, *, bom: bool = True) -> bytes:
    """CSV text as the bytes of a file: UTF-8, with the byte-order mark unless `bom` is False."""
    return ((BOM if bom else "") + text).encode("utf-8")


def csv_bytes(rows: Iterable[Sequence[object]], *, bom: bool = True) -> bytes:
    """The rows (the header first) as the bytes of a CSV file."""
    return encode(csv_text(rows), bom=bom)


def frame_csv(frame: pd.DataFrame, *, bom: bool = True) -> bytes:
    """A data frame (its columns as the header, no index) as the bytes of a CSV file; pandas
    writes the cells (missing values empty, numbers as it prints them)."""
    return encode(frame.to_csv(index=False, lineterminator=LINE_END), bom=bom)


def read_text(path: Path) -> str:
    """A CSV file's text for `csv.reader`: UTF-8 with or without the byte-order mark, and line
    ends as written (`newline=""`), so a carriage return quoted in a cell stays one rather than
    becoming a line feed. Raises UnicodeDecodeError for a file that is not UTF-8."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return handle.read()
