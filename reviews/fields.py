"""Factories for the field shapes that many models share, so that each model reads as what it
records: a figure a source may not report, or the account that did something to a row; the
abstract bases `Audited` (a row with an audit history) and `Versioned` (one also edited under
optimistic locking); and `choices_of`, the field choices of a pure module's labelled values.

They make ordinary Django fields (the migrations see no difference); every app's models use them.
"""

import sys
from typing import Any

from django.conf import settings
from django.db import models

from .history.records import LinkedHistoricalRecords
from .labels import LabelledEnum


def optional_number(verbose_name: str | None = None, **options: Any) -> models.FloatField:
    """A figure that may be missing: NULL in the database, left blank in forms."""
    return models.FloatField(verbose_name, null=True, blank=True, **options)


def interval(name: str, unit: str = "") -> tuple[models.FloatField, models.FloatField]:
    """The lower and upper limits of an interval (a 95% CI...), labelled "<name> lower<unit>"
    and "<name> upper<unit>"; assign them to `x_low, x_high`."""
    return optional_number(f"{name} lower{unit}"), optional_number(f"{name} upper{unit}")


def internal_note() -> models.TextField:
    """A note for the project's members only (e.g. where a value was found in the working
    files); pages show it to members, never to readers or in public exports (reviews/notes.py)."""
    return models.TextField(
        blank=True, help_text="Seen by the project's members only, never by readers."
    )


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


def in_order(low: str, high: str, *, name: str, message: str) -> models.CheckConstraint:
    """A check constraint: `low` does not exceed `high` where both are given."""
    condition = (
        models.Q(**{f"{low}__isnull": True})
        | models.Q(**{f"{high}__isnull": True})
        | models.Q(**{f"{low}__lte": models.F(high)})
    )
    return models.CheckConstraint(condition=condition, name=name, violation_error_message=message)


def choices_of(
    values: type[LabelledEnum], name: str = "", more: tuple[tuple[str, tuple[str, str]], ...] = ()
) -> Any:
    """The TextChoices of a pure module's labelled values: same names, values, labels, order,
    then the members `more` adds (`(name, (value, label))` each). Assign it to `name` (by
    default the pure class's name) in the calling module.

    Typed `Any` because mypy cannot see the members of an enum made by a call; its members
    equal the pure enum's, which is the type to annotate with where one is wanted."""
    members = [*((member.name, (member.value, member.label)) for member in values), *more]
    # Made in the caller's module (as a class statement there would be), so members pickle.
    module = sys._getframe(1).f_globals["__name__"]
    # django-stubs type only the class-statement form of TextChoices, not Enum's functional API.
    return models.TextChoices(name or values.__name__, members, module=module)  # type: ignore[call-overload]


def account_link(**options: Any) -> models.ForeignKey:
    """The account that did something to the row (entered, checked, merged it...); the row
    keeps its history when the account is deleted, the link becoming NULL."""
    return optional_link(settings.AUTH_USER_MODEL, models.SET_NULL, **options)


class Audited(models.Model):
    """A row with an audit history: every subclass keeps one (simple-history's `inherit`); one
    whose history also keeps its many-to-many links names them in `_history_m2m_fields`."""

    history = LinkedHistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class Versioned(Audited):
    """A row of research data: edited under optimistic locking, with an audit history.

    `version` starts at 1 and only the locking helper (`reviews.versioning`) moves it;
    `on_update_resets` says what any update clears besides its new values (nothing, unless a
    model says otherwise). A row saved only as part of another (an AMSTAR 2 item's answer, with
    its appraisal) is `Audited` alone.
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def on_update_resets(cls) -> dict[str, Any]:
        """Field name → the value any update of a row sets it to, besides the edit's values."""
        return {}
