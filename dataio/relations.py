"""Model fields looked up by name, narrowed to the kind the caller needs.

`Model._meta.get_field` returns any field, relation or generic key; the workbook and the
synthetic-data generator know which kind each name is. These helpers check it once, with a
clear error for a wrong name, so that the callers (and mypy) can use the kind's attributes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models


def concrete_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The field `name` of `model` that is stored in its table (a column or a foreign key)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or isinstance(field, models.ManyToManyField):
        raise ImproperlyConfigured(f"{model.__name__}.{name} is not a column.")
    return field


@dataclass(frozen=True)
class ManyToMany:
    """A many-to-many field's link table and the names of its two foreign keys."""

    through: type[models.Model]
    source: str  # the link table's key to the model that declares the field
    target: str  # its key to the linked model


def many_to_many(model: type[models.Model], name: str) -> ManyToMany:
    """The link table of `model`'s many-to-many field `name`."""
    field = model._meta.get_field(name)
    if isinstance(field, models.ManyToManyField) and field.remote_field.through is not None:
        through = field.remote_field.through  # resolved to a model once the apps are loaded
        return ManyToMany(through, field.m2m_field_name(), field.m2m_reverse_field_name())
    raise ImproperlyConfigured(f"{model.__name__}.{name} is not a many-to-many field.")
