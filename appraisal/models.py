"""AMSTAR 2 appraisals: two blinded raters and a consensus per included review.

The rules live in `amstar2.py`; these models store the answers and the rating they produce.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse

from reviews.fields import Audited, Versioned, account_link, choices_of
from reviews.models import IncludedReview, UmbrellaReview

from . import amstar2

SPLIT_ITEMS = sorted(amstar2.SPLIT_ITEMS)


AnswerChoice = choices_of(amstar2.Answer, "AnswerChoice")
Confidence = choices_of(amstar2.Confidence)


VARIANT_CHOICES = [(variant.code, variant.name) for variant in amstar2.VARIANTS.values()]


class AppraisalSettings(Versioned):
    """Per-project choice of whether the adapted AMSTAR 2 variants apply."""

    umbrella = models.OneToOneField(
        UmbrellaReview, on_delete=models.CASCADE, related_name="appraisal_settings"
    )
    use_adapted_variants = models.BooleanField(
        default=True,
        help_text="Score scoping reviews, qualitative syntheses and reviews without a "
        "meta-analysis with the adapted variants (see docs/amstar2.md).",
    )

    class Meta:
        verbose_name_plural = "appraisal settings"

    def __str__(self):
        return f"AMSTAR 2 settings of {self.umbrella}"


class Appraisal(Versioned):
    class Role(models.TextChoices):
        FIRST = "first", "First rater"
        SECOND = "second", "Second rater"
        CONSENSUS = "consensus", "Consensus"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    review = models.ForeignKey(IncludedReview, on_delete=models.CASCADE, related_name="appraisals")
    role = models.CharField(max_length=10, choices=Role)
    rater = account_link()
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    variant = models.CharField(
        max_length=30, choices=VARIANT_CHOICES, help_text="The rule set that produced the rating."
    )
    overall = models.CharField(
        "overall confidence",
        max_length=20,
        choices=Confidence,
        blank=True,
        help_text="Computed from the answers on every save; blank while items are missing.",
    )
    # The base's field as the first migration made it (editable, with help text), so that no
    # migration is due. Nothing edits it: the form has a hidden field of its own, the admin
    # shows it read-only.
    version = models.PositiveIntegerField(default=1, help_text="For optimistic locking.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["review", "role"]
        constraints = [
            models.UniqueConstraint(fields=["review", "role"], name="one_appraisal_per_role"),
            # In the database, not only in the form: two requests opening both rater forms at
            # once each pass the form's check before either has saved.
            models.UniqueConstraint(
                fields=["review", "rater"],
                condition=Q(role__in=["first", "second"]),
                name="one_rater_role_per_user",
                violation_error_message="One person cannot be both raters of a review: this "
                "account is already the other rater.",
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | ~Q(overall=""),
                name="submitted_appraisal_has_rating",
                violation_error_message="A submitted appraisal must have an overall rating.",
            ),
        ]

    def __str__(self):
        return f"{self.review} – {self.get_role_display()}"

    def get_absolute_url(self):
        return reverse(
            "appraisal:appraisal-form",
            kwargs={"slug": self.review.umbrella.slug, "pk": self.review_id, "role": self.role},
        )

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def variant_rules(self) -> amstar2.Variant:
        return amstar2.VARIANTS[self.variant]


class ItemAnswer(Audited):
    """One item's answer; items 9 and 11 may be answered per design (RCT / NRSI parts)."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="answers")
    item = models.PositiveSmallIntegerField()
    answer = models.CharField(
        max_length=20, choices=AnswerChoice, blank=True, help_text="The item's effective answer."
    )
    answer_rct = models.CharField("RCT part", max_length=20, choices=AnswerChoice, blank=True)
    answer_nrsi = models.CharField("NRSI part", max_length=20, choices=AnswerChoice, blank=True)
    justification = models.TextField(blank=True)

    class Meta:
        ordering = ["appraisal", "item"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "item"], name="one_answer_per_item"),
            models.CheckConstraint(
                condition=Q(item__gte=1, item__lte=16),
                name="item_between_1_and_16",
                violation_error_message="AMSTAR 2 items are numbered 1 to 16.",
            ),
            models.CheckConstraint(
                condition=Q(item__in=SPLIT_ITEMS) | Q(answer_rct="", answer_nrsi=""),
                name="design_parts_only_on_items_9_and_11",
                violation_error_message="Only items 9 and 11 are answered per design.",
            ),
        ]

    def __str__(self):
        return f"Item {self.item}: {self.get_answer_display() or 'unanswered'}"
