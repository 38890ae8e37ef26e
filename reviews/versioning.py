"""The one optimistic-locking helper: every write of a row with a `version` goes through it.

An edit remembers the version it was opened at, and its save is one check-and-bump
(`advance`): UPDATE … SET version = version + 1 WHERE pk = … AND version = <loaded>. No row
updated means someone saved (or deleted) it first, and the save is refused with `StaleEdit`,
carrying the row as now saved and, for a form, each field that differs (`conflicts`). The
check and the bump are one statement, so two saves from the same version cannot both pass,
on SQLite or PostgreSQL.

Each model says what an update resets besides its new values (`on_update_resets()`, e.g. an
outcome result's second-person check); `save_versioned` and the workbook writer both take it
from the model (`update_values`). Every write here also retires the project's cached pages
once the transaction commits (`reviews.project.revisions.changed`).

Used by the site's forms (`reviews.views.VersionedFormView`, results, study rows), the admin
(`admin_locking`), appraisals, the result check, the workbook writer, history restore and
study merges — so no write path can forget the lock.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, NamedTuple, TypeVar

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import F

from .history.records import links_in_one_version
from .history.tracking import umbrella_id_of
from .project.revisions import changed

M = TypeVar("M", bound=models.Model)


class Conflict(NamedTuple):
    """One field an edit and the saved row disagree on, as shown to the editor."""

    label: str
    yours: str
    saved: str


class StaleEdit(Exception):
    """Someone saved or deleted the row since this edit started; nothing was written.

    `saved` is the row as it is now saved (None: it was deleted); `conflicts` lists the fields
    the edit and the saved row disagree on, where the edit came from a form.
    """

    def __init__(self, saved: models.Model | None, conflicts: list[Conflict] | None = None):
        where = f"is now at version {version_of(saved)}" if saved is not None else "was deleted"
        name = saved._meta.verbose_name if saved is not None else "row"
        super().__init__(f"The {name} {where} since this edit started.")
        self.saved = saved
        self.conflicts = conflicts or []


@dataclass(frozen=True)
class Saved(Generic[M]):
    instance: M
    created: bool


def is_versioned(model: type[models.Model]) -> bool:
    return any(field.name == "version" for field in model._meta.concrete_fields)


def version_of(row: models.Model) -> int:
    """A versioned row's `version` (the field is declared by each model, not by `Model`)."""
    return int(row.version)  # type: ignore[attr-defined]


def _set_version(row: models.Model, version: int) -> None:
    # As above: the field is declared by the versioned models, which `Model` does not know.
    row.version = version  # type: ignore[attr-defined]


def resets_on_update(model: type[models.Model]) -> dict[str, Any]:
    """What the model says an update clears besides its new values (field name → value)."""
    declared: Callable[[], Mapping[str, Any]] | None = getattr(model, "on_update_resets", None)
    return dict(declared()) if declared is not None else {}


def update_values(model: type[models.Model]) -> dict[str, Any]:
    """What every update of the model writes besides its new values: the next version (as an
    expression the database evaluates) and the model's resets — for bulk writers."""
    bump = {"version": F("version") + 1} if is_versioned(model) else {}
    return bump | resets_on_update(model)


def advance(
    model: type[models.Model],
    pk: Any,
    *,
    loaded_version: int | None,
    values: Mapping[str, Any] | None = None,
) -> int:
    """The check-and-bump: the row's next version (written), with `values` in the same UPDATE.

    `loaded_version` None skips the check, for writes that hold no edit (a restore, a merge).
    Raises StaleEdit with the saved row (or None, deleted) when the check fails.
    """
    rows = model._base_manager.filter(pk=pk)
    checked = rows if loaded_version is None else rows.filter(version=loaded_version)
    if not checked.update(version=F("version") + 1, **(values or {})):
        raise StaleEdit(rows.first())
    if loaded_version is not None:
        return loaded_version + 1
    return int(rows.values_list("version", flat=True).get())


def check_version(instance: models.Model, loaded_version: int | None) -> None:
    """Refuse early (before any write) an edit whose row moved on; locks the row meanwhile
    (SELECT … FOR UPDATE where the database has it), so the save that follows in the same
    transaction cannot be overtaken. The admin's forms check here while they validate."""
    saved = type(instance)._base_manager.select_for_update().filter(pk=instance.pk).first()
    if saved is None or version_of(saved) != loaded_version:
        raise StaleEdit(saved)


