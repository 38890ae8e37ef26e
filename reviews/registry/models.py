"""Included reviews, their further reports, and the reviews excluded at full text; the
bibliographic fields they share with primary studies (`Citation`), with their checks."""

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from ..fields import Versioned, choices_of, reported_count
from ..natural_keys import NaturalKeyed, NaturalKeyManager
from ..project.models import (
    DeliveryMode,
    ExclusionReason,
    InterventionFormat,
    Population,
    ResearchQuestion,
    UmbrellaReview,
)
from .citations import (
    MAX_YEAR,
    MIN_YEAR,
    is_valid_doi,
    is_valid_pmid,
    normalize_doi,
    normalize_pmid,
)
from .confidence import LOW_OR_CRITICALLY_LOW, Confidence


class Citation(Versioned):
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


class FurtherPaper(Citation):
    """A further paper of an included review or of a primary study, whose own citation is its
    main report: listed by year and title, and named by its parent's label and its title.
    `PARENT` names the subclass's link to the review or study."""

    PARENT: ClassVar[str]

    class Meta:
        abstract = True
        ordering = ["year", "title"]

    def __str__(self):
        return f"{getattr(self, self.PARENT).label}: {self.title}"

    @staticmethod
    def paper_constraints(parent: str, unique_title: str) -> list[models.BaseConstraint]:
        """The citation's checks, and a title once per parent (constraint `unique_title`)."""
        return [
            *Citation.Meta.constraints,
            models.UniqueConstraint(fields=[parent, "title"], name=unique_title),
        ]


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


# AMSTAR 2 overall confidence as the umbrella review published it: the scale's levels, or
# "low or critically low" where the paper did not separate them.
PublishedRating = choices_of(Confidence, "PublishedRating", (LOW_OR_CRITICALLY_LOW,))


class IncludedReviewQuerySet(models.QuerySet):
    def with_lists(self):
        """Everything the list and detail pages show, in a fixed number of queries."""
        return self.select_related("umbrella").prefetch_related(
            "populations", "formats", "delivery_modes", "research_questions", "reports"
        )


# A module-level name, so that the django-stubs plugin can build the class for mypy.
IncludedReviewManager = NaturalKeyManager.from_queryset(IncludedReviewQuerySet)


# The bibliographic fields, in the order forms and the workbook list them.
CITATION_FIELDS = ("authors", "year", "title", "journal", "volume", "pages", "doi", "pmid")


class IncludedReview(NaturalKeyed, Citation):
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
    n_primary_studies = reported_count("primary studies (as reported)")
    n_participants = reported_count("participants (as reported)")
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

    # What the review reports about itself and how the umbrella review rated it, in the order
    # the review form and the workbook list them (after the citation and the vocabularies).
    DETAIL_FIELDS = (
        "n_primary_studies",
        "n_participants",
        "search_date",
        "grade_used",
        "lived_experience_involvement",
        "published_rating",
        "published_rating_note",
        "notes",
    )

    objects = IncludedReviewManager()
    natural_key_fields = ("umbrella__slug", "label")

    # The links its history keeps (see `Versioned`).
    _history_m2m_fields = ["populations", "formats", "delivery_modes", "research_questions"]

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

    @property
    def reference_numbers(self) -> list[int]:
        """The review's own reference number and those of its further reports."""
        numbers = [self.reference_number, *(r.reference_number for r in self.reports.all())]
        return sorted(n for n in numbers if n is not None)


class Report(NaturalKeyed, FurtherPaper):
    """A further paper reporting an included review (e.g. a journal version of a Cochrane review).

    The review's own citation is its main report, so a review has 1 + (its reports) papers.
    """

    PARENT = "review"
    review = models.ForeignKey(IncludedReview, on_delete=models.CASCADE, related_name="reports")
    reference_number = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)

    objects = NaturalKeyManager()
    natural_key_fields = ("review__umbrella__slug", "review__label", "title")

    class Meta(FurtherPaper.Meta):
        constraints = FurtherPaper.paper_constraints("review", "unique_report_title")


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
