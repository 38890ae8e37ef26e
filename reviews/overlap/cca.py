"""Overlap of primary studies between reviews: corrected covered area (CCA).

Pure Python + NumPy/SciPy: no Django imports.

The input is a *citation matrix* given as a mapping from each review id to the ids of the
primary studies it includes. Rows of the matrix are the primary studies included by at least
one review; columns are the reviews (a review that includes no study is still a column).

Sources
-------
* Pieper D, Antoine SL, Mathes T, Neugebauer EA, Eikermann M. Systematic review finds
  overlapping reviews were not mentioned in every other overview. J Clin Epidemiol
  2014;67:368-75. -- CCA = (N - r) / (r*c - r) and the interpretation bands
  (slight, moderate, high, very high overlap).
* Bracchiglione J, Meza N, Bangdiwala SI, Nino de Guzman E, Urrutia G, Bonfill X, Madrid E.
  Graphical Representation of Overlap for OVErviews: GROOVE tool. Res Synth Methods
  2022;13:381-8. -- pairwise CCA for every pair of reviews and "structural missingness"
  (a study published after a review's search could not have been included by it).
* ccaR R package (Bougioukas KI et al., J Clin Epidemiol 2021;132:34-45; source
  github.com/thdiakon/ccaR, R/cca.R and R/cca_table.R) -- the structural-missingness
  adjustment as implemented there: CCA = (N - r) / (r*c - r - X), X = number of
  structurally missing cells; pairwise, X counts the missing cells in the rows of the pair.

See docs/overlap.md for worked examples.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from itertools import chain, combinations, repeat
from numbers import Real
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt
from scipy import sparse

__all__ = [
    "OverlapBand",
    "corrected_covered_area",
    "inclusion_frequency",
    "overlap_band",
    "pairwise_cca",
    "pairwise_cca_matrix",
    "shared_study_counts",
]

R = TypeVar("R", bound=Hashable)
S = TypeVar("S", bound=Hashable)


class OverlapBand(StrEnum):
    """Pieper et al. (2014) interpretation of a CCA in per cent."""

    SLIGHT = "slight"
    MODERATE = "moderate"
    HIGH = "high"
    VERY_HIGH = "very high"


@dataclass(frozen=True, slots=True)
class _Incidence(Generic[R]):
    """The citation matrix with ids replaced by positions.

    ``x`` is the c x r review-by-study incidence matrix in CSR form: row i holds the sorted,
    distinct study positions of review i (a study listed twice by one review is one cell),
    every stored value is 1. N is its number of stored cells, r its number of columns.
    """

    review_ids: list[R]
    review_pos: dict[R, int]
    study_ids: list[Hashable]  # the study at each position (column of x)
    x: sparse.csr_array
    known_study_pos: dict[Hashable, int] | None = None  # when _incidence built it anyway

    @property
    def n(self) -> int:
        return int(self.x.nnz)

    @property
    def r(self) -> int:
        return len(self.study_ids)

    @property
    def c(self) -> int:
        return len(self.review_ids)

    def study_pos(self) -> dict[Hashable, int]:
        """Each study id's position (built here only when structurally missing cells ask)."""
        if self.known_study_pos is not None:
            return self.known_study_pos
        return dict(zip(self.study_ids, range(self.r), strict=True))

    def cell_codes(self) -> npt.NDArray[np.int64]:
        """``i * r + j`` for every included cell, ascending (CSR rows are sorted)."""
        rows = np.repeat(np.arange(self.c, dtype=np.int64), np.diff(self.x.indptr))
        return rows * self.r + self.x.indices.astype(np.int64)


