"""Tests for reviews.overlap.cca (plain pytest, no database)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.overlap.cca import (
    corrected_covered_area,
    inclusion_frequency,
    overlap_band,
    pairwise_cca,
    pairwise_cca_matrix,
)

# --------------------------------------------------------------------------------------
# Overall CCA on hand-worked matrices: CCA = (N - r) / (r*c - r - s) * 100
# --------------------------------------------------------------------------------------


def test_identical_reviews_are_100_percent() -> None:
    # N = 3 + 3 = 6, r = 3, c = 2: (6 - 3) / (6 - 3) = 100 %
    assert corrected_covered_area({"A": [1, 2, 3], "B": [3, 2, 1]}) == pytest.approx(100.0)
    # Three identical reviews: N = 9, r = 3, c = 3: (9 - 3) / (9 - 3) = 100 %
    three = {"A": ["x", "y", "z"], "B": ["z", "y", "x"], "C": ["y", "x", "z"]}
    assert corrected_covered_area(three) == pytest.approx(100.0)


def test_disjoint_reviews_are_0_percent() -> None:
    # N = 4, r = 4, c = 2: (4 - 4) / (8 - 4) = 0 %
    assert corrected_covered_area({"A": [1, 2], "B": [3, 4]}) == 0.0


def test_partial_overlap_three_reviews() -> None:
    #        A  B  C
    #   s1   1  .  1
    #   s2   1  1  .
    #   s3   .  1  1
    #   s4   .  .  1
    # N = 2 + 2 + 3 = 7, r = 4, c = 3: (7 - 4) / (12 - 4) = 3/8 = 37.5 %
    matrix = {"A": ["s1", "s2"], "B": ["s2", "s3"], "C": ["s1", "s3", "s4"]}
    assert corrected_covered_area(matrix) == pytest.approx(37.5)


def test_a_review_with_no_studies_is_still_a_column() -> None:
    # Without C: N = 6, r = 4, c = 2: (6 - 4) / (8 - 4) = 50 %
    # With empty C: N = 6, r = 4, c = 3: (6 - 4) / (12 - 4) = 25 %
    two = {"A": [1, 2, 3], "B": [2, 3, 4]}
    assert corrected_covered_area(two) == pytest.approx(50.0)
    assert corrected_covered_area({**two, "C": []}) == pytest.approx(25.0)


def test_a_study_listed_twice_in_one_review_counts_once() -> None:
    # A = {1, 2}, B = {2, 3}: N = 4, r = 3, c = 2: (4 - 3) / (6 - 3) = 1/3
    matrix = {"A": [1, 1, 2], "B": [2, 2, 3, 3]}
    assert corrected_covered_area(matrix) == pytest.approx(100 / 3)
    assert corrected_covered_area(matrix) == corrected_covered_area({"A": [1, 2], "B": [2, 3]})


def test_any_iterables_are_accepted() -> None:
    matrix = {"A": (s for s in (1, 2)), "B": {2, 3}, "C": range(3, 5)}
    # A={1,2} B={2,3} C={3,4}: N = 6, r = 4, c = 3: 2/8 = 25 %
    assert corrected_covered_area(matrix) == pytest.approx(25.0)


def test_a_string_instead_of_a_list_of_studies_is_rejected() -> None:
    with pytest.raises(TypeError, match="review 'A'"):
        corrected_covered_area({"A": "study-1", "B": ["study-1"]})


@pytest.mark.parametrize(
    "matrix",
    [
        {},  # c = 0
        {"A": [1, 2, 3]},  # c = 1
        {"A": []},  # c = 1, r = 0
        {"A": [], "B": []},  # r = 0
    ],
)
def test_undefined_cca_is_none(matrix: dict[str, list[int]]) -> None:
    assert corrected_covered_area(matrix) is None


# --------------------------------------------------------------------------------------
# Structural missingness (GROOVE; ccaR: denominator r*c - r - X)
# --------------------------------------------------------------------------------------

MISSINGNESS_MATRIX = {"A": [1, 2], "B": [2, 3], "C": [1, 2, 3, 4]}
#        A  B  C
#   1    1  .  1
#   2    1  1  1
#   3    X  1  1     X = structurally missing: A searched before study 3 was published
#   4    X  X  1         and before study 4; B searched before study 4.
# N = 8, r = 4, c = 3.
# Without missingness: (8 - 4) / (12 - 4) = 4/8 = 50 %
# With s = 3:          (8 - 4) / (12 - 4 - 3) = 4/5 = 80 %
MISSING = [("A", 3), ("A", 4), ("B", 4)]


def test_structural_missingness_shrinks_the_denominator() -> None:
    assert corrected_covered_area(MISSINGNESS_MATRIX) == pytest.approx(50.0)
    assert corrected_covered_area(MISSINGNESS_MATRIX, MISSING) == pytest.approx(80.0)
    assert corrected_covered_area(MISSINGNESS_MATRIX, []) == pytest.approx(50.0)


def test_irrelevant_missing_pairs_are_ignored() -> None:
    noisy = [
        *MISSING,
        ("A", 3),  # duplicate pair: one cell
        ("C", 1),  # C does include study 1: an observed inclusion is not missing
        ("A", 99),  # study 99 is in no review: not a row
        ("Z", 1),  # review Z is not a column
    ]
    assert corrected_covered_area(MISSINGNESS_MATRIX, noisy) == pytest.approx(80.0)
    assert corrected_covered_area(MISSINGNESS_MATRIX, iter(noisy)) == pytest.approx(80.0)


def test_pairwise_structural_missingness() -> None:
    # A vs B: union {1,2,3}, shared {2}; missing in the pair's rows: (A,3) -> 1/(3-1) = 50 %
    # A vs C: union {1,2,3,4}, shared {1,2}; (A,3), (A,4) -> 2/(4-2) = 100 %
    # B vs C: union {1,2,3,4}, shared {2,3}; (B,4) -> 2/(4-1) = 66.7 %
    # (Without missingness: 1/3, 2/4, 2/4.)
    result = pairwise_cca(MISSINGNESS_MATRIX, MISSING)
    assert result == {
        ("A", "B"): pytest.approx(50.0),
        ("A", "C"): pytest.approx(100.0),
        ("B", "C"): pytest.approx(200 / 3),
    }
    plain = pairwise_cca(MISSINGNESS_MATRIX)
    assert plain == {
        ("A", "B"): pytest.approx(100 / 3),
        ("A", "C"): pytest.approx(50.0),
        ("B", "C"): pytest.approx(50.0),
    }


def test_no_overlap_possible_is_undefined() -> None:
    # Each review's search predates the other's only study: N = 2, r = 2, c = 2, s = 2,
    # denominator 4 - 2 - 2 = 0 and numerator 0 -> undefined.
    matrix = {"A": [1], "B": [2]}
    missing = [("A", 2), ("B", 1)]
    assert corrected_covered_area(matrix, missing) is None
    assert pairwise_cca(matrix, missing) == {("A", "B"): None}


# --------------------------------------------------------------------------------------
# Published worked examples
# --------------------------------------------------------------------------------------


def test_junor_vignette_example() -> None:
    # junoR package vignette "Corrected Covered Area (CCA)"
    # (juno-evidence-alliance.github.io/junoR/articles/CCA.html): 5 studies x 5 reviews,
    # cells "included", "excluded", "ineligible" or NA; only "included" counts.
    #              R1  R2  R3  R4  R5
    #   Study_1    inc  NA inc inc  NA
    #   Study_2    inc inc  NA exc inc
    #   Study_3    inl  NA inc inc inl
    #   Study_4     NA exc exc exc  NA
    #   Study_5     NA  NA inl  NA exc
    # Included: R1 {1,2}, R2 {2}, R3 {1,3}, R4 {1,3}, R5 {2}.
    # N = 8, r = 3 (studies 4 and 5 are included by no review, so are not rows), c = 5:
    # (8 - 3) / (15 - 3) = 5/12 = 41.66667 % -- the vignette prints 41.66667.
    matrix = {
        "Review_1": ["Study_1", "Study_2"],
        "Review_2": ["Study_2"],
        "Review_3": ["Study_1", "Study_3"],
        "Review_4": ["Study_1", "Study_3"],
        "Review_5": ["Study_2"],
    }
    assert corrected_covered_area(matrix) == pytest.approx(41.66667, abs=1e-5)


# ccaR's example data set (github.com/thdiakon/ccaR, inst/extdata/test.csv, shown in the
# package README): 14 primary studies in six systematic reviews. The README shows the CCA
# it computes only as an image, so the value below is our hand computation.
CCAR_COLUMNS = (
    "Guo2016",
    "Gilinsky2015",
    "Morton2014",
    "Peacock2014",
    "Middleton2014",
    "Chasan2014",
)
CCAR_ROWS = {
    "Cheung2011": (1, 1, 0, 1, 0, 1),
    "Clark2009": (0, 0, 0, 0, 1, 0),
    "Ferrara2011": (1, 1, 0, 1, 0, 1),
    "Hu2012": (1, 1, 0, 0, 0, 1),
    "Ji2011": (1, 0, 0, 0, 0, 0),
    "Kim2012": (1, 1, 0, 1, 0, 1),
    "Mclntyre2012": (1, 1, 0, 1, 0, 1),
    "Peterson1995": (0, 1, 0, 0, 0, 0),
    "Ratner2008": (1, 1, 1, 1, 0, 1),
    "Reinhardt2012": (1, 1, 0, 1, 0, 1),
    "Shek2014": (1, 1, 1, 0, 0, 0),
    "Shyam2013": (1, 1, 1, 0, 0, 1),
    "Wein1999": (1, 1, 1, 0, 0, 1),
    "Yu2012": (1, 0, 0, 0, 0, 0),
}
CCAR_MATRIX = {
    review: [study for study, cells in CCAR_ROWS.items() if cells[i]]
    for i, review in enumerate(CCAR_COLUMNS)
}


def test_ccar_example_data_set() -> None:
    # Column sums 12 + 11 + 4 + 6 + 1 + 9 = 43 = N; r = 14; c = 6.
    # CCA = (43 - 14) / (84 - 14) = 29/70 = 41.43 % -> very high overlap.
    # The ccaR README states that Guo 2016 has 12 studies (two only in it) and that
    # Middleton 2014's single study is in no other review; checked below.
    assert len(CCAR_MATRIX["Guo2016"]) == 12
    assert CCAR_MATRIX["Middleton2014"] == ["Clark2009"]
    others = set().union(*(set(v) for k, v in CCAR_MATRIX.items() if k != "Guo2016"))
    assert sorted(set(CCAR_MATRIX["Guo2016"]) - others) == ["Ji2011", "Yu2012"]
    cca = corrected_covered_area(CCAR_MATRIX)
    assert cca == pytest.approx(2900 / 70)
    assert overlap_band(cca) == "very high"
    assert inclusion_frequency(CCAR_MATRIX) == {1: 4, 3: 2, 4: 7, 5: 1}
    pairs = pairwise_cca(CCAR_MATRIX)
    # Guo2016 vs Gilinsky2015: shared 10 of a union of 13 -> 76.9 %
    assert pairs[("Guo2016", "Gilinsky2015")] == pytest.approx(1000 / 13)
    assert pairs[("Guo2016", "Middleton2014")] == 0.0


# --------------------------------------------------------------------------------------
# Pairwise CCA
# --------------------------------------------------------------------------------------


def test_pairwise_keys_follow_matrix_order() -> None:
    matrix = {"z": [1, 2], 3: [2, 3], ("a", 1): [4]}
    result = pairwise_cca(matrix)
    assert list(result) == [("z", 3), ("z", ("a", 1)), (3, ("a", 1))]
    # z vs 3: shared {2}, union {1,2,3} -> 33.3 %; the rest share nothing.
    assert result[("z", 3)] == pytest.approx(100 / 3)
    assert result[("z", ("a", 1))] == 0.0


def test_pairwise_with_an_empty_review() -> None:
    # A vs empty B: c = 2, r = 2, N = 2 -> 0 %; B vs empty C: r = 0 -> undefined.
    result = pairwise_cca({"A": [1, 2], "B": [], "C": []})
    assert result == {("A", "B"): 0.0, ("A", "C"): 0.0, ("B", "C"): None}


def test_pairwise_of_fewer_than_two_reviews_is_empty() -> None:
    assert pairwise_cca({}) == {}
    assert pairwise_cca({"A": [1]}) == {}


def test_pairwise_matrix_layout() -> None:
    ids, array = pairwise_cca_matrix({"A": [1, 2], "B": [2, 3], "C": []})
    assert ids == ["A", "B", "C"]
    assert array.shape == (3, 3)
    assert np.isnan(np.diag(array)).all()
    assert array[0, 1] == array[1, 0] == pytest.approx(100 / 3)
    assert array[0, 2] == array[2, 0] == 0.0
    ids, array = pairwise_cca_matrix({})
    assert ids == []
    assert array.shape == (0, 0)


# Small matrices: up to 6 reviews drawn from 8 possible, studies drawn from 12.
review_ids = st.sampled_from(list("ABCDEFGH"))
study_ids = st.integers(min_value=0, max_value=11)
matrices = st.dictionaries(review_ids, st.lists(study_ids, max_size=10), max_size=6)


@st.composite
def matrices_with_missing(draw: st.DrawFn) -> tuple[dict[str, list[int]], list[tuple[str, int]]]:
    matrix = draw(matrices)
    missing = draw(st.lists(st.tuples(review_ids, study_ids), max_size=15))
    return matrix, missing


@settings(max_examples=200, deadline=None)
@given(matrices_with_missing())
def test_pairwise_equals_two_review_cca(
    case: tuple[dict[str, list[int]], list[tuple[str, int]]],
) -> None:
    matrix, missing = case
    result = pairwise_cca(matrix, missing)
    ids = list(matrix)
    assert list(result) == [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    _, array = pairwise_cca_matrix(matrix, missing)
    for i, a in enumerate(ids):
        for j, b in enumerate(ids):
            if i >= j:
                continue
            expected = corrected_covered_area({a: matrix[a], b: matrix[b]}, missing)
            got = result[(a, b)]
            if expected is None:
                assert got is None
                assert math.isnan(array[i, j])
            else:
                assert got == pytest.approx(expected)
                assert array[i, j] == array[j, i] == pytest.approx(expected)


def _dense_cca(matrix: dict[str, list[int]], missing: list[tuple[str, int]]) -> float | None:
    """Brute force on a dense 0/1/X table, the way a spreadsheet would do it."""
    rows = sorted({s for studies in matrix.values() for s in studies})
    cols = list(matrix)
    if len(cols) < 2 or not rows:
        return None
    cells = {(c, s): int(s in set(matrix[c])) for c in cols for s in rows}
    x = sum(1 for key in set(missing) if key in cells and cells[key] == 0)
    n = sum(cells.values())
    denominator = len(rows) * len(cols) - len(rows) - x
    return None if denominator == 0 else (n - len(rows)) / denominator * 100


@settings(max_examples=200, deadline=None)
@given(matrices_with_missing())
def test_overall_cca_matches_dense_brute_force(
    case: tuple[dict[str, list[int]], list[tuple[str, int]]],
) -> None:
    matrix, missing = case
    expected = _dense_cca(matrix, missing)
    got = corrected_covered_area(matrix, missing)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)
        assert 0.0 <= got <= 100.0


# --------------------------------------------------------------------------------------
# Bands (Pieper et al. 2014)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cca", "band"),
    [
        (0, "slight"),
        (0.0, "slight"),
        (4.9999, "slight"),
        (5, "slight"),
        (5.0, "slight"),
        (5.0001, "moderate"),
        (7.5, "moderate"),
        (10, "moderate"),
        (10.0001, "high"),
        (15, "high"),
        (15.0, "high"),
        (15.0001, "very high"),
        (41.43, "very high"),
        (100, "very high"),
        (np.float64(5.0), "slight"),
    ],
)
def test_overlap_band_boundaries(cca: float, band: str) -> None:
    assert overlap_band(cca) == band


@pytest.mark.parametrize("bad", [float("nan"), -0.0001, 100.0001, float("inf")])
def test_overlap_band_rejects_impossible_values(bad: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 100"):
        overlap_band(bad)


@pytest.mark.parametrize("bad", [None, "5", True])
def test_overlap_band_rejects_non_numbers(bad: object) -> None:
    with pytest.raises(TypeError):
        overlap_band(bad)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# Inclusion frequency
# --------------------------------------------------------------------------------------


def test_inclusion_frequency() -> None:
    # Study 1 in A only; 2 in A, B; 3 in A, B, C; 4 in B only (listed twice: counts once).
    matrix = {"A": [1, 2, 3], "B": [2, 3, 4, 4], "C": [3], "D": []}
    result = inclusion_frequency(matrix)
    assert result == {1: 2, 2: 1, 3: 1}
    assert list(result) == sorted(result)


def test_inclusion_frequency_is_sorted_by_number_of_reviews() -> None:
    matrix = {"A": [1, 2], "B": [1, 2], "C": [1, 3]}  # 1 in 3 reviews, 2 in 2, 3 in 1
    assert list(inclusion_frequency(matrix).items()) == [(1, 1), (2, 1), (3, 1)]


def test_inclusion_frequency_empty() -> None:
    assert inclusion_frequency({}) == {}
    assert inclusion_frequency({"A": []}) == {}


@settings(max_examples=100, deadline=None)
@given(matrices)
def test_inclusion_frequency_adds_up_to_n_and_r(matrix: dict[str, list[int]]) -> None:
    freq = inclusion_frequency(matrix)
    n = sum(len(set(v)) for v in matrix.values())
    r = len({s for v in matrix.values() for s in v})
    assert sum(freq.values()) == r
    assert sum(k * count for k, count in freq.items()) == n
