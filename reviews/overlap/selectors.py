"""Overlap of an umbrella review's reviews, read from the registry in a fixed number of queries.

The science is in the pure `cca.py`; this module builds its citation matrix from the
database (active studies only, so a merged record never counts twice) and the structural
missingness rule:

    a cell (review, study) is structurally missing when the study's year is later than the
    review's search year (the year of `search_date`, or the review's publication year when
    the search date is not reported), and the review does not include it.

Studies without a year are never structurally missing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.db.models import Count

from ..models import IncludedReview, Inclusion, PrimaryStudy, ReportedInclusionFrequency
from ..project.revisions import cached_for_project
from .cca import (
    cca_from_counts,
    corrected_covered_area,
    inclusion_frequency,
    overlap_band,
    pairwise_cca_matrix,
    shared_study_counts,
)

MOST_INCLUDED = 10
# The heatmap and the pairwise table cover at most this many reviews (those including the most
# studies): a 2,000 x 2,000 heatmap is unreadable and tens of megabytes, and listing the
# structurally missing cells of every pair would take minutes. Overall figures cover all.
PAIRWISE_LIMIT = 60


@dataclass(frozen=True)
class ReviewColumn:
    pk: int
    label: str
    year: int | None
    search_year: int | None  # the year structural missingness compares with


@dataclass(frozen=True)
class StudyCount:
    pk: int
    label: str
    year: int | None
    n_reviews: int


@dataclass(frozen=True)
class Overlap:
    reviews: list[ReviewColumn]
    n_studies: int  # r
    n_inclusions: int  # N
    cca: float | None
    cca_band: str
    cca_adjusted: float | None  # with structural missingness removed from the denominator
    cca_adjusted_band: str
    n_missing_cells: int
    frequency: dict[int, int]
    most_included: list[StudyCount]
    pairwise: npt.NDArray[np.float64]  # per cent, adjusted; NaN on the diagonal / undefined
    shared: npt.NDArray[np.int64]
    pairwise_reviews: list[ReviewColumn]  # rows and columns of `pairwise` and `shared`

    @property
    def pairwise_limited(self) -> bool:
        return len(self.pairwise_reviews) < len(self.reviews)

    @property
    def is_empty(self) -> bool:
        return self.n_studies == 0


def band_or_blank(value: float | None) -> str:
    return "" if value is None else overlap_band(value)


def search_year(review: IncludedReview | dict) -> int | None:
    get = review.get if isinstance(review, dict) else lambda name: getattr(review, name)
    searched = get("search_date")
    return searched.year if searched else get("year")


def structurally_missing(
    reviews: Iterable[ReviewColumn], study_years: dict[int, int | None]
) -> list[tuple[int, int]]:
    """Every (review, study) pair whose study was published after the review's search year."""
    cells = []
    for review in reviews:
        if review.search_year is None:
            continue
        cells += [
            (review.pk, study)
            for study, year in study_years.items()
            if year is not None and year > review.search_year
        ]
    return cells


def missing_cell_count(
    reviews: Iterable[ReviewColumn],
    matrix: dict[int, list[int]],
    study_years: dict[int, int | None],
) -> int:
    """How many cells are structurally missing, counted without listing them (sorted years).

    The same number as the pure module counts from `structurally_missing`'s list: cells of a
    review with a search year and a study (a row) published later that it does not include.
    """
    years = np.sort(np.fromiter((y for y in study_years.values() if y is not None), dtype=int))
    total = 0
    for review in reviews:
        if review.search_year is None:
            continue
        later = len(years) - int(np.searchsorted(years, review.search_year, side="right"))
        own = {s for s in matrix[review.pk] if (study_years[s] or 0) > review.search_year}
        total += later - len(own)
    return total


def overlap_for_reviews(umbrella, review_ids: Iterable[int] | None = None) -> Overlap:
    """Overlap among the umbrella review's reviews, or among `review_ids` (e.g. one outcome's).

    Three queries: the reviews, the inclusions with their studies' years, the most-included
    studies' labels.
    """
    reviews_qs = IncludedReview.objects.filter(umbrella=umbrella)
    if review_ids is not None:
        reviews_qs = reviews_qs.filter(pk__in=list(review_ids))
    reviews = [
        ReviewColumn(r["pk"], r["label"], r["year"], search_year(r))
        for r in reviews_qs.order_by("year", "label").values("pk", "label", "year", "search_date")
    ]
    matrix: dict[int, list[int]] = {r.pk: [] for r in reviews}
    study_years: dict[int, int | None] = {}
    inclusions = Inclusion.objects.filter(
        review__in=matrix.keys(), study__merged_into__isnull=True
    ).values_list("review_id", "study_id", "study__year")
    for review_id, study_id, year in inclusions:
        matrix[review_id].append(study_id)
        study_years[study_id] = year
    cca = corrected_covered_area(matrix)
    per_study = Counter(s for studies in matrix.values() for s in set(studies))
    n_missing = missing_cell_count(reviews, matrix, study_years)
    adjusted = cca_from_counts(sum(per_study.values()), len(per_study), len(reviews), n_missing)
    pairwise_reviews = reviews
    if len(reviews) > PAIRWISE_LIMIT:
        largest = sorted(reviews, key=lambda r: (-len(set(matrix[r.pk])), r.label))
        chosen = {r.pk for r in largest[:PAIRWISE_LIMIT]}
        pairwise_reviews = [r for r in reviews if r.pk in chosen]
    sub_matrix = {r.pk: matrix[r.pk] for r in pairwise_reviews}
    sub_years = {s: study_years[s] for studies in sub_matrix.values() for s in studies}
    # A pair's CCA depends only on the pair's own rows, so the sub-matrix gives the same values.
    _, pairwise = pairwise_cca_matrix(sub_matrix, structurally_missing(pairwise_reviews, sub_years))
    _, shared = shared_study_counts(sub_matrix)
    top = per_study.most_common(MOST_INCLUDED)
    studies = PrimaryStudy.objects.in_bulk([pk for pk, _ in top])
    return Overlap(
        reviews=reviews,
        n_studies=len(per_study),
        n_inclusions=sum(per_study.values()),
        cca=cca,
        cca_band=band_or_blank(cca),
        cca_adjusted=adjusted,
        cca_adjusted_band=band_or_blank(adjusted),
        n_missing_cells=n_missing,
        frequency=inclusion_frequency(matrix),
        most_included=[
            StudyCount(pk, studies[pk].label, studies[pk].year, n) for pk, n in top if n > 1
        ],
        pairwise=pairwise,
        shared=shared,
        pairwise_reviews=pairwise_reviews,
    )


