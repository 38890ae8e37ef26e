"""The AMSTAR 2 rating shown next to each result: the one place that decides which rating.

Today it is the rating the umbrella review published (`IncludedReview.published_rating`).
When the appraisal app computes consensus ratings, change `RATING_FIELD` / `rating_for` here
and every table, filter, plot, summary and export follows.
"""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from reviews.models import IncludedReview, PublishedRating

RATING_FIELD = "published_rating"

# Best first. "Low or critically low" (the paper did not separate them) ranks between the two.
RATING_ORDER = [
    PublishedRating.HIGH,
    PublishedRating.MODERATE,
    PublishedRating.LOW,
    PublishedRating.LOW_OR_CRITICALLY_LOW,
    PublishedRating.CRITICALLY_LOW,
]
RATING_LABELS = dict(PublishedRating.choices)
# Left out by the sensitivity switch: critically low, and possibly critically low.
POSSIBLY_CRITICALLY_LOW = frozenset(
    {PublishedRating.CRITICALLY_LOW, PublishedRating.LOW_OR_CRITICALLY_LOW}
)


def rating_for(review: IncludedReview) -> str:
    """The rating value ('' when unrated) to show for a review."""
    return getattr(review, RATING_FIELD)


def rating_label(value: str) -> str:
    return RATING_LABELS.get(value, "Not rated")


def ratings_at_least(minimum: str) -> list[str]:
    """Rating values at or above `minimum` in RATING_ORDER (unrated reviews never qualify)."""
    return [str(r) for r in RATING_ORDER[: RATING_ORDER.index(minimum) + 1]]


def rating_lookup(prefix: str = "review__") -> str:
    """The ORM path of the rating, e.g. for filters: 'review__published_rating'."""
    return f"{prefix}{RATING_FIELD}"


def with_rating_rank(queryset: QuerySet, prefix: str = "review__") -> QuerySet:
    """Annotate `rating_rank` (0 = high … 4 = critically low, 5 = unrated) for sorting."""
    whens = [When(**{rating_lookup(prefix): r}, then=Value(i)) for i, r in enumerate(RATING_ORDER)]
    return queryset.annotate(
        rating_rank=Case(*whens, default=Value(len(RATING_ORDER)), output_field=IntegerField())
    )
