"""The AMSTAR 2 table's filters; the same FilterSet feeds the table, its plots and the exports."""

import django_filters
from django import forms

from reviews.models import IncludedReview, ReviewType
from reviews.registry.ratings import RATING_LABELS, RATING_ORDER


class AppraisalTableFilter(django_filters.FilterSet):
    review_type = django_filters.MultipleChoiceFilter(
        label="Review type", choices=ReviewType.choices, widget=forms.CheckboxSelectMultiple
    )
    rating = django_filters.MultipleChoiceFilter(
        label="Overall confidence",
        choices=[(value, RATING_LABELS[value]) for value in RATING_ORDER],
        widget=forms.CheckboxSelectMultiple,
    )
    sort = django_filters.OrderingFilter(
        label="Sort by",
        # (field, parameter) pairs throughout: the stubs accept no mix of pairs and names.
        fields=(
            ("label", "label"),
            ("year", "year"),
            ("review_type", "review_type"),
            ("rating_rank", "rating"),
        ),
    )

    class Meta:
        model = IncludedReview
        fields: list[str] = []
