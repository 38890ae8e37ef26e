"""The AMSTAR 2 rating shown next to each result: its review's, by the one rule of
`reviews.registry.ratings` (consensus appraisal, else published), read through `review__`.

Querysets of results are annotated with `with_ratings(results, review_path=REVIEW_PATH)`, and
every table, filter, plot, summary and export reads that annotation (`RATING`).
"""

from reviews.registry.ratings import rating_field

REVIEW_PATH = "review__"
RATING = rating_field(REVIEW_PATH)  # the annotation's name: "review_rating"


def rating_for(result) -> str:
    """The rating value ('' when unrated) of a result from a `with_ratings` queryset."""
    return getattr(result, RATING) or ""
