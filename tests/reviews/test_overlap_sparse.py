"""The sparse overlap computation (reviews.overlap.cca) against a pure set-by-set reference.

`cca.py` computes pairwise CCA, shared counts and the inclusion frequency from a sparse
review x study matrix (products X·Xᵀ and M·Xᵀ, row sums, one pass over the ids). The
reference below recomputes every figure from Python sets, one pair at a time, straight from
the definitions in docs/overlap.md. Both divide the same integers in the same order, so the
values must be identical to the last bit, not merely close.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.overlap.cca import (
    corrected_covered_area,
    inclusion_frequency,
    pairwise_cca,
    pairwise_cca_matrix,
    shared_study_counts,
)

from .test_overlap import CCAR_MATRIX, MISSING, MISSINGNESS_MATRIX

Matrix = Mapping[Hashable, Iterable[Hashable]]
Missing = list[tuple[Hashable, Hashable]]


def reference_pair(a: set[Hashable], b: set[Hashable], s: int) -> float | None:
    """|A & B| / (|A | B| - s) * 100 for one pair (c = 2, r = |A | B|)."""
    union = a | b
    if not union or len(union) - s <= 0:
        return None
    return len(a & b) / (len(union) - s) * 100.0


def reference_pairwise(matrix: Matrix, missing: Missing) -> dict[tuple, float | None]:
    """Every pair from sets; s counts the pair's distinct missing cells it does not include."""
    sets = {review: set(studies) for review, studies in matrix.items()}
    cells = set(missing)
    ids = list(sets)
    result: dict[tuple, float | None] = {}
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            union = sets[a] | sets[b]
            s = sum((a, study) in cells for study in union - sets[a])
            s += sum((b, study) in cells for study in union - sets[b])
            result[(a, b)] = reference_pair(sets[a], sets[b], s)
    return result


def assert_identical(matrix: Matrix, missing: Missing, *, each_pair_alone: bool = True) -> None:
    expected = reference_pairwise(matrix, missing)
    got = pairwise_cca(matrix, missing)
    assert list(got) == list(expected)
    for pair, value in expected.items():
        # ==, not approx: the same integers are divided in the same order.
        assert got[pair] == value, (pair, got[pair], value)
    ids, array = pairwise_cca_matrix(matrix, missing)
    for (a, b), value in expected.items():
        i, j = ids.index(a), ids.index(b)
        cell = None if math.isnan(array[i, j]) else float(array[i, j])
        assert cell == value == (None if math.isnan(array[j, i]) else float(array[j, i]))
        if each_pair_alone:  # ... the overall CCA of the two reviews taken alone
            assert corrected_covered_area({a: matrix[a], b: matrix[b]}, missing) == value
    assert np.isnan(np.diag(array)).all()
    sets = [set(studies) for studies in matrix.values()]
    _, shared = shared_study_counts(matrix)
    assert shared.tolist() == [[len(x & y) for y in sets] for x in sets]
    per_study = Counter(study for studies in sets for study in studies)
    assert inclusion_frequency(matrix) == dict(sorted(Counter(per_study.values()).items()))


# Ids of several kinds at once (ints, strings, tuples): the module maps any hashable id.
study_ids = st.one_of(
    st.integers(min_value=0, max_value=40),
    st.sampled_from(["s1", "s2", "s3", "s4", "s5"]),
    st.tuples(st.just("t"), st.integers(0, 3)),
)
review_ids = st.one_of(st.integers(min_value=100, max_value=130), st.sampled_from(list("ABCDEF")))


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[Hashable, list[Hashable]], Missing]:
    # Half the matrices use plain int study ids only (NumPy's path), half mixed (dicts').
    studies = draw(st.sampled_from([st.integers(min_value=0, max_value=40), study_ids]))
    matrix = draw(st.dictionaries(review_ids, st.lists(studies, max_size=25), max_size=14))
    missing = draw(st.lists(st.tuples(review_ids, study_ids), max_size=60))
    # Also pairs that name included cells and known ids, so the "observed, not missing" rule
    # and the duplicate rule are exercised often, not only by chance.
    included = [(r, s) for r, studies in matrix.items() for s in studies]
    if included:
        missing += draw(st.lists(st.sampled_from(included), max_size=5))
    return matrix, missing


@settings(max_examples=150, deadline=None)
@given(cases())
def test_sparse_pairwise_is_identical_to_the_set_reference(
    case: tuple[dict[Hashable, list[Hashable]], Missing],
) -> None:
    assert_identical(*case)


def test_published_and_hand_worked_examples_are_identical_to_the_set_reference() -> None:
    assert_identical(CCAR_MATRIX, [])
    assert_identical(MISSINGNESS_MATRIX, MISSING)
    assert_identical(MISSINGNESS_MATRIX, [])
    assert_identical({"A": [1], "B": [2]}, [("A", 2), ("B", 1)])  # no overlap possible
    assert_identical({"A": [1, 2], "B": [], "C": []}, [])


@pytest.mark.parametrize("study_id", [int, "s{}".format], ids=["int ids", "str ids"])
def test_a_seeded_umbrella_sized_matrix_with_structural_missingness_is_identical(
    study_id: Callable[[int], Hashable],
) -> None:
    """60 reviews x 1,500 studies, skewed sizes, missing cells from publication years; plain
    int ids (as from the database) take NumPy's path to positions, others the dicts'."""
    rng = np.random.default_rng(21)
    years = rng.integers(1995, 2024, size=1500).tolist()
    study_year = {study_id(j): year for j, year in enumerate(years)}
    studies = list(study_year)
    matrix: dict[Hashable, list[Hashable]] = {}
    search_year: dict[str, int] = {}
    for i in range(60):
        size = int(rng.lognormal(3.0, 1.0)) % 400
        matrix[f"r{i}"] = [studies[k] for k in rng.integers(0, len(studies), size=size)]
        search_year[f"r{i}"] = int(rng.integers(2000, 2025))
    missing: Missing = [
        (review, study)
        for review, year in search_year.items()
        for study, published in study_year.items()
        if published > year
    ]
    assert_identical(matrix, missing, each_pair_alone=False)  # 1,770 pairs x 40,000 cells
    # The seed gives a real mix: undefined, zero, partial and adjusted values.
    values = pairwise_cca(matrix, missing).values()
    assert any(v is None for v in values) or 0.0 in values
    assert any(v is not None and 0 < v < 100 for v in values)
    assert pairwise_cca(matrix, missing) != pairwise_cca(matrix)
