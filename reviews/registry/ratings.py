"""The AMSTAR 2 rating shown for an included review: one rule, one order, one set of labels.

A review's rating is its submitted consensus appraisal's overall rating (computed by the
appraisal app from the item answers), else the rating the umbrella review published; a review
with neither is not rated. Querysets are annotated with it by `with_ratings`, and every list,
filter, table, plot, summary and export reads that annotation, so no two pages can disagree.

The appraisals belong to the appraisal app, a layer above this one. It plugs in the join to the
submitted consensus appraisal from `AppraisalConfig.ready()` (`register_consensus`), so this
module never imports it (see `reviews/__init__.py`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, F, FilteredRelation, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf

from . import confidence
from .models import PublishedRating

# Best first, as the scale orders them ("low or critically low" between the two).
RATING_ORDER: list[str] = [PublishedRating(value) for value in confidence.RATING_ORDER]
RATING_LABELS = dict(PublishedRating.choices)
# Left out by the evidence tables' sensitivity switch: critically low, and possibly so.
POSSIBLY_CRITICALLY_LOW = frozenset(
    {PublishedRating.CRITICALLY_LOW, PublishedRating.LOW_OR_CRITICALLY_LOW}
)


@dataclass(frozen=True)
class ConsensusSource:
    """How to reach a review's submitted consensus appraisal, supplied by the appraisal app."""

    join: Callable[[str], FilteredRelation]  # review path ("" or "review__") → its LEFT JOIN
    rating_field: str  # the joined appraisal's overall rating


_consensus: ConsensusSource | None = None


def register_consensus(*, join: Callable[[str], FilteredRelation], rating_field: str) -> None:
    """Called once, from `AppraisalConfig.ready()`."""
    global _consensus
    _consensus = ConsensusSource(join, rating_field)


def rating_label(value: str) -> str:
    return RATING_LABELS.get(value, "Not rated")


def ratings_at_least(minimum: str) -> list[str]:
    """Rating values at or above `minimum` in RATING_ORDER (unrated reviews never qualify)."""
    return [str(r) for r in RATING_ORDER[: RATING_ORDER.index(minimum) + 1]]


def _prefix(review_path: str) -> str:
    return review_path.replace("__", "_")


def rating_field(review_path: str = "") -> str:
    """The name of the rating annotation `with_ratings(..., review_path)` adds: `rating` on
    reviews, `review_rating` on rows that reach their review through `review__`."""
    return f"{_prefix(review_path)}rating"


def with_ratings(queryset: QuerySet, review_path: str = "") -> QuerySet:
    """Annotate each row with its review's rating: `<prefix>computed_rating` (the consensus
    appraisal's, or None), `<prefix>rating` (computed, else published, else None) and
    `rating_rank` (0 = high … 4 = critically low, 5 = not rated) for sorting.

    `review_path` leads from the queried model to the review ("" for reviews themselves,
    "review__" for outcome results); the prefix is the path with "__" as "_".
    """
    if _consensus is None:
        raise ImproperlyConfigured(
            "No consensus rating is registered: the appraisal app registers it in its "
            "AppConfig.ready(); is it in INSTALLED_APPS?"
        )
    prefix = _prefix(review_path)
    joined = f"{prefix}consensus_appraisal"
    rating = rating_field(review_path)
    consensus = F(f"{joined}__{_consensus.rating_field}")
    ranks = [When(**{rating: value}, then=Value(rank)) for rank, value in enumerate(RATING_ORDER)]
    return (
        queryset.annotate(**{joined: _consensus.join(review_path)})
        .annotate(
            **{
                f"{prefix}computed_rating": consensus,
                rating: Coalesce(consensus, NullIf(F(f"{review_path}published_rating"), Value(""))),
            }
        )
        .annotate(
            rating_rank=Case(*ranks, default=Value(len(RATING_ORDER)), output_field=IntegerField())
        )
    )
