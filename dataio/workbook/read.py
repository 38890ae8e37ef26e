"""Reading a workbook (one XLSX, a folder of CSVs, or one CSV named after its sheet) into rows.

Types are strict, and every bad cell becomes a `Problem` naming sheet, row, column and value:
in an XLSX file a number column takes number cells only (text that looks like a number is
refused, since it is how a figure silently becomes a string); a CSV file has only text, so
there a number column takes text that parses exactly as a number. Row numbers are those a
spreadsheet shows (the header is row 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from reviews.formulas import unescape_formula

from .columns import BOOLEAN, CHOICE, DATE, INTEGER, LIST_SEPARATOR, NUMBER, REF, REFS, TEXT, Sheet
from .spec import sheet_by_name

README_SHEET = "README"
_INTEGER = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    bad: set[str] = field(default_factory=set)  # columns whose cell could not be read


@dataclass
class Table:
    sheet: Sheet
    columns: tuple[str, ...]  # the columns present in the file (others are left untouched)
    rows: list[Row] = field(default_factory=list)
    broken: bool = False  # the header was refused: its rows were not read


class CellError(ValueError):
    pass


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError("expected text, found a true/false cell")
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, dt.datetime | dt.date):
        raise CellError("expected text, found a date cell")
    return unescape_formula(str(value))


def _number_text_of(value: str, from_csv: bool, pattern: re.Pattern[str]) -> str:
    """A CSV cell's text if it is a number as `pattern` writes it, else "". An XLSX cell has
    types, so a number stored there as text is refused: it is how a figure becomes a string."""
    if not from_csv:
        raise CellError("a number stored as text: enter it as a number cell")
    text = value.strip()
    return text if pattern.match(text) else ""


def _integer(value: Any, from_csv: bool) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError("expected a whole number, found a true/false cell")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError("expected a whole number")
    if isinstance(value, str) and (text := _number_text_of(value, from_csv, _INTEGER)):
        return int(text)
    raise CellError("expected a whole number")


def _float(value: Any, from_csv: bool) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError("expected a number, found a true/false cell")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError("expected a finite number")
        return float(value)
    if isinstance(value, str) and (text := _number_text_of(value, from_csv, _NUMBER)):
        return float(text)
    raise CellError("expected a number")


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise CellError("expected a date without a time of day")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CellError("expected a date (YYYY-MM-DD)")


def _boolean(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    raise CellError("expected true or false (blank: not reported)")


def convert(kind: str, value: Any, *, from_csv: bool, choices=()) -> Any:
    """One cell as the column's type; raise CellError with the reason."""
    if kind == INTEGER:
        return _integer(value, from_csv)
    if kind == NUMBER:
        return _float(value, from_csv)
    if kind == DATE:
        return _date(value)
    if kind == BOOLEAN:
        return _boolean(value)
    text = _text(value)
    if kind == CHOICE and text and text not in choices:
        raise CellError(f"not an allowed value; allowed: {', '.join(choices)}")
    if kind == REFS:
        return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]
    if kind == REF:
        return text.strip()
    return text


def _table(sheet: Sheet, raw_rows, from_csv: bool, problems: list[Problem]) -> Table | None:
    rows = iter(raw_rows)
    header = next(rows, None)
    if header is None:
        return Table(sheet, ())
    names = [_shown(cell).strip() for cell in header]
    while names and not names[-1]:
        names.pop()
    known = sheet.by_name
    bad = False
    for position, name in enumerate(names, start=1):
        if name not in known:
            reason = f"unknown column (known: {', '.join(known)})" if name else "blank header"
            problems.append(Problem(sheet.name, 1, name or f"column {position}", name, reason))
            bad = True
        elif names.index(name) != position - 1:
            problems.append(Problem(sheet.name, 1, name, name, "column given twice"))
            bad = True
    for column in sheet.columns:
        if column.required and column.name not in names:
            problems.append(Problem(sheet.name, 1, column.name, "", "required column is missing"))
            bad = True
    if bad:
        return Table(sheet, (), broken=True)
    table = Table(sheet, tuple(names))
    readers = [(name, _reader(known[name], from_csv)) for name in names]
    width = len(names)
    for number, cells in enumerate(rows, start=2):
        cells = list(cells)[:width]
        if all(cell is None or cell == "" for cell in cells):
            continue
        cells += [None] * (width - len(cells))
        values: dict[str, Any] = {}
        unreadable: set[str] = set()
        for (name, reader), cell in zip(readers, cells, strict=True):
            try:
                values[name] = reader(cell)
            except CellError as error:
                problems.append(Problem(sheet.name, number, name, _shown(cell), str(error)))
                unreadable.add(name)
        table.rows.append(Row(number, values, unreadable))
    return table


def _reader(column, from_csv: bool):
    """`convert` for one column, with the common case (a plain text or key cell) made short."""
    kind, choices = column.kind, column.choices
    plain = {TEXT: str, REF: str.strip}.get(kind)

    def read(cell):
        if plain is not None and cell.__class__ is str:
            return plain(unescape_formula(cell))
        return convert(kind, cell, from_csv=from_csv, choices=choices)

    return read


def _known(name: str, where: str, problems: list[Problem]) -> Sheet | None:
    sheet = sheet_by_name().get(name)
    if sheet is None:
        known = ", ".join(sheet_by_name())
        problems.append(Problem(name, None, "", where, f"unknown sheet (known: {known})"))
    return sheet


def _read_csv(path: Path, tables: dict[str, Table], problems: list[Problem]) -> None:
    sheet = _known(path.stem, path.name, problems)
    if sheet is None:
        return
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            table = _table(sheet, list(csv.reader(handle)), True, problems)
    except (UnicodeDecodeError, csv.Error) as error:
        problems.append(Problem(sheet.name, None, "", path.name, f"not a UTF-8 CSV file: {error}"))
        return
    if table is not None:
        tables[sheet.name] = table


def read_workbook(path: Path) -> tuple[dict[str, Table], list[Problem]]:
    """Tables by sheet name, and every problem of structure or type found while reading."""
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.glob("*.csv") if p.stem != README_SHEET)
        if not files:
            problems.append(Problem("", None, "", str(path), "no .csv files in this folder"))
        for csv_path in files:
            _read_csv(csv_path, tables, problems)
    elif path.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory() as folder:
            try:
                with zipfile.ZipFile(path) as archive:
                    for member in archive.namelist():
                        name = Path(member).name  # never a path outside the folder
                        if name.lower().endswith(".csv"):
                            (Path(folder) / name).write_bytes(archive.read(member))
            except zipfile.BadZipFile as error:
                problems.append(Problem("", None, "", path.name, f"not a readable ZIP: {error}"))
                return tables, problems
            return read_workbook(Path(folder))
    elif path.suffix.lower() == ".csv":
        _read_csv(path, tables, problems)
    elif path.suffix.lower() == ".xlsx":
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises zipfile, KeyError, InvalidFileException…
            problems.append(Problem("", None, "", path.name, f"not a readable XLSX file: {error}"))
            return tables, problems
        try:
            for worksheet in book.worksheets:
                if worksheet.title == README_SHEET:
                    continue
                sheet = _known(worksheet.title, path.name, problems)
                if sheet is not None:
                    raw = worksheet.iter_rows(values_only=True)
                    table = _table(sheet, raw, False, problems)
                    if table is not None:
                        tables[sheet.name] = table
        finally:
            book.close()
    else:
        problems.append(
            Problem("", None, "", path.name, "expected an .xlsx, .csv or .zip file, or a folder")
        )
    return tables, problems
