"""Estimate rows with an SE, arm sizes or another reported measure (issue #22) survive the
workbook and the metaumbrella CSV: exported, imported into an empty project, exported again,
byte for byte, with the same fields."""

import csv
import io

import pytest

from dataio.metaumbrella.export import export_metaumbrella
from synthesis.models import Outcome, OutcomeDomain, OutcomeResult, StudyEffect
from tests.dataio.metaumbrella.test_round_trip import _round_trip as metaumbrella_round_trip
from tests.dataio.workbook.test_round_trip import _round_trip as workbook_round_trip

pytestmark = pytest.mark.django_db

FIELDS = ("kind", "estimate", "ci_low", "ci_high", "se", "n1", "n2", "reported_measure")


@pytest.fixture
def harmonised(make_umbrella, make_review):
    umbrella = make_umbrella(slug="harmonised")
    review = make_review(umbrella=umbrella, label="Kim 2021")
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Symptoms")
    rows = {
        ("Depression", "smd"): [
            {"label": "Lee 2019", "estimate": 4.0, "ci_low": 2.0, "ci_high": 6.0, "n1": 20,
             "n2": 22, "reported_measure": "md"},
            {"label": "Ng 2020", "estimate": 0.4, "se": 0.15},
            {"label": "Ota 2018", "estimate": 0.243, "n1": 20, "n2": 20},
        ],
        ("Relapse", "rr"): [
            {"label": "Abe 2015", "estimate": 0.8, "ci_low": 0.6, "ci_high": 0.95, "n1": 120,
             "n2": 118},
            {"label": "Bo 2016", "estimate": 0.7, "ci_low": 0.5, "ci_high": 0.98},
            {"label": "Cho 2017", "estimate": 0.75, "se": 0.2, "reported_measure": "hr"},
        ],
    }  # fmt: skip
    for number, ((name, measure), entered) in enumerate(rows.items(), start=1):
        outcome = Outcome.objects.create(umbrella=umbrella, name=name, domain=domain)
        result = OutcomeResult.objects.create(
            review=review, outcome=outcome, extraction_id=f"O{number}",
            evidence_type="meta_analysis", measure=measure, k=3, estimate=0.5, ci_low=0.2,
            ci_high=0.8,
        )  # fmt: skip
        for values in entered:
            effect = StudyEffect(outcome_result=result, kind="estimate", **values)
            effect.full_clean()
            effect.save()
    return umbrella


def _stored(umbrella_slug: str) -> dict[str, tuple]:
    effects = StudyEffect.objects.filter(outcome_result__review__umbrella__slug=umbrella_slug)
    return {e.label: tuple(getattr(e, name) for name in FIELDS) for e in effects}


def test_the_workbook_carries_se_arm_sizes_and_reported_measure(harmonised, tmp_path):
    before = _stored("harmonised")
    assert before["Lee 2019"] == ("estimate", 4.0, 2.0, 6.0, None, 20, 22, "md")
    workbook_round_trip(harmonised, tmp_path)
    copy = OutcomeResult.objects.exclude(review__umbrella=harmonised).first()
    assert _stored(copy.review.umbrella.slug) == before


def test_the_metaumbrella_csv_carries_them_in_metaumbrellas_columns(harmonised, tmp_path):
    rows = {
        row["author"]: row for row in csv.DictReader(io.StringIO(export_metaumbrella(harmonised)))
    }
    # an MD row in an SMD factor is written as metaumbrella reads it: MD, value, CI, n_cases/
    # n_controls; an SE as `se`; a ratio's arm sizes as n_exp / n_nexp
    lee = ("measure", "value", "ci_lo", "ci_up", "n_cases", "n_controls")
    assert [rows["Lee"][c] for c in lee] == ["MD", "4", "2", "6", "20", "22"]
    assert (rows["Ng"]["measure"], rows["Ng"]["se"], rows["Ng"]["ci_lo"]) == ("SMD", "0.15", "")
    assert (rows["Abe"]["n_exp"], rows["Abe"]["n_nexp"], rows["Abe"]["n_cases"]) == (
        "120", "118", "",
    )  # fmt: skip
    assert (rows["Cho"]["measure"], rows["Cho"]["se"]) == ("HR", "0.2")
    metaumbrella_round_trip(harmonised, tmp_path)
    copy = StudyEffect.objects.exclude(outcome_result__review__umbrella=harmonised).first()
    assert _stored(copy.outcome_result.review.umbrella.slug) == _stored("harmonised")
