"""The owners' forms for assignments: one review's tasks, a bulk spread, the extraction mode."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from ..forms import VersionedForm
from ..models import UmbrellaReview
from .models import TASKS, ReviewAssignment, tasks_for
from .services import eligible_members


class ReviewAssignmentForm(VersionedForm):
    """Each task offers only the members whose role fits it; the two raters and the two
    extractors must differ (the model's constraints, with their messages)."""

    class Meta:
        model = ReviewAssignment
        fields = [task.field for task in TASKS]

    def __init__(self, *args: Any, umbrella: UmbrellaReview, **kwargs: Any) -> None:
        super().__init__(*args, umbrella=umbrella, **kwargs)
        users = get_user_model().objects
        for task in TASKS:
            field = self.fields[task.field]
            if not task.applies(umbrella.dual_extraction):
                del self.fields[task.field]
                continue
            ids = [u.pk for u in eligible_members(umbrella, task.field)]
            # A ModelChoiceField; the stubs type self.fields as plain Field, without queryset.
            field.queryset = users.filter(pk__in=ids).order_by("username")  # type: ignore[attr-defined]
            field.label = task.label


PAIRED = {"raters": ("rater1", "rater2"), "extractors": ("extractor1", "extractor2")}


def bulk_choices(dual: bool) -> list[tuple[str, str]]:
    pairs = [("raters", "AMSTAR 2 raters 1 and 2 (a pair)")]
    if dual:
        pairs.append(("extractors", "Extractions 1 and 2 (a pair)"))
    return pairs + [(task.field, task.label) for task in tasks_for(dual)]


class BulkAssignForm(forms.Form):
    task = forms.ChoiceField(
        label="Task", help_text="A pair goes to two different people on every review."
    )
    people = forms.ModelMultipleChoiceField(
        label="People",
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The reviews are spread over them evenly, in order of review label.",
    )
    only_unassigned = forms.BooleanField(
        label="Only reviews without this task assigned", required=False, initial=True
    )

    def __init__(self, *args: Any, umbrella: UmbrellaReview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A ChoiceField and a ModelMultipleChoiceField, typed as plain Field by the stubs.
        self.fields["task"].choices = bulk_choices(umbrella.dual_extraction)  # type: ignore[attr-defined]
        ids = {u.pk for u in eligible_members(umbrella, "rater1")}
        self.fields["people"].queryset = (  # type: ignore[attr-defined]
            get_user_model().objects.filter(pk__in=ids).order_by("username")
        )

    def tasks(self) -> tuple[str, ...]:
        task = self.cleaned_data["task"]
        return PAIRED.get(task, (task,))


class ExtractionModeForm(VersionedForm):
    class Meta:
        model = UmbrellaReview
        fields = ["extraction_mode"]
        widgets = {"extraction_mode": forms.RadioSelect}
