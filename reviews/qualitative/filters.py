"""Filters of the implementation and experience tables (one FilterSet per table)."""

import django_filters
from django.db.models import Q

from ..filters import ProjectFilterSet
from ..models import (
    CfirDomain,
    ExperienceSubtheme,
    ExperienceValence,
    FactorValence,
    ImplementationFactor,
    IncludedReview,
)

VALENCE_FILTER_CHOICES = [
    (FactorValence.FACILITATOR, "Facilitators (incl. factors coded both)"),
    (FactorValence.BARRIER, "Barriers (incl. factors coded both)"),
    (FactorValence.BOTH, "Coded both only"),
]


class ImplementationFactorFilter(ProjectFilterSet):
    valence = django_filters.ChoiceFilter(
        label="Facilitator or barrier", choices=VALENCE_FILTER_CHOICES, method="filter_valence"
    )
    domain = django_filters.ChoiceFilter(label="CFIR domain", choices=CfirDomain.choices)
    review = django_filters.ModelChoiceFilter(label="Supporting review", field_name="reviews")

    class Meta:
        model = ImplementationFactor
        fields = ["valence", "domain", "review"]

    def __init__(self, *args, umbrella, **kwargs):
        super().__init__(*args, umbrella=umbrella, **kwargs)
        # Only the reviews behind some factor: a filter that can only return nothing is noise.
        self.filters["review"].queryset = IncludedReview.objects.filter(
            umbrella=umbrella, implementation_factors__isnull=False
        ).distinct()

    def filter_valence(self, queryset, name, value):
        # A factor coded "both" is a barrier and a facilitator: it answers either question.
        if value == FactorValence.BOTH:
            return queryset.filter(valence=value)
        return queryset.filter(Q(valence=value) | Q(valence=FactorValence.BOTH))


class ExperienceSubthemeFilter(ProjectFilterSet):
    perspective = django_filters.ModelChoiceFilter(label="Perspective", field_name="perspectives")
    theme = django_filters.ModelChoiceFilter(label="Overarching theme")
    valence = django_filters.ChoiceFilter(label="Valence", choices=ExperienceValence.choices)
    contrasting = django_filters.BooleanFilter(label="Contrasting findings")
    review = django_filters.ModelChoiceFilter(label="Supporting review", field_name="reviews")

    class Meta:
        model = ExperienceSubtheme
        fields = ["perspective", "theme", "valence", "contrasting", "review"]

    def __init__(self, *args, umbrella, **kwargs):
        super().__init__(*args, umbrella=umbrella, **kwargs)
        self.filters["review"].queryset = IncludedReview.objects.filter(
            umbrella=umbrella, experience_subthemes__isnull=False
        ).distinct()