def _csr(codes: npt.NDArray[np.int64], shape: tuple[int, int]) -> sparse.csr_array:
    """A 0/1 CSR matrix with a 1 at each distinct cell code ``i * shape[1] + j``."""
    codes = np.sort(codes)  # CSR order; np.sort + a mask beats np.unique (hash-based in NumPy 2.3+)
    cells = codes[np.concatenate(([True], codes[1:] != codes[:-1]))] if len(codes) else codes
    rows, cols = np.divmod(cells, max(shape[1], 1))
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    # 32-bit indices when they fit (always, for a citation matrix): SciPy's product of two
    # int64-indexed matrices takes about twice as long.
    index = np.int32 if max(*shape, len(cells)) < np.iinfo(np.int32).max else np.int64
    data = np.ones(len(cells), dtype=np.int64)
    return sparse.csr_array((data, cols.astype(index), indptr.astype(index)), shape=shape)


def _int_columns(
    lists: list[Collection[S]], total: int
) -> tuple[list[Hashable], npt.NDArray[np.int64]] | None:
    """Distinct study ids (ascending) and each link's position among them, when every id is
    a plain ``int`` that fits 64 bits (ids from a database); None otherwise.

    NumPy then does what a dict does in the general case, three to four times faster; for
    plain ints its equality is Python's (bools and floats take the general path)."""
    if not set(map(type, chain.from_iterable(lists))) <= {int}:
        return None
    try:
        flat = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=total)
    except OverflowError:
        return None
    distinct, cols = np.unique(flat, return_inverse=True)
    return distinct.tolist(), cols.astype(np.int64)


def _incidence(matrix: Mapping[R, Iterable[S]]) -> _Incidence[R]:
    # Ids are mapped to positions by NumPy (plain int ids) or by dicts (any hashable id,
    # Python's equality) in C loops (dict.fromkeys, map), never one Python step per link: on
    # 200 reviews x 5,000 studies this mapping is still about half of the pairwise CCA's time.
    review_ids: list[R] = list(matrix)
    lists: list[Collection[S]] = []
    for review in review_ids:
        studies = matrix[review]
        if isinstance(studies, str | bytes):
            raise TypeError(f"review {review!r}: expected an iterable of study ids, got a string")
        # A generator can be iterated once only; lists, tuples and sets are used as they are.
        lists.append(studies if isinstance(studies, Collection) else list(studies))
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    total = int(lengths.sum())
    study_pos: dict[Hashable, int] | None = None
    as_ints = _int_columns(lists, total)
    if as_ints is not None:
        study_ids, cols = as_ints
    else:
        study_ids = list(dict.fromkeys(chain.from_iterable(lists)))
        study_pos = dict(zip(study_ids, range(len(study_ids)), strict=True))
        cols = np.fromiter(
            map(study_pos.__getitem__, chain.from_iterable(lists)), dtype=np.int64, count=total
        )
    rows = np.repeat(np.arange(len(review_ids), dtype=np.int64), lengths)
    r = len(study_ids)
    x = _csr(rows * r + cols, (len(review_ids), r))
    review_pos = {review: i for i, review in enumerate(review_ids)}
    return _Incidence(review_ids, review_pos, study_ids, x, study_pos)


def _missing_cells(
    inc: _Incidence[R], structurally_missing: Iterable[tuple[R, S]] | None
) -> sparse.csr_array:
    """The distinct structurally missing cells that count, as a c x r 0/1 matrix.

    A pair counts when its review is a column, its study is a row (included by at least one
    review) and the review does not in fact include the study. Other pairs are ignored: a
    cell outside the matrix cannot change it, and an observed inclusion is not missing.
    """
    shape = (inc.c, inc.r)
    pairs = list(structurally_missing) if structurally_missing is not None else []
    if not pairs:
        return _csr(np.empty(0, dtype=np.int64), shape)
    reviews, studies = zip(*pairs, strict=True)
    i = np.fromiter(map(inc.review_pos.get, reviews, repeat(-1)), dtype=np.int64, count=len(pairs))
    j = np.fromiter(map(inc.study_pos().get, studies, repeat(-1)), dtype=np.int64, count=len(pairs))
    known = (i >= 0) & (j >= 0)
    codes = i[known] * inc.r + j[known]
    included = inc.cell_codes()
    # `included` is sorted: a code is an observed inclusion iff searchsorted lands on it.
    at = np.minimum(np.searchsorted(included, codes), max(len(included) - 1, 0))
    observed = (included[at] == codes) if len(included) else np.zeros(len(codes), dtype=bool)
    return _csr(codes[~observed], shape)  # duplicates collapse into one cell


