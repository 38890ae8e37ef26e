"""Natural keys (reviews/natural_keys.py): each model declares its key's lookup paths once;
`natural_key()` and `get_by_natural_key()` follow the same paths, on every row of the model case."""

import re

import pytest
from django.apps import apps
from django.core import serializers

from reviews.models import (
    ExperienceSubtheme,
    IncludedReview,
    PrismaFlow,
    Report,
    UmbrellaReview,
)
from reviews.natural_keys import NaturalKeyed
from synthesis.models import OutcomeResult

SLUG = "peer-support-mental-health"
KEYED = [model for model in apps.get_models() if issubclass(model, NaturalKeyed)]


def test_the_models_that_name_their_rows_by_natural_key():
    assert sorted(model._meta.label for model in KEYED) == [
        "reviews.DeliveryMode",
        "reviews.ExclusionReason",
        "reviews.ExperienceSubtheme",
        "reviews.ExperienceTheme",
        "reviews.ImplementationFactor",
        "reviews.IncludedReview",
        "reviews.InterventionFormat",
        "reviews.KeyFindingNarrative",
        "reviews.Perspective",
        "reviews.Population",
        "reviews.PrismaFlow",
        "reviews.Report",
        "reviews.ReportedInclusionFrequency",
        "reviews.ResearchQuestion",
        "reviews.UmbrellaReview",
        "synthesis.Outcome",
        "synthesis.OutcomeDomain",
        "synthesis.OutcomeResult",
    ]


def test_keys_read_the_declared_paths(peer_support):
    assert peer_support.natural_key() == (SLUG,)
    review = IncludedReview.objects.get(umbrella=peer_support, label="Pitt 2013")
    assert review.natural_key() == (SLUG, "Pitt 2013")
    report = Report.objects.get(review=review)
    assert report.natural_key() == (SLUG, "Pitt 2013", report.title)
    assert report.title.startswith("A systematic review of consumer-providers")
    subtheme = ExperienceSubtheme.objects.get(theme__umbrella=peer_support, code="E01")
    assert subtheme.natural_key() == (SLUG, "E01")
    result = OutcomeResult.objects.get(review__umbrella=peer_support, extraction_id="O001")
    assert result.natural_key() == (SLUG, "Gaiser 2021", "O001")
    assert PrismaFlow.objects.get(umbrella=peer_support).natural_key() == (SLUG,)


@pytest.mark.parametrize("model", KEYED, ids=lambda model: model._meta.label)
def test_every_row_of_the_model_case_is_found_again_by_its_key(peer_support, model):
    rows = list(model._default_manager.all())
    keys = [row.natural_key() for row in rows]
    assert len(set(keys)) == len(rows)  # a key names one row
    for row, key in zip(rows, keys, strict=True):
        assert model._default_manager.get_by_natural_key(*key) == row


def test_a_key_of_the_wrong_length_is_refused(peer_support):
    message = (
        "IncludedReview is named by (umbrella__slug, label), not by ('peer-support-mental-health',)"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        IncludedReview.objects.get_by_natural_key(SLUG)
    with pytest.raises(UmbrellaReview.DoesNotExist):
        UmbrellaReview.objects.get_by_natural_key("no-such-project")


def test_serializers_write_a_row_after_the_rows_its_key_points_to():
    # Django orders by foreign keys and many-to-many fields; no model declares more.
    order = serializers.sort_dependencies([(config, None) for config in apps.get_app_configs()])
    position = {model: index for index, model in enumerate(order)}
    assert position[UmbrellaReview] < position[IncludedReview] < position[Report]
    assert position[IncludedReview] < position[OutcomeResult]
    assert position[apps.get_model("reviews", "ExperienceTheme")] < position[ExperienceSubtheme]
    assert position[apps.get_model("reviews", "Perspective")] < position[ExperienceSubtheme]
    assert position[apps.get_model("synthesis", "Outcome")] < position[OutcomeResult]
