"""metaumbrella's columns and our conventions, as plain values (no database)."""

import pytest

from dataio.metaumbrella.columns import (
    factor_name,
    join_label,
    number_text,
    parse_factor,
    split_label,
)


@pytest.mark.parametrize(
    ("label", "year", "expected"),
    [
        ("Sledge 2011", None, ("Sledge", "2011")),
        ("Sledge (2011)", None, ("Sledge", "2011")),
        ("Lloyd-Evans, 2014b", None, ("Lloyd-Evans", "2014b")),
        ("Trial of peer workers", 2009, ("Trial of peer workers", "2009")),
        ("Trial of peer workers", None, ("Trial of peer workers", "n.d.")),
        ("Cohort 1200", None, ("Cohort 1200", "n.d.")),  # not a plausible year
    ],
)
def test_a_study_label_splits_into_author_and_year(label, year, expected):
    assert split_label(label, year) == expected


def test_an_imported_label_splits_again_into_the_same_author_and_year():
    for label in ("Sledge 2011", "Smith (2010b)", "Trial of peer workers"):
        author, year = split_label(label)
        assert split_label(join_label(author, year)) == (author, year)


def test_factors_name_the_review_only_where_the_outcome_is_shared():
    assert factor_name("Recovery", "Chien 2019", "X1", shared=False, twice=False) == "Recovery"
    shared = factor_name("Recovery", "Chien 2019", "X1", shared=True, twice=False)
    assert shared == "Recovery (Chien 2019)"
    twice = factor_name("Recovery", "Chien 2019", "X1", shared=True, twice=True)
    assert twice == "Recovery (Chien 2019, X1)"
    assert parse_factor(shared, "Chien 2019") == ("Recovery", "")
    assert parse_factor(twice, "Chien 2019") == ("Recovery", "X1")
    assert parse_factor("Recovery (Fuhr 2014)", "Chien 2019") == ("Recovery (Fuhr 2014)", "")


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (12, "12"), (12.0, "12"), (0.1, "0.1"), (-0.058438, "-0.058438"), (1.5, "1.5")],
)
def test_numbers_are_written_in_their_shortest_exact_form(value, text):
    assert number_text(value) == text
    assert value is None or float(text) == value