def _cca(n: int, r: int, c: int, s: int) -> float | None:
    """(N - r) / (r*c - r - s) * 100, or None when undefined."""
    if c < 2 or r == 0:
        return None
    denominator = r * c - r - s
    if denominator <= 0:
        # Only when every study is in exactly one review and every other cell is
        # structurally missing: no overlap was possible, 0/0.
        return None
    return (n - r) / denominator * 100.0


def cca_from_counts(n: int, r: int, c: int, s: int) -> float | None:
    """CCA (per cent) from the counts N, r, c and s, for callers that count the structurally
    missing cells without listing them (a large matrix has tens of millions); None when
    undefined, as in :func:`corrected_covered_area`."""
    return _cca(n, r, c, s)


def corrected_covered_area(
    matrix: Mapping[R, Iterable[S]],
    structurally_missing: Iterable[tuple[R, S]] | None = None,
) -> float | None:
    """Corrected covered area of a citation matrix, in per cent (Pieper et al. 2014).

    CCA = (N - r) / (r*c - r - s) * 100, where

    * N is the sum over reviews of the number of *distinct* studies each includes (a study
      listed twice by one review counts once);
    * r is the number of distinct studies included by at least one review (rows);
    * c is the number of reviews (columns), including reviews with no studies;
    * s is the number of structurally missing cells: distinct pairs ``(review, study)`` in
      ``structurally_missing`` whose review is in ``matrix``, whose study is a row, and which
      the review does not include (a review cannot have included a study published after its
      search). Other pairs are ignored. With no structural missingness s = 0 and this is
      Pieper's (N - r) / (r*c - r).

    Returns ``None`` when c < 2 or r == 0 (no overlap is defined), or when the denominator
    is 0 (no overlap was possible once structurally missing cells are removed).
    """
    inc = _incidence(matrix)
    s = int(_missing_cells(inc, structurally_missing).nnz)
    return _cca(inc.n, inc.r, inc.c, s)


def _pairwise_array(inc: _Incidence[R], missing: sparse.csr_array) -> npt.NDArray[np.float64]:
    x = inc.x
    shared = (x @ x.T).toarray()  # shared[a, b] = |A & B|; diagonal = |A|
    sizes = np.diff(x.indptr)
    union = sizes[:, None] + sizes[None, :] - shared
    denominator = union
    if missing.nnz:
        # mx[a, b] = number of studies of b that are structurally missing for a; such a
        # study is in b's row only, so it is one of the pair's non-shared studies.
        mx = (missing @ x.T).toarray()
        denominator = union - mx - mx.T
    out = np.full(shared.shape, np.nan)
    np.divide(shared, denominator, out=out, where=denominator > 0)
    out *= 100.0
    np.fill_diagonal(out, np.nan)
    return out


def pairwise_cca_matrix(
    matrix: Mapping[R, Iterable[S]],
    structurally_missing: Iterable[tuple[R, S]] | None = None,
) -> tuple[list[R], npt.NDArray[np.float64]]:
    """Pairwise CCA of every pair of reviews as a square array, for heatmaps.

    Returns ``(review_ids, cca)`` where ``review_ids`` is the matrix's review order and
    ``cca[i, j]`` is the CCA (per cent) of reviews ``i`` and ``j`` taken alone (c = 2,
    r = the pair's union), exactly as :func:`pairwise_cca`. The array is symmetric; the
    diagonal and undefined pairs (two reviews with no studies, or no overlap possible) are
    NaN. Uses a sparse study x review matrix X: shared counts are X^T X.
    """
    inc = _incidence(matrix)
    missing = _missing_cells(inc, structurally_missing)
    if inc.c == 0:
        return [], np.empty((0, 0))
    return list(inc.review_ids), _pairwise_array(inc, missing)


