"""The base of the researcher forms that save with optimistic locking (see `versioning`)."""

from django import forms

from .models import IncludedReview


class VersionedForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, umbrella, **kwargs):
        super().__init__(*args, **kwargs)
        self.umbrella = umbrella
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def umbrella_reviews(self):
        return IncludedReview.objects.filter(umbrella=self.umbrella).order_by("label")
