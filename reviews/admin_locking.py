"""The Django admin's writes: optimistic locking of its change forms (and the inline rows they
edit), and the data revision of every project a save or delete touches.

The admin saves through its own views, so its forms take part in `versioning` here. Each
change form carries the version it was opened at in a hidden field. `ModelAdmin.changeform_view`
validates and saves inside one transaction, so the form's `clean()` locks the stored row and
compares versions (`versioning.check_version`) — a stale form comes back with an error listing
the stored value next to the submitted one for each field that differs, and nothing is
written — and the save then goes through `versioning.save_versioned` like every other edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import construct_instance
from django.http import HttpRequest
from django.utils.text import capfirst

from .history.records import links_in_one_version
from .project.revisions import changed
from .versioning import StaleEdit, check_version, conflicts, save_versioned, version_of

if TYPE_CHECKING:  # generic only to the type checker (django-stubs)
    _ModelForm = forms.ModelForm[Any]
    _ModelAdmin = admin.ModelAdmin[Any]
    _InlineModelAdmin = admin.options.InlineModelAdmin[Any, Any]
else:
    _ModelForm, _ModelAdmin = forms.ModelForm, admin.ModelAdmin
    _InlineModelAdmin = admin.options.InlineModelAdmin

LOADED_VERSION = "loaded_version"


class _VersionCheck(_ModelForm):
    """Mixed into an admin ModelForm by `locked_form`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial[LOADED_VERSION] = version_of(self.instance)

    @property
    def changed_data(self) -> list[str]:
        # The hidden version is bookkeeping, not an edit: it neither makes an unchanged inline
        # row "changed" nor appears in the admin's change message.
        return [name for name in super().changed_data if name != LOADED_VERSION]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is None or self.instance._state.adding:
            return cleaned
        loaded = cleaned.get(LOADED_VERSION)
        try:
            check_version(self.instance, loaded)
        except StaleEdit as stale:
            raise ValidationError(stale_messages(self, stale, loaded), code="stale") from None
        return cleaned

    def save(self, commit: bool = True) -> Any:
        # Inline rows are saved by their formset through here: the same locked save.
        instance = super().save(commit=False)
        if commit:
            loaded = self.cleaned_data.get(LOADED_VERSION)
            save_versioned(instance, loaded_version=loaded, save_m2m=self.save_m2m)
        return instance


def stale_messages(form: forms.ModelForm[Any], stale: StaleEdit, loaded: int | None) -> list[str]:
    name = form.instance._meta.verbose_name
    if stale.saved is None:
        return [f"This {name} was deleted by someone else; nothing was saved."]
    messages = [
        f"Someone else saved this {name} (now version {version_of(stale.saved)}) after you opened "
        f"it (version {loaded if loaded is not None else 'unknown'}). Nothing was saved. "
        "Compare the values below, then reload the page to edit the saved version."
    ]
    # The form's values go onto its instance only after clean(); the comparison needs them.
    construct_instance(form, form.instance, form._meta.fields, form._meta.exclude)
    stale.conflicts = conflicts(form, stale.saved)
    for label, mine, theirs in stale.conflicts:
        messages.append(f"{capfirst(label)}: you submitted “{mine}”; saved now: “{theirs}”.")
    return messages


def locked_form(form_class: type[forms.ModelForm[Any]]) -> type[forms.ModelForm[Any]]:
    """`form_class` plus the hidden loaded version and the check against the stored row."""
    if issubclass(form_class, _VersionCheck):
        return form_class
    attrs = {
        LOADED_VERSION: forms.IntegerField(widget=forms.HiddenInput, required=False),
        "__module__": __name__,
    }
    return type(form_class.__name__, (_VersionCheck, form_class), attrs)


class ProjectWritesAdmin(_ModelAdmin):
    """Every save or delete made here retires the cached pages of the projects it touched.

    `umbrella_path` is the ORM path from the admin's model to its umbrella review ("pk" for
    the umbrella review itself).
    """

    umbrella_path = "umbrella"

    def _umbrella_ids(self, rows: models.QuerySet[Any]) -> list[int]:
        ids = rows.values_list(self.umbrella_path, flat=True).distinct()
        return [pk for pk in ids if pk is not None]

    def _one(self, obj: models.Model) -> models.QuerySet[Any]:
        rows: models.QuerySet[Any] = self.model._base_manager.filter(pk=obj.pk)
        return rows

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed(*self._umbrella_ids(self._one(obj)))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        changed(*self._umbrella_ids(self._one(form.instance)))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        umbrella_ids = self._umbrella_ids(self._one(obj))  # read while the row is there
        super().delete_model(request, obj)
        changed(*umbrella_ids)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        umbrella_ids = self._umbrella_ids(queryset)
        super().delete_queryset(request, queryset)
        changed(*umbrella_ids)


class VersionLockedAdmin(ProjectWritesAdmin):
    """Base of every admin that edits research data: its change forms lock optimistically.

    Editing in the change list (`list_editable`) would bypass the check, so it is refused.
    """

    def __init__(self, model: type[models.Model], admin_site: admin.AdminSite) -> None:
        super().__init__(model, admin_site)
        self.form = locked_form(self.form)
        if self.list_editable:
            raise TypeError(
                f"{type(self).__name__}: list_editable bypasses optimistic locking; edit rows "
                "in their change form."
            )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        return _with_loaded_version(fieldsets)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The version was checked while the form validated, with the row locked since.
        save_versioned(obj, loaded_version=form.cleaned_data.get(LOADED_VERSION))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The row's links belong to the version its save just recorded (one save, one version).
        with links_in_one_version(form.instance):
            super().save_related(request, form, formsets, change)


class VersionLockedInline(_InlineModelAdmin):
    """Inline rows of a model with a `version` lock the same way, row by row."""

    def __init__(self, parent_model: type[models.Model], admin_site: admin.AdminSite) -> None:
        super().__init__(parent_model, admin_site)
        self.form = locked_form(self.form)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return _with_loaded_version(super().get_fieldsets(request, obj))


def _with_loaded_version(fieldsets: Any) -> Any:
    names = flatten_fieldsets(fieldsets)
    if LOADED_VERSION in names or not fieldsets:
        return fieldsets
    (title, options), *rest = fieldsets
    return [(title, {**options, "fields": [*options["fields"], LOADED_VERSION]}), *rest]
