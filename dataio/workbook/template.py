"""The downloadable template: a README sheet describing every column, then one empty sheet each."""

from __future__ import annotations

from .columns import CHOICE, LIST_SEPARATOR, REF, REFS, USERS
from .spec import sheets

README_HEADER = [
    "sheet",
    "column",
    "type",
    "required",
    "natural key",
    "allowed values",
    "description",
]
INTRO = [
    "One sheet per entity; the first row holds the column names. References name rows by "
    "natural key, never by database id. See docs/data-format.md.",
    "Numbers must be number cells (text that looks like a number is refused); dates are date "
    "cells or YYYY-MM-DD; true/false are boolean cells or the words true / false.",
    "Import: python manage.py import_workbook FILE --project SLUG [--dry-run] [--update]",
]


def allowed(column) -> str:
    if column.kind == CHOICE:
        return ", ".join(column.choices)
    if column.kind == REF and column.ref == USERS:
        return "the username of an existing account"
    if column.kind == REF:
        return f"a key of sheet '{column.ref}'"
    if column.kind == REFS:
        return f"keys of sheet '{column.ref}', separated by '{LIST_SEPARATOR}'"
    return ""


def readme_rows() -> list[list[str]]:
    rows = [[line] for line in INTRO]
    rows.append([])
    rows.append(README_HEADER)
    for sheet in sheets():
        rows.append([sheet.name, "", "", "", ", ".join(sheet.key), "", sheet.description])
        for column in sheet.columns:
            rows.append(
                [
                    sheet.name,
                    column.name,
                    column.kind,
                    "yes" if column.required else "no",
                    "yes" if column.name in sheet.key else "",
                    allowed(column),
                    column.description,
                ]
            )
    return rows


def template_bytes() -> bytes:
    """The empty workbook with its README sheet."""
    from .export import xlsx_bytes

    return xlsx_bytes({s.name: ([c.name for c in s.columns], []) for s in sheets()})
