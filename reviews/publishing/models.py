"""The record of who published or unpublished an umbrella review, and when."""

from django.db import models
from simple_history.models import HistoricalRecords

from ..fields import account_link
from ..project.models import UmbrellaReview


class PublicationEvent(models.Model):
    """One switch of the umbrella review's `is_published`, with the checklist as it stood."""

    class Action(models.TextChoices):
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    umbrella = models.ForeignKey(
        UmbrellaReview, on_delete=models.CASCADE, related_name="publication_events"
    )
    action = models.CharField(max_length=20, choices=Action)
    by = account_link(related_name="+", editable=False)
    at = models.DateTimeField(auto_now_add=True)
    warnings = models.JSONField(
        default=list,
        blank=True,
        help_text="The checklist's warnings when it was published: [label, count] pairs.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.umbrella} {self.action} by {self.by} at {self.at:%Y-%m-%d %H:%M}"
