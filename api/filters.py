"""FilterSets of the API's own lists (the others are the pages' own, imported from their apps)."""

import django_filters

from appraisal.models import Appraisal
from synthesis.models import StudyEffect


class AppraisalFilter(django_filters.FilterSet):
    project_scoped = False  # filters by value only: nothing to restrict to the project

    review = django_filters.NumberFilter(field_name="review_id", label="Included review (id)")

    class Meta:
        model = Appraisal
        fields = ["role", "status"]


class StudyEffectFilter(django_filters.FilterSet):
    project_scoped = False

    result = django_filters.NumberFilter(
        field_name="outcome_result_id", label="Outcome result (id)"
    )

    class Meta:
        model = StudyEffect
        fields: list[str] = []
