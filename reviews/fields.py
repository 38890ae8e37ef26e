"""Factories for the field shapes that many models share, so that each model reads as what it
records: a figure a source may not report, or the account that did something to a row.

They make ordinary Django fields (the migrations see no difference); every app's models use them.
"""

from typing import Any

from django.conf import settings
from django.db import models


def optional_number(verbose_name: str | None = None, **options: Any) -> models.FloatField:
    """A figure that may be missing: NULL in the database, left blank in forms."""
    return models.FloatField(verbose_name, null=True, blank=True, **options)


def interval(name: str, unit: str = "") -> tuple[models.FloatField, models.FloatField]:
    """The lower and upper limits of an interval (a 95% CI...), labelled "<name> lower<unit>"
    and "<name> upper<unit>"; assign them to `x_low, x_high`."""
    return optional_number(f"{name} lower{unit}"), optional_number(f"{name} upper{unit}")


def optional_count(verbose_name: str | None = None, **options: Any) -> models.PositiveIntegerField:
    """A count that may be missing: NULL in the database, left blank in forms."""
    return models.PositiveIntegerField(verbose_name, null=True, blank=True, **options)


def reported_count(verbose_name: str | None = None) -> models.PositiveIntegerField:
    """A count as a source reports it, blank where it does not."""
    return optional_count(verbose_name, help_text="Blank: not reported.")


def optional_link(to: Any, on_delete: Any, **options: Any) -> models.ForeignKey:
    """A link to another row that may be missing: NULL in the database, left blank in forms."""
    return models.ForeignKey(to, on_delete=on_delete, null=True, blank=True, **options)


def one_of(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    """A check constraint: `field` holds one of `choices` even in rows that bypass forms."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)


def account_link(**options: Any) -> models.ForeignKey:
    """The account that did something to the row (entered, checked, merged it...); the row
    keeps its history when the account is deleted, the link becoming NULL."""
    return optional_link(settings.AUTH_USER_MODEL, models.SET_NULL, **options)
