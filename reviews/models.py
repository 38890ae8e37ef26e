"""The registry of an umbrella review: its included reviews, their reports and primary studies.

Database constraints back every rule that a fixture, the admin or an import could break
(year range, non-negative counts, one DOI per project), so bad rows never reach the tables.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from .citations import is_valid_doi, is_valid_pmid, normalize_doi, normalize_pmid

MIN_YEAR, MAX_YEAR = 1900, 2100


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

    objects = UmbrellaReviewManager()

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

    objects = ProjectScopedManager()

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

    objects = ResearchQuestionManager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["umbrella", "code"], name="unique_question_code")
        ]

    def __str__(self):
        return f"{self.code}: {self.get_kind_display()}"

    def natural_key(self):
        return (self.umbrella.slug, self.code)

    natural_key.dependencies = ["reviews.umbrellareview"]


class Citation(models.Model):
    """Bibliographic fields shared by reviews, their reports and primary studies.

    DOI and PMID are stored normalised (see `citations.py`); check constraints keep raw
    spellings out even when rows bypass `save()`, as `loaddata` does.
    """

    authors = models.TextField(blank=True)
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    title = models.TextField()
    journal = models.CharField(max_length=300, blank=True)
    volume = models.CharField(max_length=50, blank=True)
    pages = models.CharField(max_length=50, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    pmid = models.CharField("PMID", max_length=12, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR),
                name="%(app_label)s_%(class)s_year_1900_2100",
                violation_error_message=f"Year must be between {MIN_YEAR} and {MAX_YEAR}.",
            ),
            models.CheckConstraint(
                condition=Q(doi="") | Q(doi__startswith="10.", doi=Lower("doi")),
                name="%(app_label)s_%(class)s_doi_normalised",
                violation_error_message="DOI must be stored lower-case and start with '10.'.",
            ),
        ]

    def save(self, *args, **kwargs):
        self.doi = normalize_doi(self.doi)
        self.pmid = normalize_pmid(self.pmid)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.doi = normalize_doi(self.doi)
        self.pmid = normalize_pmid(self.pmid)
        errors = {}
        if self.doi and not is_valid_doi(self.doi):
            errors["doi"] = f"{self.doi!r} is not a DOI (expected 10.<registrant>/<suffix>)."
        if self.pmid and not is_valid_pmid(self.pmid):
            errors["pmid"] = f"{self.pmid!r} is not a PubMed id (digits only)."
        if errors:
            raise ValidationError(errors)

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def source_line(self) -> str:
        """Journal, year;volume:pages in the Vancouver style the model case prints."""
        text = self.journal
        if self.year:
            text = f"{text}. {self.year}" if text else str(self.year)
        if self.volume:
            text += f";{self.volume}"
        if self.pages:
            text += f":{self.pages}"
        return text


def unique_identifier_constraints(scope: str) -> list[models.UniqueConstraint]:
    """One DOI and one PMID per `scope` (the project), ignoring blanks."""
    return [
        models.UniqueConstraint(
            fields=[scope, field],
            condition=~Q(**{field: ""}),
            name=f"%(app_label)s_%(class)s_unique_{field}",
            violation_error_message=f"Another record in this umbrella review has this {label}.",
        )
        for field, label in (("doi", "DOI"), ("pmid", "PMID"))
    ]


class ReviewType(models.TextChoices):
    SR_META_ANALYSIS = "sr_meta_analysis", "Systematic review with meta-analysis"
    SR_NO_META_ANALYSIS = "sr_no_meta_analysis", "Systematic review without meta-analysis"
    SR_QUALITATIVE = "sr_qualitative", "Systematic review with qualitative synthesis"
    SCOPING = "scoping", "Scoping review"
    REALIST = "realist", "Realist review"
    OTHER = "other", "Other review"


class PublishedRating(models.TextChoices):
    """AMSTAR 2 overall confidence as the umbrella review published it."""

    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    CRITICALLY_LOW = "critically_low", "Critically low"
    # Some umbrella reviews report only "low or critically low" for a group of reviews.
    LOW_OR_CRITICALLY_LOW = "low_or_critically_low", "Low or critically low (not separated)"


class IncludedReviewQuerySet(models.QuerySet):
    def with_lists(self):
        """Everything the list and detail pages show, in a fixed number of queries."""
        return self.select_related("umbrella").prefetch_related(
            "populations", "formats", "delivery_modes", "research_questions", "reports"
        )


class IncludedReviewManager(models.Manager.from_queryset(IncludedReviewQuerySet)):
    def get_by_natural_key(self, umbrella_slug, label):
        return self.get(umbrella__slug=umbrella_slug, label=label)


class IncludedReview(Citation):
    """One review included in the umbrella review; its citation is its main report."""

    umbrella = models.ForeignKey(
        UmbrellaReview, on_delete=models.CASCADE, related_name="included_reviews"
    )
    label = models.CharField(max_length=100, help_text='A short label such as "Chien 2019".')
    reference_number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Number in the umbrella review's reference list."
    )
    review_type = models.CharField(max_length=30, choices=ReviewType)
    review_type_note = models.TextField(
        blank=True, help_text="Why the review was classed as it is, where it is not evident."
    )
    populations = models.ManyToManyField(Population, blank=True, related_name="reviews")
    formats = models.ManyToManyField(InterventionFormat, blank=True, related_name="reviews")
    delivery_modes = models.ManyToManyField(DeliveryMode, blank=True, related_name="reviews")
    research_questions = models.ManyToManyField(
        ResearchQuestion, blank=True, related_name="reviews"
    )
    n_primary_studies = models.PositiveIntegerField(
        "primary studies (as reported)", null=True, blank=True, help_text="Blank: not reported."
    )
    n_participants = models.PositiveIntegerField(
        "participants (as reported)", null=True, blank=True, help_text="Blank: not reported."
    )
    search_date = models.DateField(
        null=True, blank=True, help_text="Date of the review's last search, if reported."
    )
    grade_used = models.BooleanField(
        "GRADE used", null=True, blank=True, help_text="Blank: not reported."
    )
    lived_experience_involvement = models.BooleanField(
        null=True, blank=True, help_text="Blank: not reported."
    )
    published_rating = models.CharField(
        "AMSTAR 2 rating as published",
        max_length=30,
        choices=PublishedRating,
        blank=True,
        help_text="Only where the umbrella review's own rating is known but not its item answers.",
    )
    published_rating_note = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    objects = IncludedReviewManager()

    class Meta:
        ordering = ["label"]
        constraints = [
            *Citation.Meta.constraints,
            *unique_identifier_constraints("umbrella"),
            models.UniqueConstraint(fields=["umbrella", "label"], name="unique_review_label"),
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("reviews:review-detail", kwargs={"slug": self.umbrella.slug, "pk": self.pk})

    def natural_key(self):
        return (self.umbrella.slug, self.label)

    natural_key.dependencies = [
        "reviews.umbrellareview",
        "reviews.population",
        "reviews.interventionformat",
        "reviews.deliverymode",
        "reviews.researchquestion",
    ]

    @property
    def reference_numbers(self) -> list[int]:
        """The review's own reference number and those of its further reports."""
        numbers = [self.reference_number, *(r.reference_number for r in self.reports.all())]
        return sorted(n for n in numbers if n is not None)


