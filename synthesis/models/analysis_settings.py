"""A project's analysis conventions: whose conventions grade the credibility classes of its
re-analyses (ours or R metaumbrella's, `synthesis.stats.Conventions`), and the correlation
assumed between dependent outcomes of one study."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from reviews.fields import Versioned
from reviews.models import UmbrellaReview

from .. import stats


class ConventionChoice(models.TextChoices):
    """The values are `stats.Conventions.name`s; one test asserts they agree."""

    OURS = stats.OURS.name, "Ours (most precise study, Ioannidis–Trikalinos, PI t(k − 2))"
    METAUMBRELLA = (
        stats.METAUMBRELLA.name,
        "metaumbrella's (largest sample, TESS/PSST with UWLS, PI t(k − 1))",
    )


class AnalysisSettings(Versioned):
    """One per project; a project without a row uses the defaults (ours, r = 0.5)."""

    umbrella = models.OneToOneField(
        UmbrellaReview, on_delete=models.CASCADE, related_name="analysis_settings"
    )
    conventions = models.CharField(
        max_length=20,
        choices=ConventionChoice,
        default=ConventionChoice.OURS,
        help_text="How the credibility class of a re-analysis picks its largest study, tests "
        "excess significance and draws its prediction interval (Methods, “Conventions”).",
    )
    dependent_r = models.FloatField(
        "correlation between outcomes of one study",
        default=stats.OURS.dependent_outcomes_r,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Assumed when several outcomes of one study are combined before pooling "
        "(Borenstein et al. 2009, ch. 24); 0.5 is metaumbrella's default.",
    )

    class Meta:
        verbose_name_plural = "analysis settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(dependent_r__gte=0.0, dependent_r__lte=1.0),
                name="analysis_dependent_r_in_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="analysis_settings_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Analysis settings of {self.umbrella}"

    def as_conventions(self) -> stats.Conventions:
        base = (
            stats.METAUMBRELLA if self.conventions == ConventionChoice.METAUMBRELLA else stats.OURS
        )
        return stats.Conventions(
            **{**base.__dict__, "dependent_outcomes_r": float(self.dependent_r)}
        )
