"""The PRISMA 2020 flow counts of an umbrella review; the arithmetic lives in `flow`."""

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from ..fields import Versioned, internal_note, reported_count
from ..natural_keys import NaturalKeyed, NaturalKeyManager
from ..project.models import UmbrellaReview
from . import flow

# (field, label) in the order of the PRISMA 2020 diagram; names match flow.PrismaCounts.
COUNT_FIELDS = [
    ("databases", "Records identified from databases"),
    ("registers", "Records identified from registers"),
    ("duplicates_removed", "Duplicate records removed"),
    ("automation_removed", "Records marked ineligible by automation tools"),
    ("other_removed", "Records removed for other reasons"),
    ("screened", "Records screened"),
    ("screened_excluded", "Records excluded at screening"),
    ("sought", "Reports sought for retrieval"),
    ("not_retrieved", "Reports not retrieved"),
    ("assessed", "Reports assessed for eligibility"),
    ("excluded", "Reports excluded"),
    ("other_identified", "Records identified from other methods"),
    ("other_sought", "Reports sought for retrieval (other methods)"),
    ("other_not_retrieved", "Reports not retrieved (other methods)"),
    ("other_assessed", "Reports assessed for eligibility (other methods)"),
    ("other_excluded", "Reports excluded (other methods)"),
    ("studies_included", "Reviews (studies) included"),
    ("reports_included", "Reports of included reviews"),
]
COUNT_NAMES = [name for name, _ in COUNT_FIELDS]


class PrismaFlow(NaturalKeyed, Versioned):
    """The numbers of an umbrella review's PRISMA 2020 flow diagram; blank = not reported.

    Exclusions by reason are not stored here: they are counted from the project's
    excluded-review records, so the diagram and the list of excluded reviews cannot disagree.
    """

    umbrella = models.OneToOneField(
        UmbrellaReview, on_delete=models.CASCADE, related_name="prisma_flow"
    )
    databases = reported_count("Records identified from databases")
    registers = reported_count("Records identified from registers")
    duplicates_removed = reported_count("Duplicate records removed")
    automation_removed = reported_count("Records marked ineligible by automation tools")
    other_removed = reported_count("Records removed for other reasons")
    screened = reported_count("Records screened")
    screened_excluded = reported_count("Records excluded at screening")
    sought = reported_count("Reports sought for retrieval")
    not_retrieved = reported_count("Reports not retrieved")
    assessed = reported_count("Reports assessed for eligibility")
    excluded = reported_count("Reports excluded")
    other_identified = reported_count("Records identified from other methods")
    other_sought = reported_count("Reports sought for retrieval (other methods)")
    other_not_retrieved = reported_count("Reports not retrieved (other methods)")
    other_assessed = reported_count("Reports assessed for eligibility (other methods)")
    other_excluded = reported_count("Reports excluded (other methods)")
    studies_included = reported_count("Reviews (studies) included")
    reports_included = reported_count("Reports of included reviews")
    note = models.TextField(
        blank=True, help_text="Where the counts come from, and what the source leaves open."
    )
    internal_note = internal_note()

    objects = NaturalKeyManager()
    natural_key_fields = ("umbrella__slug",)

    class Meta:
        verbose_name = "PRISMA flow"

    def __str__(self):
        return f"PRISMA flow of {self.umbrella}"

    def get_absolute_url(self):
        return reverse("reviews:prisma", kwargs={"slug": self.umbrella.slug})

    def excluded_by_reason(self) -> dict[str, int]:
        """Full texts excluded, counted by reason from the excluded-review records (one query)."""
        if not self.umbrella_id:
            return {}
        names = self.umbrella.excluded_reviews.values_list("reason__name", flat=True)
        return dict(Counter(names).most_common())

    def counts(self, excluded_by_reason: dict[str, int] | None = None) -> flow.PrismaCounts:
        if excluded_by_reason is None:
            excluded_by_reason = self.excluded_by_reason()
        values = {name: getattr(self, name) for name in COUNT_NAMES}
        return flow.PrismaCounts(**values, excluded_by_reason=excluded_by_reason)

    def clean(self):
        super().clean()
        if any(getattr(self, name) is not None and getattr(self, name) < 0 for name in COUNT_NAMES):
            return  # the field validators report negative numbers by field
        problems = flow.check(self.counts())
        if problems:
            raise ValidationError(
                [ValidationError(f"The counts do not add up: {p}.") for p in problems]
            )
