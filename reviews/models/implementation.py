"""Implementation factors coded to the CFIR domains, with the reviews that support them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from .. import cfir
from ..history_records import LinkedHistoricalRecords
from .project import ProjectScopedManager, UmbrellaReview
from .registry import IncludedReview


class CfirDomain(models.TextChoices):
    """The five CFIR domains; values and labels come from the pure `reviews.cfir` module."""

    INNOVATION = cfir.Domain.INNOVATION, cfir.DOMAIN_LABELS[cfir.Domain.INNOVATION]
    OUTER_SETTING = cfir.Domain.OUTER_SETTING, cfir.DOMAIN_LABELS[cfir.Domain.OUTER_SETTING]
    INNER_SETTING = cfir.Domain.INNER_SETTING, cfir.DOMAIN_LABELS[cfir.Domain.INNER_SETTING]
    INDIVIDUALS = cfir.Domain.INDIVIDUALS, cfir.DOMAIN_LABELS[cfir.Domain.INDIVIDUALS]
    IMPLEMENTATION_PROCESS = (
        cfir.Domain.IMPLEMENTATION_PROCESS,
        cfir.DOMAIN_LABELS[cfir.Domain.IMPLEMENTATION_PROCESS],
    )


class FactorValence(models.TextChoices):
    FACILITATOR = "facilitator", "Facilitator"
    BARRIER = "barrier", "Barrier"
    BOTH = "both", "Facilitator and barrier"


class FactorManager(ProjectScopedManager):
    key_field = "code"


class ImplementationFactor(models.Model):
    """One factor that influences implementation, as an umbrella review synthesised it."""

    umbrella = models.ForeignKey(
        UmbrellaReview, on_delete=models.CASCADE, related_name="implementation_factors"
    )
    code = models.CharField(max_length=20, help_text="A short code such as C01.")
    domain = models.CharField("CFIR domain", max_length=30, choices=CfirDomain)
    construct = models.CharField(
        "CFIR 2.0 construct",
        max_length=60,
        blank=True,
        help_text="Optional finer code; must belong to the domain (Damschroder et al. 2022).",
    )
    statement = models.TextField()
    valence = models.CharField(max_length=20, choices=FactorValence)
    reviews = models.ManyToManyField(
        IncludedReview, blank=True, related_name="implementation_factors"
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within the domain.")
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = FactorManager()

    history = LinkedHistoricalRecords(m2m_fields=["reviews"])

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["umbrella", "code"], name="unique_factor_code"),
            models.CheckConstraint(
                condition=models.Q(domain__in=CfirDomain.values),
                name="factor_domain_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(valence__in=FactorValence.values),
                name="factor_valence_valid",
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.statement}"

    def get_absolute_url(self):
        return reverse("reviews:implementation", kwargs={"slug": self.umbrella.slug})

    def natural_key(self):
        return (self.umbrella.slug, self.code)

    natural_key.dependencies = ["reviews.umbrellareview", "reviews.includedreview"]

    def clean(self):
        super().clean()
        if self.construct:
            try:
                domain = cfir.domain_of(self.construct)
            except ValueError as error:
                raise ValidationError({"construct": str(error)}) from None
            if self.domain and domain != self.domain:
                raise ValidationError(
                    {
                        "construct": f"“{self.construct}” is a construct of the "
                        f"{cfir.DOMAIN_LABELS[domain]} domain, not of "
                        f"{CfirDomain(self.domain).label}."
                    }
                )
