"""A project's rule for picking one meta-analysis per outcome, and its per-outcome overrides.

The rule is an ordered list of criteria (the pure `synthesis.selection` applies it); an
override names the result to show for one outcome whatever the rule picks, with the reason the
summary of findings prints beside it. Both are research decisions: versioned, with history.
"""

from django.core.exceptions import ValidationError
from django.db import models

from reviews.fields import Versioned
from reviews.models import UmbrellaReview

from .. import selection
from ..findings import EvidenceType
from .outcomes import Outcome
from .results import OutcomeResult


def validate_rule(value: str) -> None:
    try:
        selection.parse_rule(value)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class SelectionRule(Versioned):
    """One per project; a project without one uses `selection.DEFAULT_RULE`."""

    umbrella = models.OneToOneField(
        UmbrellaReview, on_delete=models.CASCADE, related_name="selection_rule"
    )
    criteria = models.CharField(
        max_length=100,
        default=selection.rule_text(selection.DEFAULT_RULE),
        validators=[validate_rule],
        help_text="The criteria in order, comma-separated (e.g. rating,k,n,year).",
    )
    intervention = models.CharField(
        max_length=120,
        blank=True,
        help_text="How the statements name the intervention (e.g. peer support). "
        "Blank: “the intervention”.",
    )

    def __str__(self) -> str:
        return f"Selection rule of {self.umbrella}: {self.criteria}"

    @property
    def rule(self) -> tuple[selection.Criterion, ...]:
        return selection.parse_rule(self.criteria)


class SelectionOverride(Versioned):
    """The project's choice of meta-analysis for one outcome, with its reason."""

    outcome = models.OneToOneField(
        Outcome, on_delete=models.CASCADE, related_name="selection_override"
    )
    result = models.ForeignKey(
        OutcomeResult, on_delete=models.CASCADE, related_name="selection_overrides"
    )
    reason = models.TextField(help_text="Why this meta-analysis; shown on the summary row.")

    def __str__(self) -> str:
        return f"{self.outcome}: {self.result.review}"

    def clean(self) -> None:
        super().clean()
        if not self.reason.strip():
            raise ValidationError({"reason": "Give the reason for choosing this meta-analysis."})
        result = self.result if self.result_id else None
        if result is None:
            return
        if self.outcome_id and result.outcome_id != self.outcome_id:
            raise ValidationError({"result": "This result is about another outcome."})
        if result.evidence_type != EvidenceType.META_ANALYSIS:
            raise ValidationError({"result": "Choose a meta-analysis, not a narrative synthesis."})
