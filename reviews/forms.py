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

    def umbrella_reviews(self):
        return IncludedReview.objects.filter(umbrella=self.umbrella).order_by("label")
