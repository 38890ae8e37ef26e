"""The researcher's form for one outcome result, with a hidden version for optimistic locking."""

from django import forms

from .models import Outcome, OutcomeResult

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
