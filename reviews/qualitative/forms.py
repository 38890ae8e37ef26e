"""Researcher forms for implementation factors and experience subthemes.

Each carries a hidden `version` for optimistic locking (see `reviews.versioning`); the rules
live on the models (`clean`), so the admin, fixtures and these forms refuse the same input.
"""

from django import forms

from ..forms import VersionedForm
from ..models import ExperienceSubtheme, ExperienceTheme, ImplementationFactor, Perspective
from . import cfir


class ImplementationFactorForm(VersionedForm):
    construct = forms.ChoiceField(
        label="CFIR 2.0 construct",
        required=False,
        choices=[("", "– none (domain only) –"), *cfir.construct_choices()],
        help_text="Optional; must belong to the domain (Damschroder et al. 2022).",
    )

    class Meta:
        model = ImplementationFactor
        fields = ["code", "domain", "construct", "statement", "valence", "reviews", "position",
                  "note", "internal_note"]  # fmt: skip
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "internal_note": forms.Textarea(attrs={"rows": 2}),
            "reviews": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.umbrella = self.umbrella
        self.fields["reviews"].queryset = self.umbrella_reviews()

    def clean_code(self):
        # The (umbrella, code) constraint is skipped by the form: umbrella is not a field.
        code = self.cleaned_data["code"]
        others = ImplementationFactor.objects.filter(umbrella=self.umbrella, code=code)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another factor of this project has this code.")
        return code


class ExperienceSubthemeForm(VersionedForm):
    class Meta:
        model = ExperienceSubtheme
        fields = ["theme", "code", "statement", "perspectives", "valence", "contrasting",
                  "reviews", "position", "note", "internal_note"]  # fmt: skip
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "internal_note": forms.Textarea(attrs={"rows": 2}),
            "perspectives": forms.CheckboxSelectMultiple,
            "reviews": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = ExperienceTheme.objects.filter(umbrella=self.umbrella)
        self.fields["perspectives"].queryset = Perspective.objects.filter(umbrella=self.umbrella)
        self.fields["reviews"].queryset = self.umbrella_reviews()
