"""The researcher's forms for one outcome result and the study-level data behind it, each with
a hidden version for optimistic locking."""

from itertools import groupby
from typing import cast

from django import forms

from reviews.forms import FieldsetsMixin, VersionedForm
from reviews.models import KeyFindingNarrative, PrimaryStudy

from .models import (
    ENTERED_FIELDS,
    RESULT_FIELDS,
    STUDY_DATA_FIELDS,
    MultipleEs,
    Outcome,
    OutcomeResult,
    ReanalysisMethod,
    StudyEffect,
)


class OutcomeResultForm(FieldsetsMixin, VersionedForm):
    """Its fields and fieldsets are those `RESULT_FIELDS` declares (synthesis/models/results.py)."""

    FIELDSETS = [
        (legend, [f.name for f in fields])
        for legend, fields in groupby((f for f in RESULT_FIELDS if f.legend), lambda f: f.legend)
    ]

    class Meta:
        model = OutcomeResult
        fields = ENTERED_FIELDS
        labels = {"tau2": "τ² (between-study variance)", "p_value": "p value", "df": "df of Q"}
        widgets = {
            "finding_override_reason": forms.Textarea(attrs={"rows": 2}),
            "narrative_summary": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, umbrella, review, **kwargs):
        super().__init__(*args, umbrella=umbrella, **kwargs)
        self.instance.review = review
        self.fields["outcome"].queryset = Outcome.objects.filter(umbrella=umbrella).select_related(
            "domain"
        )


class StudyEffectForm(FieldsetsMixin, VersionedForm):
    """One study's data; only the fields of the chosen kind are kept (the model clears the rest)."""

    FIELDSETS = [
        ("Study", ["study", "label", "multiple_es", "kind", "reverse", "note"]),
        ("Intervention arm (arm 1)", ["events1", "n1", "mean1", "sd1"]),
        ("Control arm (arm 2)", ["events2", "n2", "mean2", "sd2"]),
        ("Estimate as printed (e.g. RR 0.86), with its 95% CI or its SE; arm sizes above "
         "(for an SMD they alone give the SE)",
         ["estimate", "ci_low", "ci_high", "se", "reported_measure"]),
    ]  # fmt: skip

    class Meta:
        model = StudyEffect
        fields = ["study", "label", "multiple_es", "kind", "reverse", "note", *STUDY_DATA_FIELDS]
        widgets = {"kind": forms.RadioSelect}
        labels = {"n1": "n, intervention", "n2": "n, control"}  # n stays lower case

    def __init__(self, *args, result: OutcomeResult, **kwargs):
        super().__init__(*args, umbrella=result.review.umbrella, **kwargs)
        self.instance.outcome_result = result
        study = cast(forms.ModelChoiceField, self.fields["study"])  # a ForeignKey's field
        study.queryset = PrimaryStudy.objects.filter(umbrella_id=result.review.umbrella_id).active()
        self.fields["study"].required = False
        self.fields["label"].required = False
        self.fields["label"].help_text = "Leave blank to use the registry study's label."
        # Left out (a post from before the field, a paste): an outcome, as rows were before.
        self.fields["multiple_es"].required = False
        reported = cast(forms.ChoiceField, self.fields["reported_measure"])
        measures = StudyEffect._meta.get_field("reported_measure").choices or []
        reported.choices = [("", "the result's measure"), *measures]

    def clean_multiple_es(self) -> str:
        return self.cleaned_data.get("multiple_es") or MultipleEs.OUTCOMES

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("label") and cleaned.get("study"):
            cleaned["label"] = cleaned["study"].label
            self.instance.label = cleaned["label"]
        if not cleaned.get("label") and "label" not in self.errors:
            self.add_error("label", "Name the study, or choose it from the registry.")
        return cleaned


class PasteStudiesForm(forms.Form):
    rows = forms.CharField(
        label="Rows (CSV or tab-separated, with a header row)",
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text="e.g. label,events1,n1,events2,n2 — or label,mean1,sd1,n1,mean2,sd2,n2 — "
        "or label,estimate,ci_low,ci_high (or se instead of the CI; n1,n2 beside it, alone for "
        "an SMD; reported_measure when printed in another measure). All rows are saved or none.",
    )


class ReanalysisMethodForm(forms.Form):
    method = forms.ChoiceField(label="Method", choices=ReanalysisMethod.choices)


class KeyFindingNarrativeForm(VersionedForm):
    class Meta:
        model = KeyFindingNarrative
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}
