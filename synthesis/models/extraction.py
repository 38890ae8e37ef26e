"""Dual independent extraction: each extractor's own copy of a review's outcome results.

An `Extraction` is one extractor's work on one review (slot 1 or 2, draft or submitted); its
`ExtractedResult` rows carry the same values as an `OutcomeResult`, declared once by
`RESULT_FIELDS` (the fields are copied from OutcomeResult's own, so a value added there reaches
the extraction form and its comparison too). Reconciliation creates or updates the final
`OutcomeResult` through `save_result`; the evidence tables, summaries and exports read
OutcomeResult only, so no extracted row can reach them (docs/extraction.md).
"""

from typing import TYPE_CHECKING, Any, cast

from django.db import models
from django.db.models import Q
from django.urls import reverse

from appraisal.models import Appraisal
from reviews.fields import Versioned, account_link
from reviews.models import IncludedReview

from .outcomes import Outcome
from .results import ENTERED_FIELDS, OutcomeResult


class Extraction(Versioned):
    class Slot(models.TextChoices):
        FIRST = "first", "Extraction 1"
        SECOND = "second", "Extraction 2"

    # Drafted and submitted as a rater's appraisal is, and blinded by the same rule
    # (`appraisal.visibility.sees`), which compares the status with the appraisal's values.
    Status = Appraisal.Status

    review = models.ForeignKey(IncludedReview, on_delete=models.CASCADE, related_name="extractions")
    slot = models.CharField(max_length=10, choices=Slot)
    extractor = account_link(related_name="extractions")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["review", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["review", "slot"], name="one_extraction_per_slot"),
            models.UniqueConstraint(
                fields=["review", "extractor"],
                condition=Q(extractor__isnull=False),
                name="one_extraction_slot_per_user",
                violation_error_message="One person cannot be both extractors of a review.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review} – {self.get_slot_display()}"

    def get_absolute_url(self) -> str:
        return reverse(
            "synthesis:extraction",
            kwargs={"slug": self.review.umbrella.slug, "pk": self.review_id, "slot": self.slot},
        )

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


def _result_value_fields() -> dict[str, Any]:
    """OutcomeResult's entered fields, copied (same type, options, choices and validators)."""
    copied: dict[str, Any] = {}
    for name in ENTERED_FIELDS:
        field = cast(models.Field[Any, Any], OutcomeResult._meta.get_field(name))
        if isinstance(field, models.ForeignKey):
            # A relation cannot be deconstructed before the app registry is ready.
            copied[name] = models.ForeignKey(
                field.remote_field.model, on_delete=models.PROTECT, related_name="extracted_results"
            )
            continue
        _, _, args, kwargs = field.deconstruct()
        copied[name] = type(field)(*args, **kwargs)
    return copied


class ExtractedResult(Versioned):
    """One result as one extractor read it from the review: never shown in evidence tables."""

    extraction = models.ForeignKey(Extraction, on_delete=models.CASCADE, related_name="rows")
    final = models.ForeignKey(
        OutcomeResult,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="extracted_from",
        help_text="The final result this row was reconciled into.",
    )
    vars().update(_result_value_fields())  # the values, declared once by RESULT_FIELDS
    if TYPE_CHECKING:  # what mypy cannot see through the copy, of the values code reads
        outcome: Outcome
        outcome_id: int
        timepoint: str
        measure: str
        finding: str

    class Meta:
        ordering = ["extraction", "outcome", "timepoint", "pk"]

    def __str__(self) -> str:
        return f"{self.extraction} – {self.outcome}"

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ENTERED_FIELDS}

    def as_result(self) -> OutcomeResult:
        """The row as an (unsaved) outcome result: the one place its rules are applied."""
        return OutcomeResult(review=self.extraction.review, **self.values())

    def clean(self) -> None:
        super().clean()
        result = self.as_result()
        result.clean()  # the result's own rules (CI containment, the finding...), its messages
        self.finding = result.finding  # a blank finding takes the derived one, as a result's
