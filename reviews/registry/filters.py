"""The included-reviews table's filters: one FilterSet feeds the table, later plots and exports."""

import django_filters
from django import forms
from django.db.models import Q

from ..filters import LinkedToAnyFilter, ProjectFilterSet
from ..models import (
    IncludedReview,
    ReviewType,
)
from .ratings import RATING_LABELS, RATING_ORDER


class IncludedReviewFilter(ProjectFilterSet):
    q = django_filters.CharFilter(
        label="Search title or authors", method="search", widget=forms.SearchInput
    )
    review_type = django_filters.MultipleChoiceFilter(
        label="Review type", choices=ReviewType.choices, widget=forms.CheckboxSelectMultiple
    )
    population = LinkedToAnyFilter("populations", label="Population")
    format = LinkedToAnyFilter("formats", label="Intervention format")
    research_question = LinkedToAnyFilter("research_questions", label="Research question")
    # `rating` is annotated by ratings.with_ratings: the consensus rating, else the
    # rating the umbrella review published.
    rating = django_filters.MultipleChoiceFilter(
        label="AMSTAR 2 rating",
        # Plain strings (the order holds choice members): the API schema types the parameter
        # from the first choice's type.
        choices=[(str(value), RATING_LABELS[value]) for value in RATING_ORDER],
        widget=forms.CheckboxSelectMultiple,
    )
    year = django_filters.RangeFilter(label="Publication year")
    sort = django_filters.OrderingFilter(
        label="Sort by",
        # (field, parameter) pairs throughout: the stubs accept no mix of pairs and names.
        fields=(
            *((name, name) for name in ("label", "year", "review_type")),
            *((name, name) for name in ("n_primary_studies", "n_participants")),
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
        fields: list[str] = []

    def search(self, queryset, name, value):
        terms = value.split()
        for term in terms:
            queryset = queryset.filter(
                Q(title__icontains=term) | Q(authors__icontains=term) | Q(label__icontains=term)
            )
        return queryset
