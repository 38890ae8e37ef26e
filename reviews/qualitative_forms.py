"""Researcher forms for factors, subthemes, PRISMA counts and key-finding narratives.

Each carries a hidden `version` for optimistic locking (see `reviews.versioning`); the rules
live on the models (`clean`), so the admin, fixtures and these forms refuse the same input.
"""

from django import forms

from . import cfir
from .models import (
    COUNT_FIELDS,
    ExperienceSubtheme,
    ExperienceTheme,
    ImplementationFactor,
    IncludedReview,
    KeyFindingNarrative,
    Perspective,
    PrismaFlow,
)


class VersionedForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, umbrella, **kwargs):
        super().__init__(*args, **kwargs)
        self.umbrella = umbrella
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def umbrella_reviews(self):
        return IncludedReview.objects.filter(umbrella=self.umbrella).order_by("label")


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
                  "note"]  # fmt: skip
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
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
                  "reviews", "position", "note"]  # fmt: skip
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "perspectives": forms.CheckboxSelectMultiple,
            "reviews": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = ExperienceTheme.objects.filter(umbrella=self.umbrella)
        self.fields["perspectives"].queryset = Perspective.objects.filter(umbrella=self.umbrella)
        self.fields["reviews"].queryset = self.umbrella_reviews()


class PrismaFlowForm(VersionedForm):
    class Meta:
        model = PrismaFlow
        fields = [*(name for name, _ in COUNT_FIELDS), "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    FIELDSETS = [
        ("Identification (databases and registers)",
         ["databases", "registers", "duplicates_removed", "automation_removed", "other_removed"]),
        ("Screening", ["screened", "screened_excluded", "sought", "not_retrieved", "assessed",
                       "excluded"]),
        ("Identification via other methods", ["other_identified", "other_sought",
                                              "other_not_retrieved", "other_assessed",
                                              "other_excluded"]),
        ("Included", ["studies_included", "reports_included"]),
        ("Source", ["note"]),
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.umbrella = self.umbrella

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]


class KeyFindingNarrativeForm(VersionedForm):
    class Meta:
        model = KeyFindingNarrative
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}
