"""Outcomes of an umbrella review, grouped in domains each project edits."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from reviews.fields import Versioned, choices_of
from reviews.models import UmbrellaReview, VocabularyTerm
from reviews.natural_keys import NaturalKeyed, NaturalKeyManager

from .. import findings

DEFAULT_DOMAINS = [
    "Clinical",
    "Recovery",
    "Psychosocial",
    "Service use",
    "Relational",
    "Satisfaction",
    "Cost",
    "Other",
]


class OutcomeDomain(VocabularyTerm):
    """A domain of outcomes, e.g. 'Recovery'; each project edits its own list."""


Direction = choices_of(findings.Direction)


class Outcome(NaturalKeyed, Versioned):
    umbrella = models.ForeignKey(UmbrellaReview, on_delete=models.CASCADE, related_name="outcomes")
    name = models.CharField(max_length=200)
    domain = models.ForeignKey(OutcomeDomain, on_delete=models.PROTECT, related_name="outcomes")
    direction = models.CharField(
        "direction of benefit",
        max_length=10,
        choices=Direction,
        default=Direction.HIGHER_IS_BETTER,
        help_text="Which way an effect favours the intervention; decides derived findings.",
    )
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = NaturalKeyManager()
    natural_key_fields = ("umbrella__slug", "name")

    class Meta:
        ordering = ["domain__position", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["umbrella", "name"], name="unique_outcome_name")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "synthesis:outcome-detail", kwargs={"slug": self.umbrella.slug, "pk": self.pk}
        )

    def clean(self):
        super().clean()
        if self.domain_id and self.umbrella_id and self.domain.umbrella_id != self.umbrella_id:
            raise ValidationError({"domain": "This domain belongs to another umbrella review."})