class ReportManager(models.Manager):
    def get_by_natural_key(self, umbrella_slug, review_label, title):
        return self.get(
            review__umbrella__slug=umbrella_slug, review__label=review_label, title=title
        )


class Report(Citation):
    """A further paper reporting an included review (e.g. a journal version of a Cochrane review).

    The review's own citation is its main report, so a review has 1 + (its reports) papers.
    """

    review = models.ForeignKey(IncludedReview, on_delete=models.CASCADE, related_name="reports")
    reference_number = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)

    objects = ReportManager()

    class Meta:
        ordering = ["year", "title"]
        constraints = [
            *Citation.Meta.constraints,
            models.UniqueConstraint(fields=["review", "title"], name="unique_report_title"),
        ]

    def __str__(self):
        return f"{self.review.label}: {self.title}"

    def natural_key(self):
        return (*self.review.natural_key(), self.title)

    natural_key.dependencies = ["reviews.includedreview"]


class ExcludedReview(Citation):
    """A full text assessed and excluded, with its reason (the PRISMA flow's exclusions)."""

    umbrella = models.ForeignKey(
        UmbrellaReview, on_delete=models.CASCADE, related_name="excluded_reviews"
    )
    reason = models.ForeignKey(ExclusionReason, on_delete=models.PROTECT, related_name="reviews")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["authors", "year"]
        constraints = [*Citation.Meta.constraints, *unique_identifier_constraints("umbrella")]

    def __str__(self):
        return self.title


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
    reviews = models.ManyToManyField(IncludedReview, through="Inclusion", related_name="studies")
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        help_text="Set by a de-duplication merge (see StudyMerge); a merged record is kept, "
        "hidden from lists and overlap, and restored by undoing the merge.",
    )

    objects = PrimaryStudyQuerySet.as_manager()

    class Meta:
        ordering = ["label"]
        verbose_name_plural = "primary studies"
        constraints = [*Citation.Meta.constraints, *unique_identifier_constraints("umbrella")]

    def __str__(self):
        return self.label


class Inclusion(models.Model):
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


class StudyReport(Citation):
    """A further paper of a primary study (a publication thread), as `Report` is for reviews.

    The study's own citation is its main report; overlap counts the study, never its papers.
    """

    study = models.ForeignKey(PrimaryStudy, on_delete=models.CASCADE, related_name="reports")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["year", "title"]
        constraints = [
            *Citation.Meta.constraints,
            models.UniqueConstraint(fields=["study", "title"], name="unique_study_report_title"),
        ]

    def __str__(self):
        return f"{self.study.label}: {self.title}"


class StudyMerge(models.Model):
    """One de-duplication merge: `merged` was found to be the same study as `kept`.

    Nothing is deleted. The merged record stays (with `merged_into` set); the ids of the rows
    that moved are recorded so that `registry_services.undo_merge` puts them back exactly.
    """

    umbrella = models.ForeignKey(UmbrellaReview, on_delete=models.CASCADE, related_name="merges")
    kept = models.ForeignKey(PrimaryStudy, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(PrimaryStudy, on_delete=models.PROTECT, related_name="merges_merged")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
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
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

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
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
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


class ReportedFrequencyManager(models.Manager):
    def get_by_natural_key(self, umbrella_slug, times_included):
        return self.get(umbrella__slug=umbrella_slug, times_included=times_included)


class ReportedInclusionFrequency(models.Model):
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

    objects = ReportedFrequencyManager()

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

    def natural_key(self):
        return (self.umbrella.slug, self.times_included)

    natural_key.dependencies = ["reviews.umbrellareview"]
