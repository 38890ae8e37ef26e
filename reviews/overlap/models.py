"""The overlap frequency table as an umbrella review reports it (for projects whose
primary-study registry is empty)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from ..fields import Versioned, internal_note
from ..natural_keys import NaturalKeyed, NaturalKeyManager
from ..project.models import UmbrellaReview


class ReportedInclusionFrequency(NaturalKeyed, Versioned):
    """A row of the overlap frequency table *as the umbrella review reports it*.

    For projects whose primary-study registry is empty (the model case reports only "300 in
    one review, 72 in two, 18 in three, one in nine"); shown labelled "as reported", never
    mixed with figures computed from the registry.
    """

    umbrella = models.ForeignKey(
        UmbrellaReview, on_delete=models.CASCADE, related_name="reported_frequencies"
    )
    times_included = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="Number of reviews including the studies."
    )
    n_primary_studies = models.PositiveIntegerField()
    source = models.CharField(max_length=200, blank=True, help_text="Where the figure is stated.")
    internal_note = internal_note()

    objects = NaturalKeyManager()
    natural_key_fields = ("umbrella__slug", "times_included")

    class Meta:
        ordering = ["times_included"]
        verbose_name_plural = "reported inclusion frequencies"
        constraints = [
            models.UniqueConstraint(
                fields=["umbrella", "times_included"], name="unique_reported_frequency"
            ),
            models.CheckConstraint(
                condition=Q(times_included__gte=1), name="reported_frequency_times_at_least_1"
            ),
        ]

    def __str__(self):
        return f"{self.n_primary_studies} studies in {self.times_included} review(s)"
