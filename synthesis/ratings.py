"""The AMSTAR 2 rating shown next to each result: the one place that decides which rating.

A review's rating is its submitted consensus appraisal's (computed by the appraisal app), else
the rating the umbrella review published. Querysets of results are annotated with it
(`with_rating_rank`), and every table, filter, plot, summary and export reads that annotation.
"""

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf

from appraisal.tables import consensus_join
from reviews.models import PublishedRating

RATING_ANNOTATION = "review_rating"

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


def rating_for(result) -> str:
    """The rating value ('' when unrated) of a result from a `with_rating_rank` queryset."""
    return getattr(result, RATING_ANNOTATION) or ""


def rating_label(value: str) -> str:
    return RATING_LABELS.get(value, "Not rated")


def ratings_at_least(minimum: str) -> list[str]:
    """Rating values at or above `minimum` in RATING_ORDER (unrated reviews never qualify)."""
    return [str(r) for r in RATING_ORDER[: RATING_ORDER.index(minimum) + 1]]


def rating_lookup() -> str:
    """The name of the rating annotation, e.g. for filters on a `with_rating_rank` queryset."""
    return RATING_ANNOTATION


def with_rating_rank(queryset: QuerySet) -> QuerySet:
    """Annotate results with their review's rating (`review_rating`, `review_rating_computed`)
    and `rating_rank` (0 = high … 4 = critically low, 5 = unrated) for sorting."""
    whens = [When(review_rating=r, then=Value(i)) for i, r in enumerate(RATING_ORDER)]
    return (
        queryset.annotate(review_consensus=consensus_join("review__"))
        .annotate(
            review_rating_computed=F("review_consensus__overall"),
            review_rating=Coalesce(
                F("review_consensus__overall"), NullIf(F("review__published_rating"), Value(""))
            ),
        )
        .annotate(
            rating_rank=Case(*whens, default=Value(len(RATING_ORDER)), output_field=IntegerField())
        )
    )
