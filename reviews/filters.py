"""The bases of the FilterSets of every app's tables: a project's own choices, and rows linked to
any chosen term."""

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import QuerySet

from .project.models import UmbrellaReview


class LinkedToAnyFilter(django_filters.ModelMultipleChoiceFilter):
    """Rows linked to any chosen term through a many-to-many field (`field_name` such as
    "populations" or "review__populations"), filtered with an IN subquery rather than a join:
    a join repeats a row once per matching link and would need a DISTINCT over every column,
    which on a large project costs more than the rest of the query."""

    field_name: str  # always given: __init__ requires it

    def __init__(self, field_name: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(field_name=field_name, **kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        path, _, relation = self.field_name.rpartition("__")
        owner = qs.model._meta.get_field(path).related_model if path else qs.model
        linked = owner._base_manager.filter(**{f"{relation}__in": value}).values("pk")
        return qs.filter(**{f"{path}__in" if path else "pk__in": linked})


_MODEL_CHOICE_FILTERS = (django_filters.ModelChoiceFilter, django_filters.ModelMultipleChoiceFilter)


def _related_model(model: type[models.Model], path: str) -> type[models.Model]:
    """The model at the end of an ORM path ("review__populations" from OutcomeResult)."""
    for name in path.split("__"):
        related = model._meta.get_field(name).related_model
        if not isinstance(related, type):
            raise ImproperlyConfigured(f"{path!r} does not lead to a model from {model.__name__}.")
        model = related
    return model


class ProjectFilterSet(django_filters.FilterSet):
    """A FilterSet of one umbrella review's table. Vocabularies are per umbrella review, so the
    choices of its filters on other rows (populations, outcomes, themes...) are that review's:
    such filters are declared without a queryset, and get the rows of the model their
    `field_name` leads to that belong to the umbrella review."""

    def __init__(self, *args: Any, umbrella: UmbrellaReview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, filter_ in self.filters.items():
            if isinstance(filter_, _MODEL_CHOICE_FILTERS):
                # types-django-filter omits FilterSet._meta (its metaclass sets it).
                meta = self._meta  # type: ignore[attr-defined]
                # FilterSet names a filter's field after the filter when not given.
                model = _related_model(meta.model, filter_.field_name or name)
                filter_.queryset = model._default_manager.filter(umbrella=umbrella)
