"""The project: an umbrella review, its members, research questions and vocabularies; the
narratives beside its key findings, and its data revision (the key of its cached pages)."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from ..fields import Versioned, account_link
from ..natural_keys import NaturalKeyed, NaturalKeyManager

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # AUTH_USER_MODEL is Django's own


class ExtractionMode(models.TextChoices):
    """How a project extracts outcome results: one person enters and another checks, or two
    extract independently (blinded) and a third reconciles (docs/extraction.md)."""

    SINGLE = "single", "Single entry, checked by a second person"
    DUAL = "dual", "Dual independent extraction, then reconciliation"


class UmbrellaReviewQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


# A module-level name, so that the django-stubs plugin can build the class for mypy.
UmbrellaReviewManager = NaturalKeyManager.from_queryset(UmbrellaReviewQuerySet)


class UmbrellaReview(NaturalKeyed, Versioned):
    """A project: one umbrella review and everything recorded for it."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=80, unique=True)
    question = models.TextField(blank=True, help_text="The umbrella review's aim or question.")
    protocol_registration = models.CharField(
        max_length=100, blank=True, help_text="For example PROSPERO CRD42022362099."
    )
    citation = models.TextField(blank=True, help_text="How to cite the umbrella review itself.")
    doi = models.CharField("DOI", max_length=200, blank=True)
    search_start = models.DateField(
        null=True, blank=True, help_text="First month covered by the searches (day 1)."
    )
    search_end = models.DateField(
        null=True, blank=True, help_text="Last month covered by the searches (day 1)."
    )
    databases_searched = models.TextField(blank=True, help_text="One database per line.")
    reported_primary_studies = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Total primary studies as reported by the umbrella review; shown, labelled "
        "'as reported', until the primary-study registry holds studies.",
    )
    is_published = models.BooleanField(
        default=False, help_text="Published projects are readable by anyone without an account."
    )
    extraction_mode = models.CharField(
        max_length=10,
        choices=ExtractionMode,
        default=ExtractionMode.SINGLE,
        help_text="How outcome results are extracted (docs/extraction.md).",
    )
    # A release's frozen copy (issue 20, docs/releases.md): the project as it stood at release
    # `frozen_number`, read-only, never listed; readable by whoever may read `frozen_from`.
    frozen_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="frozen_copies",
    )
    frozen_number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    members: "models.ManyToManyField[User, Membership]" = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="umbrella_reviews"
    )

    objects = UmbrellaReviewManager()
    natural_key_fields = ("slug",)

    # What describes the project to a reader, in the order exports and the API list it.
    DESCRIPTION_FIELDS = (
        "title",
        "question",
        "protocol_registration",
        "citation",
        "doi",
        "search_start",
        "search_end",
        "databases_searched",
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(search_start__isnull=True)
                | Q(search_end__isnull=True)
                | Q(search_start__lte=models.F("search_end")),
                name="umbrella_search_start_before_end",
                violation_error_message="The search start must not be after the search end.",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reviews:umbrella-detail", kwargs={"slug": self.slug})

    @property
    def is_frozen(self) -> bool:
        """A release's frozen copy: every write to it is refused (`reviews.access`,
        `reviews.project.revisions.changed`)."""
        return self.frozen_from_id is not None

    @property
    def dual_extraction(self) -> bool:
        return self.extraction_mode == ExtractionMode.DUAL

    @property
    def database_list(self) -> list[str]:
        return [line.strip() for line in self.databases_searched.splitlines() if line.strip()]


class Membership(models.Model):
    """A user's role in one umbrella review; the access helper reads it."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        RESEARCHER = "researcher", "Researcher"
        REVIEWER = "reviewer", "Reviewer (appraises only)"
        READER = "reader", "Reader"

    umbrella = models.ForeignKey(UmbrellaReview, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=20, choices=Role, default=Role.READER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["umbrella", "user"], name="one_membership_per_user")
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} of {self.umbrella}"

    @property
    def can_write(self) -> bool:
        return self.role in {self.Role.OWNER, self.Role.RESEARCHER}


class VocabularyTerm(NaturalKeyed, Versioned):
    """A term of a vocabulary that each umbrella review defines for itself; its renames, merges
    and deletions from the settings pages are kept in its history (`Versioned`)."""

    umbrella = models.ForeignKey(UmbrellaReview, on_delete=models.CASCADE)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists and tables.")

    objects = NaturalKeyManager()
    natural_key_fields = ("umbrella__slug", "name")

    class Meta:
        abstract = True
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["umbrella", "name"], name="%(app_label)s_%(class)s_unique_name"
            )
        ]

    def __str__(self):
        return self.name


class Population(VocabularyTerm):
    """A population category, e.g. 'Severe mental illness (SMI)'."""


class InterventionFormat(VocabularyTerm):
    """How the intervention is delivered to people, e.g. 'Group only'."""


class DeliveryMode(VocabularyTerm):
    """The channel of delivery, e.g. in person, online, by telephone."""


class ExclusionReason(VocabularyTerm):
    """Why a full text was excluded (the reasons of the PRISMA flow)."""


class ResearchQuestion(NaturalKeyed, Versioned):
    class Kind(models.TextChoices):
        EFFECTIVENESS = "effectiveness", "Effectiveness"
        IMPLEMENTATION = "implementation", "Implementation"
        EXPERIENCES = "experiences", "Experiences"
        OTHER = "other", "Other"

    umbrella = models.ForeignKey(
        UmbrellaReview, on_delete=models.CASCADE, related_name="research_questions"
    )
    code = models.CharField(max_length=20, help_text="A short code such as RQ1.")
    text = models.TextField()
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.OTHER)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists and tables.")

    objects = NaturalKeyManager()
    natural_key_fields = ("umbrella__slug", "code")

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["umbrella", "code"], name="unique_question_code")
        ]

    def __str__(self):
        return f"{self.code}: {self.get_kind_display()}"


class KeyFindingNarrative(NaturalKeyed, Versioned):
    umbrella = models.ForeignKey(
        UmbrellaReview, on_delete=models.CASCADE, related_name="key_finding_narratives"
    )
    research_question = models.ForeignKey(
        ResearchQuestion, on_delete=models.CASCADE, related_name="key_finding_narratives"
    )
    text = models.TextField(
        help_text="A short narrative shown above the computed findings (plain text)."
    )
    updated_by = account_link(related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = NaturalKeyManager()
    natural_key_fields = ("umbrella__slug", "research_question__code")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["umbrella", "research_question"], name="one_narrative_per_question"
            )
        ]

    def __str__(self):
        return f"Key findings narrative for {self.research_question}"

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


class DataRevision(models.Model):
    """A counter that only goes up, bumped after every change to a project's research data
    (see `reviews.project.revisions`). It lives in its own table so that saving or restoring the
    umbrella review row can never set it back to a number whose cache entries are stale."""

    umbrella = models.OneToOneField(
        UmbrellaReview, on_delete=models.CASCADE, primary_key=True, related_name="data_revision"
    )
    number = models.PositiveBigIntegerField(default=0)
    # When the number last went up: the read API's Last-Modified (None: not since this field).
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.umbrella_id}: revision {self.number}"
