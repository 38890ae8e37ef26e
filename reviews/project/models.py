"""The project: an umbrella review, its members, research questions and vocabularies; the
narratives beside its key findings, and its data revision (the key of its cached pages)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ..fields import account_link


class UmbrellaReviewQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class UmbrellaReviewManager(models.Manager.from_queryset(UmbrellaReviewQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class UmbrellaReview(models.Model):
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
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="umbrella_reviews"
    )

    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking

    objects = UmbrellaReviewManager()

    history = HistoricalRecords()

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

    def natural_key(self):
        return (self.slug,)

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


class ProjectScopedManager(models.Manager):
    """Natural key (umbrella slug, name) for per-project rows, so fixtures carry no ids."""

    key_field = "name"

    def get_by_natural_key(self, umbrella_slug, key):
        return self.get(umbrella__slug=umbrella_slug, **{self.key_field: key})


class VocabularyTerm(models.Model):
    """A term of a vocabulary that each umbrella review defines for itself."""

    umbrella = models.ForeignKey(UmbrellaReview, on_delete=models.CASCADE)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists and tables.")
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking

    objects = ProjectScopedManager()

    # Renames, merges and deletions from the settings pages are kept in each term's history.
    history = HistoricalRecords(inherit=True)

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

    def natural_key(self):
        return (self.umbrella.slug, self.name)

    natural_key.dependencies = ["reviews.umbrellareview"]


class Population(VocabularyTerm):
    """A population category, e.g. 'Severe mental illness (SMI)'."""


class InterventionFormat(VocabularyTerm):
    """How the intervention is delivered to people, e.g. 'Group only'."""


class DeliveryMode(VocabularyTerm):
    """The channel of delivery, e.g. in person, online, by telephone."""


class ExclusionReason(VocabularyTerm):
    """Why a full text was excluded (the reasons of the PRISMA flow)."""


class ResearchQuestionManager(ProjectScopedManager):
    key_field = "code"


class ResearchQuestion(models.Model):
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
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking

    objects = ResearchQuestionManager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["umbrella", "code"], name="unique_question_code")
        ]

    def __str__(self):
        return f"{self.code}: {self.get_kind_display()}"

    def natural_key(self):
        return (self.umbrella.slug, self.code)

    natural_key.dependencies = ["reviews.umbrellareview"]


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
    updated_by = account_link(related_name="+")
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


class DataRevision(models.Model):
    """A counter that only goes up, bumped after every change to a project's research data
    (see `reviews.project.revisions`). It lives in its own table so that saving or restoring the
    umbrella review row can never set it back to a number whose cache entries are stale."""

    umbrella = models.OneToOneField(
        UmbrellaReview, on_delete=models.CASCADE, primary_key=True, related_name="data_revision"
    )
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.umbrella_id}: revision {self.number}"
