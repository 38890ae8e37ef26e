"""One FilterSet for every evidence table: it feeds the matrix, tables, plots and exports."""

import django_filters
from django import forms
from django.db.models import F, Q

from reviews.filters import LinkedToAnyFilter, ProjectFilterSet
from reviews.models import PublishedRating
from reviews.registry.ratings import POSSIBLY_CRITICALLY_LOW, RATING_ORDER, ratings_at_least

from .models import (
    Comparator,
    EvidenceType,
    Finding,
    OutcomeResult,
    Timepoint,
)
from .selectors.ratings import RATING

CHECKBOXES = forms.CheckboxSelectMultiple


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Missing values sort last both ways, on SQLite and PostgreSQL alike."""

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        field = F(value.lstrip("-"))
        return field.desc(nulls_last=True) if value.startswith("-") else field.asc(nulls_last=True)


class OutcomeResultFilter(ProjectFilterSet):
    domain = django_filters.ModelMultipleChoiceFilter(
        label="Outcome domain", field_name="outcome__domain", widget=CHECKBOXES
    )
    outcome = django_filters.ModelMultipleChoiceFilter(label="Outcome", widget=forms.SelectMultiple)
    evidence_type = django_filters.MultipleChoiceFilter(
        label="Evidence", choices=EvidenceType.choices, widget=CHECKBOXES
    )
    finding = django_filters.MultipleChoiceFilter(
        label="Finding", choices=Finding.choices, widget=CHECKBOXES
    )
    timepoint = django_filters.MultipleChoiceFilter(
        label="Timepoint", choices=Timepoint.choices, widget=CHECKBOXES
    )
    population = LinkedToAnyFilter(
        "review__populations", label="Population (of the review)", widget=forms.SelectMultiple
    )
    format = LinkedToAnyFilter("review__formats", label="Intervention format (of the review)")
    comparator = django_filters.MultipleChoiceFilter(
        label="Comparator", choices=Comparator.choices, widget=forms.SelectMultiple
    )
    research_question = LinkedToAnyFilter("review__research_questions", label="Research question")
    min_rating = django_filters.ChoiceFilter(
        label="Minimum AMSTAR 2 rating",
        choices=[(str(r), PublishedRating(r).label) for r in RATING_ORDER],
        empty_label="Any (including unrated)",
        method="filter_min_rating",
    )
    sensitivity = django_filters.BooleanFilter(
        label="Sensitivity: leave out reviews rated (possibly) critically low",
        method="filter_sensitivity",
        widget=forms.CheckboxInput,
    )
    sort = NullsLastOrderingFilter(
        label="Sort by",
        fields=(
            ("review__label", "review"),
            ("rating_rank", "rating"),
            # (field, parameter) pairs throughout: the stubs accept no mix of pairs and names.
            *((name, name) for name in ("k", "n", "estimate", "finding")),
        ),
    )

    class Meta:
        model = OutcomeResult
        fields: list[str] = []

    def filter_min_rating(self, queryset, name, value):
        return queryset.filter(**{f"{RATING}__in": ratings_at_least(value)})

    def filter_sensitivity(self, queryset, name, value):
        if not value:
            return queryset
        # Unrated reviews stay in; the rating is an annotation, so say so explicitly (SQL's
        # NOT IN would drop NULLs).
        low = Q(**{f"{RATING}__in": sorted(POSSIBLY_CRITICALLY_LOW)})
        return queryset.filter(Q(**{f"{RATING}__isnull": True}) | ~low)

    @property
    def is_active(self) -> bool:
        """Whether any filter (not just the sort order) is set."""
        return (
            any(
                value not in (None, "", [], False)
                for name, value in self.form.cleaned_data.items()
                if name != "sort"
            )
            if self.is_bound and self.form.is_valid()
            else False
        )
