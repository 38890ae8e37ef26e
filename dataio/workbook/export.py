"""Writing a project in the workbook format: an XLSX file or a folder of CSVs.

Rows are sorted by natural key and the XLSX package is written with fixed timestamps, so
exporting the same data twice gives byte-identical files (the round-trip tests compare
bytes). Text that a spreadsheet would run as a formula is escaped with a leading quote by
`reviews.formulas.escape_formula`; the reader undoes it; numbers stay numbers, and a negative
zero (PostgreSQL keeps the sign of a zero, SQLite does not) is written as 0, the same number,
so equal data gives equal files on either database and a file read back exports unchanged.

What a download holds of the AMSTAR 2 appraisals follows the blinding rule of the pages
(`appraisal.visibility.exported_appraisals`: the appraisals the user may read, usernames for
appraisers only); the `export_workbook` command, run on the server by whoever holds the
database, writes everything.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import openpyxl

from appraisal.models import Appraisal, ItemAnswer
from appraisal.visibility import ExportScope
from reviews import csvfiles
from reviews.formulas import escape_formula
from reviews.models import UmbrellaReview

from ..relations import many_to_many
from .columns import LIST_SEPARATOR, REFS, USERS, Sheet
from .read import README_SHEET
from .spec import sheets
from .template import readme_rows

_FIXED_TIME = "2000-01-01T00:00:00Z"


def _sort_key(row: tuple) -> tuple:
    return tuple((0, "") if v is None else (1, v) for v in row)


def _links(sheet: Sheet, column, umbrella) -> dict[int, list[str]]:
    m2m = many_to_many(sheet.model, column.field)
    through, source, target = m2m.through, m2m.source, m2m.target
    (target_key,) = next(s for s in sheets() if s.name == column.ref).key
    rows = through._default_manager.filter(**{f"{source}__{sheet.scope}": umbrella})
    names: dict[int, list[str]] = defaultdict(list)
    for owner, name in rows.values_list(f"{source}_id", f"{target}__{target_key}"):
        names[owner].append(name)
    return {owner: sorted(found) for owner, found in names.items()}


def _blinded(sheet: Sheet, rows, scope: ExportScope | None):
    """Only the appraisals (and their answers) the export's reader may see."""
    if scope is None:
        return rows
    if sheet.model is Appraisal:
        return rows.filter(pk__in=scope.appraisals.values("pk"))
    if sheet.model is ItemAnswer:
        return rows.filter(appraisal__in=scope.appraisals.values("pk"))
    return rows


def sheet_rows(
    sheet: Sheet, umbrella: UmbrellaReview, scope: ExportScope | None = None
) -> list[list[Any]]:
    """The sheet's rows for one project, in column order, sorted by natural key; with a
    `scope`, only the appraisals it holds, and usernames only if it shows them."""
    if sheet.name == "project":
        return [[getattr(umbrella, c.field) for c in sheet.columns]]
    rows = sheet.model._default_manager.filter(**{sheet.scope: umbrella}, **sheet.export_filter)
    rows = _blinded(sheet, rows, scope)
    plain = [c for c in sheet.columns if c.kind != REFS]
    lists = {c.name: _links(sheet, c, umbrella) for c in sheet.columns if c.kind == REFS}
    out = []
    for pk, *values in rows.values_list("pk", *[c.path for c in plain]).iterator(5000):
        by_name = dict(zip([c.name for c in plain], values, strict=True))
        for name, found in lists.items():
            by_name[name] = LIST_SEPARATOR.join(found.get(pk, []))
        if scope is not None and not scope.usernames:
            by_name.update({c.name: None for c in plain if c.ref == USERS})
        out.append([by_name[c.name] for c in sheet.columns])
    key_positions = [[c.name for c in sheet.columns].index(k) for k in sheet.key]
    out.sort(key=lambda r: _sort_key(tuple(r[i] for i in key_positions)))
    return out


def _cell(value: Any) -> Any:
    if value.__class__ is float:
        # -0.0 + 0.0 is 0.0 and every other float is unchanged: an XLSX cell "-0" reads
        # back as 0, so a negative zero would not survive a round trip.
        return value + 0.0
    return escape_formula(value)


def _escaped(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows with formula-like text escaped (the reader's `unescape_formula` undoes it) and
    negative zeros written as 0."""
    return [[_cell(value) for value in row] for row in rows]


def project_tables(
    umbrella: UmbrellaReview, scope: ExportScope | None = None
) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Every sheet of the project; `scope` (a download's) limits the appraisals, None: all."""
    return {
        s.name: ([c.name for c in s.columns], _escaped(sheet_rows(s, umbrella, scope)))
        for s in sheets()
    }


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    """One sheet as a CSV file in the one dialect (`reviews.csvfiles`: RFC 4180, so a line break
    inside a text is quoted and stays in its row; UTF-8 with a byte-order mark for Excel)."""
    return csvfiles.csv_bytes([header, *([_csv_cell(v) for v in row] for row in rows)])


def _fixed_zip(data: bytes) -> bytes:
    """The same package with fixed entry times and document dates (reproducible bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                    rb"\g<1>" + _FIXED_TIME.encode(),
                    content,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return out.getvalue()


def xlsx_bytes(tables: dict[str, tuple[list[str], list[list[Any]]]]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    readme = book.create_sheet(README_SHEET)
    for row in readme_rows():
        readme.append(row)
    for name, (header, rows) in tables.items():
        worksheet = book.create_sheet(name)
        worksheet.append(header)
        for row in rows:
            worksheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue())


def export_workbook(umbrella: UmbrellaReview, path: Path) -> list[Path]:
    """Write the project to `path`: an .xlsx file, else a folder of one CSV per sheet."""
    path = Path(path)
    tables = project_tables(umbrella)
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(xlsx_bytes(tables))
        return [path]
    path.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (header, rows) in tables.items():
        target = path / f"{name}.csv"
        target.write_bytes(csv_bytes(header, rows))
        written.append(target)
    return written


def csv_zip_bytes(tables: dict[str, tuple[list[str], list[list[Any]]]]) -> bytes:
    """All sheets as CSV files in one ZIP (the browser's "Export CSV" download)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (header, rows) in tables.items():
            info = zipfile.ZipInfo(f"{name}.csv", date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, csv_bytes(header, rows))
    return out.getvalue()
