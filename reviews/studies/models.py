"""Primary studies, the citation matrix, publication threads and de-duplication records."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from ..fields import Versioned, account_link, optional_link
from ..project.models import UmbrellaReview
from ..registry.models import (
    Citation,
    FurtherPaper,
    IncludedReview,
    unique_identifier_constraints,
)


class PrimaryStudyQuerySet(models.QuerySet):
    def active(self):
        """Studies not merged into another: the rows of lists and of the citation matrix."""
        return self.filter(merged_into__isnull=True)


class PrimaryStudy(Citation):
    """A primary study that at least one included review includes (a row of the citation matrix).

    Its citation is the study's main report; further papers of the same study are its
    `StudyReport`s (a publication thread), and overlap counts the study once.
    """

    class Design(models.TextChoices):
        RCT = "rct", "Randomised controlled trial"
        CLUSTER_RCT = "cluster_rct", "Cluster randomised trial"
        NON_RANDOMISED = "non_randomised", "Non-randomised controlled study"
        COHORT = "cohort", "Cohort study"
        QUALITATIVE = "qualitative", "Qualitative study"
        OTHER = "other", "Other"

    umbrella = models.ForeignKey(
        UmbrellaReview, on_delete=models.CASCADE, related_name="primary_studies"
    )
    label = models.CharField(max_length=120, help_text='A short label such as "Sledge 2011".')
    design = models.CharField(max_length=20, choices=Design, blank=True)
    country = models.CharField(max_length=100, blank=True)
    n_participants = models.PositiveIntegerField(null=True, blank=True)
    trial_registration = models.CharField(max_length=100, blank=True)
    reviews: "models.ManyToManyField[IncludedReview, Inclusion]" = models.ManyToManyField(
        IncludedReview, through="Inclusion", related_name="studies"
    )
    merged_into = optional_link(
        "self",
        models.PROTECT,
        related_name="merged_records",
        help_text="Set by a de-duplication merge (see StudyMerge); a merged record is kept, "
        "hidden from lists and overlap, and restored by undoing the merge.",
    )

    objects = PrimaryStudyQuerySet.as_manager()

    class Meta:
        ordering = ["label"]
        verbose_name_plural = "primary studies"
        constraints = [
            *Citation.Meta.constraints,
            *unique_identifier_constraints("umbrella"),
            # The label is the study's natural key in the workbook (docs/data-format.md); merged
            # records keep theirs, so undoing a merge can never clash.
            models.UniqueConstraint(
                fields=["umbrella", "label"],
                name="unique_study_label",
                violation_error_message="Another primary study of this project has this label.",
            ),
        ]
        indexes = [
            # The registry list and a review's studies: a project's active studies in label
            # order, read a page at a time without sorting tens of thousands of rows.
            models.Index(
                fields=["umbrella", "label", "id"],
                condition=Q(merged_into__isnull=True),
                name="active_study_label_order",
            )
        ]

    def __str__(self):
        return self.label


class Inclusion(Versioned):
    """A cell of the citation matrix: this review includes this primary study."""

    review = models.ForeignKey(IncludedReview, on_delete=models.CASCADE, related_name="inclusions")
    study = models.ForeignKey(PrimaryStudy, on_delete=models.CASCADE, related_name="inclusions")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "study"], name="unique_inclusion")]

    def __str__(self):
        return f"{self.review} includes {self.study}"

    def clean(self):
        super().clean()
        if self.review_id and self.study_id and self.review.umbrella_id != self.study.umbrella_id:
            raise ValidationError("The review and the study belong to different umbrella reviews.")


class StudyReport(FurtherPaper):
    """A further paper of a primary study (a publication thread), as `Report` is for reviews.

    The study's own citation is its main report; overlap counts the study, never its papers.
    """

    PARENT = "study"
    study = models.ForeignKey(PrimaryStudy, on_delete=models.CASCADE, related_name="reports")
    note = models.TextField(blank=True)

    class Meta(FurtherPaper.Meta):
        constraints = FurtherPaper.paper_constraints("study", "unique_study_report_title")


class StudyMerge(models.Model):
    """One de-duplication merge: `merged` was found to be the same study as `kept`.

    Nothing is deleted. The merged record stays (with `merged_into` set); the ids of the rows
    that moved are recorded so that `studies.services.undo_merge` puts them back exactly.
    """

    umbrella = models.ForeignKey(UmbrellaReview, on_delete=models.CASCADE, related_name="merges")
    kept = models.ForeignKey(PrimaryStudy, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(PrimaryStudy, on_delete=models.PROTECT, related_name="merges_merged")
    merged_by = account_link(related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=200, blank=True)
    moved_inclusions = models.JSONField(
        default=list, blank=True, help_text="Ids of the inclusions re-pointed to the kept study."
    )
    shadowed_inclusions = models.JSONField(
        default=list,
        blank=True,
        help_text="Ids of the merged study's inclusions left in place because the review "
        "already includes the kept study (one study, one cell).",
    )
    moved_reports = models.JSONField(
        default=list, blank=True, help_text="Ids of the study reports moved to the kept study."
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = account_link(related_name="+")

    class Meta:
        ordering = ["-merged_at", "-pk"]

    def __str__(self):
        return f"{self.merged} merged into {self.kept}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class NotDuplicate(models.Model):
    """A researcher's decision that two similar records are different studies.

    Such a pair is no longer proposed as a candidate duplicate. `study_a` has the lower id.
    """

    umbrella = models.ForeignKey(UmbrellaReview, on_delete=models.CASCADE, related_name="+")
    study_a = models.ForeignKey(PrimaryStudy, on_delete=models.CASCADE, related_name="+")
    study_b = models.ForeignKey(PrimaryStudy, on_delete=models.CASCADE, related_name="+")
    decided_by = account_link(related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["study_a", "study_b"], name="unique_not_duplicate"),
            models.CheckConstraint(
                condition=Q(study_a__lt=models.F("study_b")), name="not_duplicate_ordered_pair"
            ),
        ]

    def __str__(self):
        return f"{self.study_a} is not {self.study_b}"
