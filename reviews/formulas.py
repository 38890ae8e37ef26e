"""Spreadsheet-formula escaping for every CSV and XLSX the project writes. No Django imports.

A spreadsheet program runs a cell that starts with `=`, `+`, `-` or `@` as a formula, and some
also run one that starts with a tab or a carriage return (OWASP, "CSV Injection"). Every writer
(the evidence-table and AMSTAR 2 exports, the overlap matrix, the project workbook) passes its
text cells through `escape_formula`, which puts an apostrophe in front; numbers stay numbers.
Text that already starts with apostrophes before such a character gets one more, so that
`unescape_formula`, which the workbook reader applies, gives back exactly the text stored.
"""

import re
from typing import TypeVar

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_STARTS = re.escape("".join(FORMULA_STARTS))
_NEEDS_QUOTE = re.compile(f"^'*[{_STARTS}]")
_QUOTED = re.compile(f"^'+[{_STARTS}]")

Cell = TypeVar("Cell")


def escape_formula(value: Cell) -> Cell | str:
    """The cell as a spreadsheet shows it without running it: text that would run as a formula
    gets a leading apostrophe; numbers, dates and empty cells are returned unchanged."""
    if isinstance(value, str) and _NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def unescape_formula(text: str) -> str:
    """The text `escape_formula` was given: one leading apostrophe before quotes and a formula
    start goes; any other text is returned unchanged."""
    return text[1:] if _QUOTED.match(text) else text
