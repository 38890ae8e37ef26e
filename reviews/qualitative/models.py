"""Implementation factors coded to the CFIR domains, and experience themes (overarching themes,
their subthemes, and whose perspective each reflects), with the reviews that support them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from ..fields import Versioned, internal_note, one_of
from ..natural_keys import NaturalKeyed, NaturalKeyManager
from ..project.models import UmbrellaReview, VocabularyTerm
from ..registry.models import IncludedReview
from . import cfir


class CfirDomain(models.TextChoices):
    """The five CFIR domains; values and labels come from the pure `cfir` module."""

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


class ImplementationFactor(NaturalKeyed, Versioned):
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
    internal_note = internal_note()

    objects = NaturalKeyManager()
    natural_key_fields = ("umbrella__slug", "code")

    _history_m2m_fields = ["reviews"]

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["umbrella", "code"], name="unique_factor_code"),
            one_of("domain", CfirDomain, name="factor_domain_valid"),
            one_of("valence", FactorValence, name="factor_valence_valid"),
        ]

    def __str__(self):
        return f"{self.code}: {self.statement}"

    def get_absolute_url(self):
        return reverse("reviews:implementation", kwargs={"slug": self.umbrella.slug})

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


class Perspective(VocabularyTerm):
    """Whose experience a finding reports, e.g. 'Peer support workers', 'Service users'."""


class ExperienceTheme(NaturalKeyed, Versioned):
    """An overarching theme of the experiences synthesis."""

    umbrella = models.ForeignKey(
        UmbrellaReview, on_delete=models.CASCADE, related_name="experience_themes"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = NaturalKeyManager()
    natural_key_fields = ("umbrella__slug", "name")

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["umbrella", "name"], name="unique_theme_name")
        ]

    def __str__(self):
        return self.name


class ExperienceValence(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    MIXED = "mixed", "Mixed"
    # Kept from the seed coding: neither good nor bad (e.g. "disclosure needs discretion").
    NEUTRAL = "neutral", "Neutral"


class ExperienceSubtheme(NaturalKeyed, Versioned):
    """A subtheme: one synthesised statement, whose perspective it is, and its support."""

    theme = models.ForeignKey(ExperienceTheme, on_delete=models.CASCADE, related_name="subthemes")
    code = models.CharField(max_length=20, help_text="A short code such as E01.")
    statement = models.TextField()
    perspectives = models.ManyToManyField(Perspective, blank=True, related_name="subthemes")
    valence = models.CharField(max_length=20, choices=ExperienceValence)
    reviews = models.ManyToManyField(
        IncludedReview, blank=True, related_name="experience_subthemes"
    )
    contrasting = models.BooleanField(
        "contrasting findings",
        default=False,
        help_text="The supporting reviews (or perspectives) report contrasting findings.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(blank=True)
    internal_note = internal_note()

    objects = NaturalKeyManager()
    # Codes are unique per project (validate_unique), not only per theme.
    natural_key_fields = ("theme__umbrella__slug", "code")

    _history_m2m_fields = ["perspectives", "reviews"]

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "code"], name="unique_subtheme_code"),
            one_of("valence", ExperienceValence, name="subtheme_valence_valid"),
        ]

    def __str__(self):
        return f"{self.code}: {self.statement}"

    def get_absolute_url(self):
        return reverse("reviews:experiences", kwargs={"slug": self.theme.umbrella.slug})

    def validate_unique(self, exclude=None):
        super().validate_unique(exclude)
        # Codes are unique per project, not only per theme: the natural key needs it.
        if self.theme_id and self.code:
            clash = ExperienceSubtheme.objects.filter(
                theme__umbrella_id=self.theme.umbrella_id, code=self.code
            ).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError({"code": "Another subtheme of this project has this code."})
