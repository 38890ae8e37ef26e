"""The owner's forms for the summary of findings: the selection rule (criteria in order) and a
per-outcome override with its reason. Both carry the hidden version for optimistic locking."""

from typing import Any

from django import forms

from reviews.forms import VersionedForm

from .models import EvidenceType, OutcomeResult, SelectionOverride, SelectionRule
from .selection import Criterion, rule_text

STEPS = len(Criterion)
STEP_CHOICES = [("", "—"), *((c.value, c.label) for c in Criterion)]


class SelectionRuleForm(VersionedForm):
    """The criteria as numbered choices (first, second…), stored as `rating,k,n,year`."""

    class Meta:
        model = SelectionRule
        fields = ["intervention"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.rule if self.instance.criteria else ()
        for i in range(STEPS):
            name = f"step_{i + 1}"
            self.fields[name] = forms.ChoiceField(
                label=f"Criterion {i + 1}", choices=STEP_CHOICES, required=i == 0
            )
            if i < len(current):
                self.initial[name] = current[i].value
        self.order_fields([f"step_{i + 1}" for i in range(STEPS)])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        steps = [cleaned.get(f"step_{i + 1}") or "" for i in range(STEPS)]
        seen: dict[str, int] = {}
        for i, value in enumerate(steps):
            if not value:
                continue
            if value in seen:
                label = Criterion(value).label
                self.add_error(
                    f"step_{i + 1}", f"“{label}” is already criterion {seen[value] + 1}."
                )
            seen.setdefault(value, i)
        chosen = [Criterion(v) for v in steps if v]
        if chosen:
            self.instance.criteria = rule_text(dict.fromkeys(chosen))
        return cleaned


class ResultChoiceField(forms.ModelChoiceField):
    """A meta-analysis named by its review, timepoint and figures."""

    def label_from_instance(self, obj: Any) -> str:
        figures = ""
        if obj.estimate is not None:
            figures = f" · {obj.get_measure_display()} {obj.estimate:g}"
            if obj.ci_low is not None and obj.ci_high is not None:
                figures += f" [{obj.ci_low:g} to {obj.ci_high:g}]"
        return f"{obj.review.label} · {obj.get_timepoint_display()}{figures}"


class SelectionOverrideForm(VersionedForm):
    class Meta:
        model = SelectionOverride
        fields = ["result", "reason"]
        field_classes = {"result": ResultChoiceField}
        labels = {"result": "Meta-analysis to show"}
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["result"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            OutcomeResult.objects.filter(
                outcome=self.instance.outcome, evidence_type=EvidenceType.META_ANALYSIS
            )
            .select_related("review")
            .order_by("review__label", "pk")
        )
        # The model's clean() asks for the reason, in words that say what is missing.
        self.fields["reason"].required = False
