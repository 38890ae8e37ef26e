"""Bibliographic fields shared by reviews, reports and primary studies, with their checks."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from ..citations import is_valid_doi, is_valid_pmid, normalize_doi, normalize_pmid
from ..history_records import LinkedHistoricalRecords

MIN_YEAR, MAX_YEAR = 1900, 2100


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
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking

    history = LinkedHistoricalRecords(inherit=True)

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
