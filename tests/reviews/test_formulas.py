"""The one spreadsheet-formula escaper (reviews/formulas.py) and its inverse."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviews.formulas import FORMULA_STARTS, escape_formula, unescape_formula


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ('=HYPERLINK("http://example.org")', '\'=HYPERLINK("http://example.org")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("'=already quoted", "''=already quoted"),  # one more quote, so unescaping is exact
        ("Sledge 2011", "Sledge 2011"),
        ("it's fine", "it's fine"),
        ("", ""),
    ],
)
def test_formula_starts_get_one_apostrophe(text, escaped):
    assert escape_formula(text) == escaped
    assert unescape_formula(escaped) == text


def test_numbers_dates_and_empty_cells_pass_unchanged():
    assert escape_formula(-0.3) == -0.3
    assert escape_formula(-2) == -2
    assert escape_formula(None) is None
    assert escape_formula(True) is True


def test_the_starts_are_those_of_the_owasp_advice():
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


@given(st.text(alphabet="'=+-@\t\rab 1", max_size=8))
def test_unescaping_gives_back_any_text(text):
    escaped = escape_formula(text)
    assert not escaped.startswith(FORMULA_STARTS)
    assert unescape_formula(escaped) == text
