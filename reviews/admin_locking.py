"""Optimistic locking for the Django admin's change forms (and the inline rows they edit).

The web forms lock through `versioning.save_versioned`; the admin saves through its own views,
so its forms lock here. Each change form carries the version it was opened at in a hidden
field. `ModelAdmin.changeform_view` validates and saves inside one transaction, so the form's
`clean()` locks the stored row (SELECT … FOR UPDATE where the database supports it), compares
versions and either refuses the save — the form comes back with an error listing the stored
value next to the submitted one for each field that differs, and nothing is written — or
sets the next version, which the save then stores.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from .history.records import links_in_one_version
from .versioning import conflicts

LOADED_VERSION = "loaded_version"


class _VersionCheck:
    """Mixed into an admin ModelForm by `locked_form`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial[LOADED_VERSION] = self.instance.version

    @property
    def changed_data(self):
        # The hidden version is bookkeeping, not an edit: it neither makes an unchanged inline
        # row "changed" nor appears in the admin's change message.
        return [name for name in super().changed_data if name != LOADED_VERSION]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or self.instance._state.adding:
            return cleaned
        model = type(self.instance)
        current = model._base_manager.select_for_update().filter(pk=self.instance.pk).first()
        if current is None:
            raise ValidationError(
                f"This {model._meta.verbose_name} was deleted by someone else; nothing was saved."
            )
        loaded = cleaned.get(LOADED_VERSION)
        if loaded != current.version:
            raise ValidationError(stale_messages(self, current, loaded), code="stale")
        # The save that follows in the same transaction stores the next version.
        self.instance.version = current.version + 1
        return cleaned


def stale_messages(form, current, loaded) -> list[str]:
    name = current._meta.verbose_name
    messages = [
        f"Someone else saved this {name} (now version {current.version}) after you opened it "
        f"(version {loaded if loaded is not None else 'unknown'}). Nothing was saved. "
        "Compare the values below, then reload the page to edit the saved version."
    ]
    for label, mine, theirs in conflicts(form, current):
        messages.append(f"{capfirst(label)}: you submitted “{mine}”; saved now: “{theirs}”.")
    return messages


def locked_form(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """`form_class` plus the hidden loaded version and the check against the stored row."""
    if issubclass(form_class, _VersionCheck):
        return form_class
    attrs = {
        LOADED_VERSION: forms.IntegerField(widget=forms.HiddenInput, required=False),
        "__module__": __name__,
    }
    return type(form_class.__name__, (_VersionCheck, form_class), attrs)


class VersionLockedAdmin(admin.ModelAdmin):
    """Base of every admin that edits research data: its change forms lock optimistically.

    Editing in the change list (`list_editable`) would bypass the check, so it is refused.
    """

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.form = locked_form(self.form)
        if self.list_editable:
            raise TypeError(
                f"{type(self).__name__}: list_editable bypasses optimistic locking; edit rows "
                "in their change form."
            )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return _with_loaded_version(fieldsets)

    def save_related(self, request, form, formsets, change):
        # The row's links belong to the version its save just recorded (one save, one version).
        with links_in_one_version(form.instance):
            super().save_related(request, form, formsets, change)


class VersionLockedInline(admin.options.InlineModelAdmin):
    """Inline rows of a model with a `version` lock the same way, row by row."""

    def __init__(self, parent_model, admin_site):
        super().__init__(parent_model, admin_site)
        self.form = locked_form(self.form)

    def get_fieldsets(self, request, obj=None):
        return _with_loaded_version(super().get_fieldsets(request, obj))


def _with_loaded_version(fieldsets):
    names = admin.utils.flatten_fieldsets(fieldsets)
    if LOADED_VERSION in names or not fieldsets:
        return fieldsets
    (title, options), *rest = fieldsets
    return [(title, {**options, "fields": [*options["fields"], LOADED_VERSION]}), *rest]
