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
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
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
    """The citation matrix with ids replaced by positions."""

    review_ids: list[R]
    review_pos: dict[R, int]
    study_pos: dict[Hashable, int]
    studies_of: list[frozenset[int]]  # distinct study positions, one set per review

    @property
    def n(self) -> int:
        return sum(len(s) for s in self.studies_of)

    @property
    def r(self) -> int:
        return len(self.study_pos)

    @property
    def c(self) -> int:
        return len(self.review_ids)


def _incidence(matrix: Mapping[R, Iterable[S]]) -> _Incidence[R]:
    review_ids: list[R] = list(matrix)
    study_pos: dict[Hashable, int] = {}
    studies_of: list[frozenset[int]] = []
    for review in review_ids:
        studies = matrix[review]
        if isinstance(studies, str | bytes):
            raise TypeError(f"review {review!r}: expected an iterable of study ids, got a string")
        positions = set()
        for study in studies:
            pos = study_pos.get(study)
            if pos is None:
                pos = study_pos[study] = len(study_pos)
            positions.add(pos)
        studies_of.append(frozenset(positions))
    review_pos = {review: i for i, review in enumerate(review_ids)}
    return _Incidence(review_ids, review_pos, study_pos, studies_of)


def _missing_cells(
    inc: _Incidence[R], structurally_missing: Iterable[tuple[R, S]] | None
) -> set[tuple[int, int]]:
    """Distinct structurally missing cells ``(review_pos, study_pos)`` that count.

    A pair counts when its review is a column, its study is a row (included by at least one
    review) and the review does not in fact include the study. Other pairs are ignored: a
    cell outside the matrix cannot change it, and an observed inclusion is not missing.
    """
    cells: set[tuple[int, int]] = set()
    if structurally_missing is None:
        return cells
    for review, study in structurally_missing:
        i = inc.review_pos.get(review)
        j = inc.study_pos.get(study)
        if i is None or j is None or j in inc.studies_of[i]:
            continue
        cells.add((i, j))
    return cells


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
    s = len(_missing_cells(inc, structurally_missing))
    return _cca(inc.n, inc.r, inc.c, s)


def _pairwise_array(inc: _Incidence[R], missing: set[tuple[int, int]]) -> npt.NDArray[np.float64]:
    c, r = inc.c, inc.r
    rows = np.fromiter(
        (j for studies in inc.studies_of for j in studies), dtype=np.int64, count=inc.n
    )
    cols = np.repeat(np.arange(c, dtype=np.int64), [len(s) for s in inc.studies_of])
    x = sparse.csc_array((np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(r, c))
    shared = (x.T @ x).toarray()  # shared[a, b] = |A & B|; diagonal = |A|
    sizes = np.diag(shared)
    union = sizes[:, None] + sizes[None, :] - shared
    denominator = union
    if missing:
        m_cols, m_rows = (np.fromiter(v, dtype=np.int64) for v in zip(*missing, strict=True))
        m = sparse.csc_array((np.ones(len(m_rows), dtype=np.int64), (m_rows, m_cols)), shape=(r, c))
        # mx[a, b] = number of studies of b that are structurally missing for a; such a
        # study is in b's column only, so it is one of the pair's non-shared rows.
        mx = (m.T @ x).toarray()
        denominator = union - mx - mx.T
    out = np.full((c, c), np.nan)
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
    c, r = inc.c, inc.r
    if c == 0:
        return [], np.zeros((0, 0), dtype=np.int64)
    rows = np.fromiter(
        (j for studies in inc.studies_of for j in studies), dtype=np.int64, count=inc.n
    )
    cols = np.repeat(np.arange(c, dtype=np.int64), [len(s) for s in inc.studies_of])
    x = sparse.csc_array((np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(r, c))
    return list(inc.review_ids), np.asarray((x.T @ x).toarray(), dtype=np.int64)


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
    result: dict[tuple[R, R], float | None] = {}
    for i, a in enumerate(ids):
        row = array[i, i + 1 :].tolist()
        for b, value in zip(ids[i + 1 :], row, strict=True):
            result[(a, b)] = None if math.isnan(value) else value
    return result


def inclusion_frequency(matrix: Mapping[R, Iterable[S]]) -> dict[int, int]:
    """How many studies are included by exactly k reviews, for each k, sorted by k.

    Only studies included by at least one review are counted, and a study listed twice by
    one review counts once for it. E.g. ``{1: 40, 2: 7, 5: 1}``: 40 studies appear in one
    review only, 7 in two, 1 in five.
    """
    inc = _incidence(matrix)
    per_study: Counter[int] = Counter()
    for studies in inc.studies_of:
        per_study.update(studies)
    histogram = Counter(per_study.values())
    return dict(sorted(histogram.items()))


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
