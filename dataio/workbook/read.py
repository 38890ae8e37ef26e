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
import io
import math
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import openpyxl

from reviews.formulas import unescape_formula

from .archive import ArchiveRefused, Limits, check_archive, open_member
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


def _table(sheet: Sheet, raw_rows, from_csv: bool, problems: list[Problem], progress) -> Table:
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
        if number % 10000 == 0:
            progress(sheet.name, len(table.rows), 0)
    progress(sheet.name, len(table.rows), 0)
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


def _read_csv(stream, filename: str, tables: dict[str, Table], problems: list[Problem], progress):
    """One CSV sheet from a binary stream, read row by row (never whole into memory)."""
    with stream:
        sheet = _known(PurePosixPath(filename).stem, filename, problems)
        if sheet is None:
            return
        if sheet.name in tables:
            problems.append(Problem(sheet.name, None, "", filename, "this sheet is given twice"))
            return
        try:
            handle = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
            tables[sheet.name] = _table(sheet, csv.reader(handle), True, problems, progress)
        except (UnicodeDecodeError, csv.Error) as error:
            reason = f"cannot be read as a UTF-8 CSV file: {error}"
            problems.append(Problem(sheet.name, None, "", filename, reason))


def _read_zip(path: Path, shown: str, tables, problems, progress) -> None:
    limits = Limits.from_settings()
    with zipfile.ZipFile(path) as archive:
        check_archive(archive, limits, name=shown)
        members = sorted(
            (
                info
                for info in archive.infolist()
                if info.filename.lower().endswith(".csv")
                and PurePosixPath(info.filename).stem != README_SHEET
                # macOS's Archive Utility adds "__MACOSX/._name.csv" copies of its metadata.
                and not PurePosixPath(info.filename).name.startswith("._")
            ),
            key=lambda info: PurePosixPath(info.filename).name,
        )
        if not members:
            problems.append(Problem("", None, "", shown, "no .csv files in this ZIP"))
        for info in members:
            stream = open_member(archive, info, limits, name=shown)
            # Only the member's own name: never a folder inside the ZIP or on the server.
            _read_csv(stream, PurePosixPath(info.filename).name, tables, problems, progress)


class _Unreadable(Exception):
    """openpyxl could not parse the package (its message may quote the server's file name)."""


def _rows(worksheet):
    try:
        yield from worksheet.iter_rows(values_only=True)
    except (ArchiveRefused, zipfile.BadZipFile):
        raise
    except Exception as error:  # a damaged sheet: XML syntax, forbidden entities, bad values
        raise _Unreadable(error) from None


def _read_xlsx(path: Path, shown: str, tables, problems, progress) -> None:
    with zipfile.ZipFile(path) as archive:  # an XLSX file is a ZIP package: same limits
        check_archive(archive, Limits.from_settings(), name=shown)
    # Read-only mode streams each sheet's XML; openpyxl parses it with defusedxml when that
    # is installed (it is a dependency), so entity-expansion bombs are refused too.
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError, InvalidFileException…
        raise _Unreadable(error) from None
    try:
        for worksheet in book.worksheets:
            if worksheet.title == README_SHEET:
                continue
            sheet = _known(worksheet.title, shown, problems)
            if sheet is not None:
                table = _table(sheet, _rows(worksheet), False, problems, progress)
                tables[sheet.name] = table
    finally:
        book.close()


# What a damaged package raises while it is read (zipfile, zlib, the XLSX parser).
_UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, _Unreadable)


def read_tables(
    tables: dict[str, tuple[list[str], list[list[Any]]]],
) -> tuple[dict[str, Table], list[Problem]]:
    """Tables from typed rows as the exporter makes them (`export.project_tables`: a header
    and rows of Python values per sheet), checked cell by cell exactly as the cells of an
    XLSX file are: the same import without writing and parsing a file (a release's copy)."""
    found: dict[str, Table] = {}
    problems: list[Problem] = []
    for name, (header, rows) in tables.items():
        sheet = _known(name, name, problems)
        if sheet is not None:
            found[sheet.name] = _table(sheet, [header, *rows], False, problems, lambda *_: None)
    return found, problems


def read_workbook(
    path: Path, *, name: str = "", progress: Callable[[str, int, int], None] | None = None
) -> tuple[dict[str, Table], list[Problem]]:
    """Tables by sheet name, and every problem of structure or type found while reading.

    `name` is the file's name as the user gave it (an upload is stored under a random name):
    a single CSV's sheet comes from it, and messages name it, never a path on the server.
    `progress(sheet, rows read, 0)` is called now and then while rows are read."""
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    path = Path(path)
    shown = name or path.name
    progress = progress or (lambda *_: None)
    suffix = path.suffix.lower()
    if path.is_dir():
        files = sorted(p for p in path.glob("*.csv") if p.stem != README_SHEET)
        if not files:
            problems.append(Problem("", None, "", shown, "no .csv files in this folder"))
        for csv_path in files:
            _read_csv(csv_path.open("rb"), csv_path.name, tables, problems, progress)
    elif suffix == ".csv":
        _read_csv(path.open("rb"), Path(shown).name, tables, problems, progress)
    elif suffix in (".zip", ".xlsx"):
        reader = _read_zip if suffix == ".zip" else _read_xlsx
        try:
            reader(path, shown, tables, problems, progress)
        except ArchiveRefused as error:
            return {}, [Problem("", None, "", shown, f"refused: {error}")]
        except _UNREADABLE as error:
            # Some messages quote the file opened, the server's random name: show the user's.
            server_name = f"{re.escape(str(path))}|{re.escape(path.name)}"
            message = re.sub(server_name, lambda _: shown, str(error))
            kind = "ZIP" if suffix == ".zip" else "XLSX file"
            return {}, [Problem("", None, "", shown, f"not a readable {kind}: {message}")]
    else:
        problems.append(
            Problem("", None, "", shown, "expected an .xlsx, .csv or .zip file, or a folder")
        )
    return tables, problems