def cached_overlap_for_reviews(umbrella, review_ids: Iterable[int] | None = None) -> Overlap:
    """`overlap_for_reviews`, cached for the project's data revision (reviews.project.revisions).

    On 2,000 reviews and 150,000 inclusions the computation takes about 2 s; any write to the
    project bumps its revision and so retires the cached value.
    """
    ids = sorted(set(review_ids)) if review_ids is not None else None
    return cached_for_project(
        umbrella, "overlap", repr(ids), lambda: overlap_for_reviews(umbrella, ids)
    )


@dataclass(frozen=True)
class CcaSummary:
    """The overall CCA of a set of reviews, for a warning beside their results."""

    n_reviews: int  # c
    n_studies: int  # r
    n_inclusions: int  # N
    cca: float | None
    cca_band: str


def cca_summary(umbrella, review_ids: Iterable[int]) -> CcaSummary:
    """The CCA of `overlap_for_reviews` (same N, r and c) in one aggregate query, cached per
    data revision: the outcome table needs the figure and its band, not the matrix, whose
    computation takes over a second for thousands of reviews."""
    ids = sorted(set(review_ids))

    def compute() -> CcaSummary:
        # Inclusions are unique per (review, study), so counting rows counts distinct cells.
        counts = Inclusion.objects.filter(
            review__umbrella=umbrella, review__in=ids, study__merged_into__isnull=True
        ).aggregate(n=Count("pk"), r=Count("study", distinct=True))
        cca = cca_from_counts(counts["n"], counts["r"], len(ids), 0)
        return CcaSummary(len(ids), counts["r"], counts["n"], cca, band_or_blank(cca))

    return cached_for_project(umbrella, "cca-summary", repr(ids), compute)


@dataclass(frozen=True)
class ReportedFrequency:
    rows: list[ReportedInclusionFrequency]
    total_reported: int | None
    unstated: int | None  # studies the stated rows do not account for

    @property
    def stated_sum(self) -> int:
        return sum(r.n_primary_studies for r in self.rows)


def reported_frequency(umbrella) -> ReportedFrequency:
    rows = list(ReportedInclusionFrequency.objects.filter(umbrella=umbrella))
    total = umbrella.reported_primary_studies
    stated = sum(r.n_primary_studies for r in rows)
    unstated = total - stated if total is not None and rows and total > stated else None
    return ReportedFrequency(rows, total, unstated)


def matrix_rows(umbrella) -> tuple[list[str], list[list[str]]]:
    """The citation matrix in ccaR's layout: header, then one row per study included at least
    once: study label (with its id, so labels stay unique), then 1 / 0 / blank (structurally
    missing) per review, reviews ordered by year then label."""
    overlap_reviews = [
        ReviewColumn(r["pk"], r["label"], r["year"], search_year(r))
        for r in IncludedReview.objects.filter(umbrella=umbrella)
        .order_by("year", "label")
        .values("pk", "label", "year", "search_date")
    ]
    included: dict[int, set[int]] = {}
    labels: dict[int, str] = {}
    years: dict[int, int | None] = {}
    for review_id, study_id, label, year in (
        Inclusion.objects.filter(review__umbrella=umbrella, study__merged_into__isnull=True)
        .order_by("study__label", "study_id")
        .values_list("review_id", "study_id", "study__label", "study__year")
    ):
        included.setdefault(study_id, set()).add(review_id)
        labels[study_id], years[study_id] = label, year
    missing = set(structurally_missing(overlap_reviews, years))
    header = ["study", *(r.label for r in overlap_reviews)]
    rows = []
    for study_id, reviews in included.items():
        cells = [
            "1" if r.pk in reviews else "" if (r.pk, study_id) in missing else "0"
            for r in overlap_reviews
        ]
        rows.append([f"{labels[study_id]} [{study_id}]", *cells])
    return header, rows