def shared_study_counts(
    matrix: Mapping[R, Iterable[S]],
) -> tuple[list[R], npt.NDArray[np.int64]]:
    """Number of distinct studies each pair of reviews shares, as a square array.

    Returns ``(review_ids, shared)`` in the matrix's review order; ``shared[i, j]`` is
    |A_i & A_j| and the diagonal holds each review's own number of distinct studies. Shown
    beside pairwise CCA (hover text of the heatmap) so a percentage never hides a count.
    """
    inc = _incidence(matrix)
    if inc.c == 0:
        return [], np.zeros((0, 0), dtype=np.int64)
    return list(inc.review_ids), np.asarray((inc.x @ inc.x.T).toarray(), dtype=np.int64)


def pairwise_cca(
    matrix: Mapping[R, Iterable[S]],
    structurally_missing: Iterable[tuple[R, S]] | None = None,
) -> dict[tuple[R, R], float | None]:
    """CCA (per cent) of every pair of reviews, keyed ``(a, b)`` with ``a`` before ``b``.

    Each value equals ``corrected_covered_area({a: A, b: B}, structurally_missing)``: with
    c = 2 and r = |A | B| the formula reduces to |A & B| / (|A | B| - s) * 100, where s is the
    number of the pair's structurally missing cells (as in ccaR's ``cca_table``). ``None``
    where undefined (both reviews empty, or no overlap possible). For c reviews the dict has
    c*(c-1)/2 entries; prefer :func:`pairwise_cca_matrix` for large c.
    """
    ids, array = pairwise_cca_matrix(matrix, structurally_missing)
    # combinations() yields (ids[i], ids[j]) for i < j in the row-major order of triu_indices;
    # the NaN -> None swap is done on an object array, not per value in Python.
    values = array[np.triu_indices(len(ids), k=1)]
    cells = values.astype(object)
    cells[np.isnan(values)] = None
    return dict(zip(combinations(ids, 2), cells.tolist(), strict=True))


def inclusion_frequency(matrix: Mapping[R, Iterable[S]]) -> dict[int, int]:
    """How many studies are included by exactly k reviews, for each k, sorted by k.

    Only studies included by at least one review are counted, and a study listed twice by
    one review counts once for it. E.g. ``{1: 40, 2: 7, 5: 1}``: 40 studies appear in one
    review only, 7 in two, 1 in five.
    """
    inc = _incidence(matrix)
    per_study = np.bincount(inc.x.indices, minlength=inc.r)  # reviews including each study
    histogram = np.bincount(per_study)
    return {k: int(count) for k, count in enumerate(histogram.tolist()) if k and count}


def overlap_band(cca_percent: float) -> str:
    """Pieper et al. (2014) band for a CCA given in per cent.

    ``"slight"`` for CCA <= 5, ``"moderate"`` for 5 < CCA <= 10, ``"high"`` for
    10 < CCA <= 15 and ``"very high"`` for CCA > 15. Raises ``ValueError`` for NaN or values
    outside 0-100, ``TypeError`` for non-numbers (e.g. the ``None`` of an undefined CCA).
    """
    if isinstance(cca_percent, bool) or not isinstance(cca_percent, Real):
        raise TypeError(f"CCA must be a number of per cent, got {cca_percent!r}")
    value = float(cca_percent)
    if math.isnan(value) or not 0.0 <= value <= 100.0:
        raise ValueError(f"CCA must be between 0 and 100 per cent, got {cca_percent!r}")
    if value <= 5.0:
        return OverlapBand.SLIGHT.value
    if value <= 10.0:
        return OverlapBand.MODERATE.value
    if value <= 15.0:
        return OverlapBand.HIGH.value
    return OverlapBand.VERY_HIGH.value
