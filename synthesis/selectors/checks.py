"""The synthesis app's line of the publish checklist (registered from SynthesisConfig.ready())."""

from django.db.models import CharField, Value
from django.db.models.functions import Concat
from django.urls import reverse

from reviews.models import UmbrellaReview
from reviews.publishing.checks import CheckResult, counted

from ..models import OutcomeResult


def results_not_checked(umbrella: UmbrellaReview) -> CheckResult:
    """Extracted results no second person has checked yet (`checked_at` empty)."""
    results = (
        OutcomeResult.objects.filter(review__umbrella=umbrella, checked_at__isnull=True)
        .annotate(
            name=Concat("review__label", Value(" – "), "outcome__name", output_field=CharField())
        )
        .order_by("review__label", "outcome__name", "pk")
    )
    return counted(
        "Outcome results not checked by a second person",
        results,
        url=reverse("synthesis:overview", kwargs={"slug": umbrella.slug}),
        name_field="name",
    )
