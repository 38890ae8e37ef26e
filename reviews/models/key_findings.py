"""A researcher's short narrative beside the computed key findings of one research question."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from .project import ResearchQuestion, UmbrellaReview


class NarrativeManager(models.Manager):
    def get_by_natural_key(self, umbrella_slug, question_code):
        return self.get(umbrella__slug=umbrella_slug, research_question__code=question_code)


class KeyFindingNarrative(models.Model):
    umbrella = models.ForeignKey(
        UmbrellaReview, on_delete=models.CASCADE, related_name="key_finding_narratives"
    )
    research_question = models.ForeignKey(
        ResearchQuestion, on_delete=models.CASCADE, related_name="key_finding_narratives"
    )
    text = models.TextField(
        help_text="A short narrative shown above the computed findings (plain text)."
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = NarrativeManager()

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["umbrella", "research_question"], name="one_narrative_per_question"
            )
        ]

    def __str__(self):
        return f"Key findings narrative for {self.research_question}"

    def natural_key(self):
        return (self.umbrella.slug, self.research_question.code)

    natural_key.dependencies = ["reviews.umbrellareview", "reviews.researchquestion"]

    def clean(self):
        super().clean()
        if (
            self.umbrella_id
            and self.research_question_id
            and self.research_question.umbrella_id != self.umbrella_id
        ):
            raise ValidationError(
                {"research_question": "The research question belongs to another umbrella review."}
            )