def save_versioned(
    instance: M,
    *,
    loaded_version: int | None,
    update_fields: Collection[str] | None = None,
    save_m2m: Callable[[], None] | None = None,
) -> Saved[M]:
    """Create or update a validated row (and its many-to-many links) in one transaction.

    An update first passes `advance` against `loaded_version` (StaleEdit if it fails), then
    takes the model's resets of the fields it does not set itself (`update_fields`, when
    given, are the fields it sets; the others are left as stored) and saves, recording one
    history version, links (`save_m2m`, a form's) included.
    """
    with transaction.atomic():
        created = instance._state.adding or instance.pk is None
        if created:
            _set_version(instance, 1)
            instance.save()
        else:
            _set_version(
                instance, advance(type(instance), instance.pk, loaded_version=loaded_version)
            )
            resets = {
                name: value
                for name, value in resets_on_update(type(instance)).items()
                if update_fields is None or name not in update_fields
            }
            for name, value in resets.items():
                setattr(instance, name, value)
            fields = None if update_fields is None else [*update_fields, *resets, "version"]
            instance.save(update_fields=fields)
        if save_m2m is not None:
            with links_in_one_version(instance):
                save_m2m()
        changed(umbrella_id_of(instance))
    return Saved(instance, created)


def take_next_version(instance: models.Model) -> None:
    """Give a row about to be saved wholesale (a restore) its next version, without a check:
    forms opened before it must see it as newer. Call inside the write's transaction."""
    _set_version(instance, advance(type(instance), instance.pk, loaded_version=None))
    changed(umbrella_id_of(instance))


def delete_versioned(instance: models.Model, *, loaded_version: int | None) -> bool:
    """Delete the row if it is still at `loaded_version`; False if it was already gone.

    The delete goes through the ORM, so its history records it; StaleEdit if it moved on.
    """
    with transaction.atomic():
        umbrella_id = umbrella_id_of(instance)
        rows = type(instance)._base_manager.filter(pk=instance.pk)
        deleted, _ = rows.filter(version=loaded_version).delete()
        if not deleted:
            saved = rows.first()
            if saved is None:
                return False
            raise StaleEdit(saved)
        changed(umbrella_id)
    return True


# -- what a refused edit shows -------------------------------------------------------------


def conflicts(
    form: forms.BaseModelForm[Any],
    saved: models.Model,
    *,
    labels: Literal["form", "model"] = "form",
) -> list[Conflict]:
    """Each field of a validated `form` whose value differs from `saved`, both values shown.

    The edit's values are those of `form.instance` (as validation leaves it) and, for links,
    the cleaned data. Labels are the form's (`labels="model"`: the fields' verbose names);
    choices show their labels, numbers no trailing zeros, links the linked rows' names.
    """
    rows = []
    for name, form_field in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        try:
            field = saved._meta.get_field(name)
        except FieldDoesNotExist:  # a form-only field, such as the admin's loaded version
            continue
        if not isinstance(field, models.Field):  # a reverse relation: not the row's own
            continue
        label = str(form_field.label if labels == "form" else field.verbose_name)
        if field.many_to_many:
            mine = list(form.cleaned_data[name] or [])
            theirs = list(getattr(saved, name).all())
            if {obj.pk for obj in mine} != {obj.pk for obj in theirs}:
                rows.append(Conflict(label, _joined(mine), _joined(theirs)))
            continue
        if not field.concrete:
            continue
        if _blank_is_none(field.value_from_object(form.instance)) != _blank_is_none(
            field.value_from_object(saved)
        ):
            rows.append(Conflict(label, _shown(form.instance, field), _shown(saved, field)))
    return rows


def _blank_is_none(value: object) -> object:
    return None if value in ("", None) else value


def _shown(instance: models.Model, field: models.Field[Any, Any]) -> str:
    value = getattr(instance, field.name)
    if value in ("", None):
        return "–"
    if field.choices:
        return str(getattr(instance, f"get_{field.name}_display")())
    return f"{value:g}" if isinstance(value, float) else str(value)


def _joined(objects: list[models.Model]) -> str:
    return ", ".join(str(obj) for obj in objects) or "–"
