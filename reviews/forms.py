"""The bases of the researcher forms: saving with optimistic locking (see `versioning`), and
fields grouped under legends."""

from collections.abc import Sequence
from typing import ClassVar

from django import forms

from .models import IncludedReview


class FieldsetsMixin(forms.BaseForm):
    """A form whose fields the template shows in groups, each under its legend."""

    FIELDSETS: ClassVar[Sequence[tuple[str, Sequence[str]]]] = ()

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]


class VersionedForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, umbrella, **kwargs):
        super().__init__(*args, **kwargs)
        self.umbrella = umbrella
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        # An edit of a saved row that names no version was opened before the row existed
        # (created meanwhile by someone else) or was hand-made: saving it unchecked would
        # overwrite a change silently. Version 0 — rows start at 1 — makes the save a stale
        # edit, shown with both values like any other.
        if self.instance.pk is not None and cleaned.get("version") is None:
            cleaned["version"] = 0
        return cleaned

    def umbrella_reviews(self):
        return IncludedReview.objects.filter(umbrella=self.umbrella).order_by("label")
