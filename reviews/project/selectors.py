"""Counts for an umbrella review's overview page, computed from the registry in a few queries."""

from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q

from ..models import (
    IncludedReview,
    InterventionFormat,
    Population,
    PrimaryStudy,
    PublishedRating,
    Report,
    ResearchQuestion,
    ReviewType,
    UmbrellaReview,
)


@dataclass(frozen=True)
class Tally:
    """One row of a count table; `value` is what the reviews list filters on."""

    label: str
    count: int
    value: str | int | None = None


@dataclass(frozen=True)
class UmbrellaSummary:
    n_reviews: int
    n_reports: int
    n_primary_studies: int | None
    primary_studies_as_reported: bool
    by_type: list[Tally]
    by_population: list[Tally]
    by_format: list[Tally]
    by_research_question: list[Tally]
    by_rating: list[Tally]
    n_unrated: int
    year_min: int | None
    year_max: int | None
    participants_min: int | None
    participants_max: int | None
    n_participants_not_reported: int


def _term_tallies(model, umbrella: UmbrellaReview) -> list[Tally]:
    terms = model.objects.filter(umbrella=umbrella).annotate(n=Count("reviews", distinct=True))
    return [Tally(str(term), term.n, term.pk) for term in terms]


def umbrella_summary(umbrella: UmbrellaReview) -> UmbrellaSummary:
    reviews = IncludedReview.objects.filter(umbrella=umbrella)
    totals = reviews.aggregate(
        n=Count("pk"),
        year_min=Min("year"),
        year_max=Max("year"),
        participants_min=Min("n_participants"),
        participants_max=Max("n_participants"),
        participants_missing=Count("pk", filter=Q(n_participants__isnull=True)),
        unrated=Count("pk", filter=Q(published_rating="")),
        **{f"type_{t.value}": Count("pk", filter=Q(review_type=t.value)) for t in ReviewType},
        **{
            f"rating_{r.value}": Count("pk", filter=Q(published_rating=r.value))
            for r in PublishedRating
        },
    )
    n_studies = PrimaryStudy.objects.active().filter(umbrella=umbrella).count()
    as_reported = n_studies == 0 and umbrella.reported_primary_studies is not None
    questions = ResearchQuestion.objects.filter(umbrella=umbrella).annotate(n=Count("reviews"))
    return UmbrellaSummary(
        n_reviews=totals["n"],
        n_reports=totals["n"] + Report.objects.filter(review__umbrella=umbrella).count(),
        n_primary_studies=umbrella.reported_primary_studies if as_reported else n_studies,
        primary_studies_as_reported=as_reported,
        by_type=[Tally(t.label, totals[f"type_{t.value}"], t.value) for t in ReviewType],
        by_population=_term_tallies(Population, umbrella),
        by_format=_term_tallies(InterventionFormat, umbrella),
        by_research_question=[
            Tally(f"{q.code} – {q.get_kind_display()}", q.n, q.pk) for q in questions
        ],
        by_rating=[Tally(r.label, totals[f"rating_{r.value}"], r.value) for r in PublishedRating],
        n_unrated=totals["unrated"],
        year_min=totals["year_min"],
        year_max=totals["year_max"],
        participants_min=totals["participants_min"],
        participants_max=totals["participants_max"],
        n_participants_not_reported=totals["participants_missing"],
    )
