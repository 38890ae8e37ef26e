"""The included-reviews table's filters: one FilterSet feeds the table, later plots and exports."""

import django_filters
from django import forms
from django.db.models import Q

from ..models import (
    IncludedReview,
    InterventionFormat,
    Population,
    ResearchQuestion,
    ReviewType,
)
from .ratings import RATING_LABELS, RATING_ORDER


class LinkedToAnyFilter(django_filters.ModelMultipleChoiceFilter):
    """Rows linked to any chosen value through a many-to-many field (`field_name` such as
    "populations" or "review__populations"), filtered with an IN subquery rather than a join:
    a join repeats a row once per matching link and would need a DISTINCT over every column,
    which on a large project costs more than the rest of the query."""

    def filter(self, qs, value):
        if not value:
            return qs
        path, _, relation = self.field_name.rpartition("__")
        owner = qs.model._meta.get_field(path).related_model if path else qs.model
        linked = owner._base_manager.filter(**{f"{relation}__in": value}).values("pk")
        return qs.filter(**{f"{path}__in" if path else "pk__in": linked})


class IncludedReviewFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search title or authors", method="search", widget=forms.SearchInput
    )
    review_type = django_filters.MultipleChoiceFilter(
        label="Review type", choices=ReviewType.choices, widget=forms.CheckboxSelectMultiple
    )
    population = LinkedToAnyFilter(
        label="Population",
        field_name="populations",
        queryset=Population.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    format = LinkedToAnyFilter(
        label="Intervention format",
        field_name="formats",
        queryset=InterventionFormat.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    research_question = LinkedToAnyFilter(
        label="Research question",
        field_name="research_questions",
        queryset=ResearchQuestion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    # `rating` is annotated by ratings.with_ratings: the consensus rating, else the
    # rating the umbrella review published.
    rating = django_filters.MultipleChoiceFilter(
        label="AMSTAR 2 rating",
        choices=[(value, RATING_LABELS[value]) for value in RATING_ORDER],
        widget=forms.CheckboxSelectMultiple,
    )
    year = django_filters.RangeFilter(label="Publication year")
    sort = django_filters.OrderingFilter(
        label="Sort by",
        fields=(
            ("label", "label"),
            ("year", "year"),
            ("review_type", "review_type"),
            ("n_primary_studies", "n_primary_studies"),
            ("n_participants", "n_participants"),
            ("rating_rank", "rating"),
        ),
        field_labels={
            "label": "Review",
            "year": "Year",
            "review_type": "Type",
            "n_primary_studies": "Primary studies",
            "n_participants": "Participants",
            "rating_rank": "Rating",
        },
    )

    class Meta:
        model = IncludedReview
        fields = []

    def __init__(self, *args, umbrella, **kwargs):
        super().__init__(*args, **kwargs)
        # Vocabularies are per umbrella review, so the choices are too.
        self.filters["population"].queryset = Population.objects.filter(umbrella=umbrella)
        self.filters["format"].queryset = InterventionFormat.objects.filter(umbrella=umbrella)
        self.filters["research_question"].queryset = ResearchQuestion.objects.filter(
            umbrella=umbrella
        )

    def search(self, queryset, name, value):
        terms = value.split()
        for term in terms:
            queryset = queryset.filter(
                Q(title__icontains=term) | Q(authors__icontains=term) | Q(label__icontains=term)
            )
        return queryset
