"""metaumbrella CSV: a project exported, imported into an empty project and exported again is
byte-identical — the model case (with synthetic study rows: it holds none) and a synthetic
project."""

import csv
import io

import pytest

from dataio.metaumbrella.export import export_metaumbrella
from dataio.metaumbrella.service import import_metaumbrella
from dataio.synthetic.project import generate
from dataio.synthetic.study_effects import add_study_effects
from reviews.models import UmbrellaReview
from synthesis.models import OutcomeResult, StudyEffect

pytestmark = pytest.mark.django_db


def _round_trip(umbrella, tmp_path) -> str:
    first = export_metaumbrella(umbrella, tmp_path / "first.csv")
    copy = UmbrellaReview.objects.create(title="Copy", slug=f"copy-of-{umbrella.slug}")
    report = import_metaumbrella(tmp_path / "first.csv", umbrella=copy)
    assert report.problems == []
    assert export_metaumbrella(copy) == first
    return first


def test_peer_support_with_study_rows_survives_the_round_trip(peer_support, tmp_path):
    added = add_study_effects(peer_support, seed=3)
    text = _round_trip(peer_support, tmp_path)
    rows = list(csv.DictReader(io.StringIO(text)))
    # 10 Hedges' g results and 1 RR result: every study row is exported.
    assert (
        len(rows)
        == added
        == StudyEffect.objects.filter(outcome_result__review__umbrella=peer_support).count()
    )
    assert {row["measure"] for row in rows} == {"G", "RR"}
    copy = UmbrellaReview.objects.get(slug="copy-of-peer-support-mental-health")
    assert OutcomeResult.objects.filter(review__umbrella=copy).count() == 11
    assert StudyEffect.objects.filter(outcome_result__review__umbrella=copy).count() == added


def test_a_synthetic_project_survives_the_round_trip(tmp_path):
    umbrella = generate(size="small", seed=11).umbrella
    added = add_study_effects(umbrella, seed=11, max_per_result=3)
    text = _round_trip(umbrella, tmp_path)
    assert text.count("\n") == added + 1  # the header, then one line per study row
