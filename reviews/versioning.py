"""Saves with optimistic locking, for the forms of factors, subthemes, PRISMA counts, narratives.

The same pattern as `synthesis.services.save_result`: every row carries a `version`; a save
whose version is no longer current is refused with the row as it is now saved.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction

from .history.records import links_in_one_version


class StaleEdit(Exception):
    """Someone saved the row since this edit started; `current` is what they saved."""

    def __init__(self, current: models.Model):
        super().__init__(
            f"{current._meta.verbose_name} {current.pk} is at version {current.version}."
        )
        self.current = current


@dataclass(frozen=True)
class Saved:
    instance: models.Model
    created: bool


def save_versioned(
    instance: models.Model,
    *,
    expected_version: int | None,
    save_m2m: Callable[[], None] | None = None,
    **extra,
) -> Saved:
    """Create or update a validated row (and its many-to-many links) in one transaction.

    The row is locked (SELECT … FOR UPDATE where the database supports it) while its version
    is compared and bumped, so two simultaneous saves cannot both pass the check.
    `extra` are attributes to set before saving (e.g. `updated_by`).
    """
    for name, value in extra.items():
        setattr(instance, name, value)
    with transaction.atomic():
        created = instance.pk is None
        if created:
            instance.version = 1
        else:
            current = type(instance).objects.select_for_update().get(pk=instance.pk)
            if current.version != expected_version:
                raise StaleEdit(current)
            instance.version = current.version + 1
        instance.save()
        if save_m2m is not None:
            with links_in_one_version(instance):
                save_m2m()
    return Saved(instance, created)


def conflicts(form, current: models.Model) -> list[tuple[str, str, str]]:
    """(field label, your value, saved value) for every form field the two versions disagree on."""
    rows = []
    for name, field in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        mine = form.cleaned_data[name]
        try:
            model_field = current._meta.get_field(name)
        except FieldDoesNotExist:  # a form-only field, such as the admin's loaded version
            continue
        if model_field.many_to_many:
            theirs = list(getattr(current, name).all())
            if {obj.pk for obj in mine} != {obj.pk for obj in theirs}:
                rows.append((str(field.label), _join(mine), _join(theirs)))
            continue
        theirs = getattr(current, name)
        if (mine if mine not in ("", None) else None) != (
            theirs if theirs not in ("", None) else None
        ):
            rows.append((str(field.label), _shown(mine), _shown(theirs)))
    return rows


def _shown(value) -> str:
    return "–" if value in ("", None) else str(value)


def _join(objects) -> str:
    return ", ".join(str(obj) for obj in objects) or "–"
