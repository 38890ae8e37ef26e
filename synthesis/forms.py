"""The researcher's form for one outcome result, with a hidden version for optimistic locking."""

from django import forms

from reviews.forms import VersionedForm
from reviews.models import KeyFindingNarrative, PrimaryStudy

from .models import Outcome, OutcomeResult, ReanalysisMethod, StudyEffect

FIELDSETS = [
    ("What was measured", ["outcome", "evidence_type", "population_note", "format_note",
                           "comparator"]),
    ("When", ["timepoint", "months_from", "months_to", "timepoint_note"]),
    ("Pooled result", ["k", "n", "measure", "estimate", "ci_low", "ci_high", "p_value",
                       "pooling_model"]),
    ("Heterogeneity", ["tau2", "i2_percent", "i2_ci_low", "i2_ci_high", "q", "df", "p_q",
                       "pi_low", "pi_high"]),
    ("Finding", ["grade_certainty", "finding", "finding_override_reason", "narrative_summary",
                 "note", "source_location"]),
]  # fmt: skip


class OutcomeResultForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = OutcomeResult
        fields = [name for _, names in FIELDSETS for name in names]
        labels = {"tau2": "τ² (between-study variance)", "p_value": "p value", "df": "df of Q"}
        widgets = {
            "finding_override_reason": forms.Textarea(attrs={"rows": 2}),
            "narrative_summary": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, umbrella, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.review = review
        self.fields["outcome"].queryset = Outcome.objects.filter(umbrella=umbrella).select_related(
            "domain"
        )
        for name in ("estimate", "ci_low", "ci_high", "p_value", "tau2", "i2_percent", "q",
                     "p_q", "months_from", "months_to", "i2_ci_low", "i2_ci_high", "pi_low",
                     "pi_high"):  # fmt: skip
            self.fields[name].widget.attrs["step"] = "any"
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in FIELDSETS]


STUDY_FIELDSETS = [
    ("Study", ["study", "label", "kind", "note"]),
    ("Intervention arm (arm 1)", ["events1", "n1", "mean1", "sd1"]),
    ("Control arm (arm 2)", ["events2", "n2", "mean2", "sd2"]),
    ("Estimate with its 95% CI (on the result's measure scale, e.g. RR 0.86)",
     ["estimate", "ci_low", "ci_high"]),
]  # fmt: skip


class StudyEffectForm(forms.ModelForm):
    """One study's data; only the fields of the chosen kind are kept (the model clears the rest)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = StudyEffect
        fields = [name for _, names in STUDY_FIELDSETS for name in names]
        widgets = {"kind": forms.RadioSelect}
        labels = {"n1": "n, intervention", "n2": "n, control"}  # n stays lower case

    def __init__(self, *args, result: OutcomeResult, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.outcome_result = result
        self.fields["study"].queryset = PrimaryStudy.objects.filter(
            umbrella_id=result.review.umbrella_id
        ).active()
        self.fields["study"].required = False
        self.fields["label"].required = False
        self.fields["label"].help_text = "Leave blank to use the registry study's label."
        for name in ("mean1", "sd1", "mean2", "sd2", "estimate", "ci_low", "ci_high"):
            self.fields[name].widget.attrs["step"] = "any"
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("label") and cleaned.get("study"):
            cleaned["label"] = cleaned["study"].label
            self.instance.label = cleaned["label"]
        if not cleaned.get("label") and "label" not in self.errors:
            self.add_error("label", "Name the study, or choose it from the registry.")
        return cleaned

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in STUDY_FIELDSETS]


class PasteStudiesForm(forms.Form):
    rows = forms.CharField(
        label="Rows (CSV or tab-separated, with a header row)",
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text="e.g. label,events1,n1,events2,n2 — or label,mean1,sd1,n1,mean2,sd2,n2 — "
        "or label,estimate,ci_low,ci_high. All rows are saved or none.",
    )


class ReanalysisMethodForm(forms.Form):
    method = forms.ChoiceField(label="Method", choices=ReanalysisMethod.choices)


class KeyFindingNarrativeForm(VersionedForm):
    class Meta:
        model = KeyFindingNarrative
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}
