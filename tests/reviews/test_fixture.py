"""The peer-support fixture (Cooper et al., BMC Med 2024;22:72) reproduces the paper's counts."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dataio.demo import PEER_SUPPORT_FIXTURE
from reviews.models import IncludedReview, Report, UmbrellaReview
from reviews.project.selectors import umbrella_summary


def counts(tallies):
    return {tally.label: tally.count for tally in tallies}


def test_fixture_reproduces_the_papers_review_counts(peer_support):
    summary = umbrella_summary(peer_support)
    assert summary.n_reviews == 35
    assert summary.n_reports == 36
    # "13 were systematic reviews with meta-analyses, 13 ... without, 3 ... qualitative
    # synthesis and 6 were scoping reviews" (Results, Characteristics of included reviews).
    assert counts(summary.by_type) == {
        "Systematic review with meta-analysis": 13,
        "Systematic review without meta-analysis": 13,
        "Systematic review with qualitative synthesis": 3,
        "Scoping review": 6,
        "Realist review": 0,
        "Other review": 0,
    }
    assert counts(summary.by_research_question) == {
        "RQ1 – Effectiveness": 23,
        "RQ2 – Implementation": 9,
        "RQ3 – Experiences": 11,
    }
    rating = counts(summary.by_rating)
    assert (rating["High"], rating["Moderate"]) == (1, 0)
    # 97% low or critically low: 34 reviews, 16 of them settled as critically low by the text.
    assert (
        rating["Low"] + rating["Critically low"] + rating["Low or critically low (not separated)"]
        == 34
    )
    assert rating["Critically low"] == 16


def test_fixture_reproduces_the_papers_population_counts(peer_support):
    assert counts(umbrella_summary(peer_support).by_population) == {
        "Severe mental illness (SMI)": 13,
        "People accessing mental health services": 6,
        "Perinatal populations": 3,
        "Any or common mental health conditions": 3,
        "Substance use disorders": 4,
        "Eating disorders": 2,
        "People experiencing suicidality": 1,
        "Crisis management": 1,
        "Peer support workers and other stakeholders": 9,
    }


def test_primary_studies_fall_back_to_the_reported_total(peer_support, make_study):
    summary = umbrella_summary(peer_support)
    assert (summary.n_primary_studies, summary.primary_studies_as_reported) == (426, True)
    make_study(peer_support, label="Sledge 2011")
    summary = umbrella_summary(peer_support)
    assert (summary.n_primary_studies, summary.primary_studies_as_reported) == (1, False)


def test_pitt_2013_is_one_review_with_two_reports(peer_support):
    pitt = IncludedReview.objects.get(umbrella=peer_support, label="Pitt 2013")
    assert pitt.journal == "Cochrane Database Syst Rev"
    assert pitt.reference_numbers == [41, 42]
    assert pitt.reports.get().journal == "J Soc Social Work Res"


def test_only_the_text_settled_flags_are_set(peer_support):
    reviews = IncludedReview.objects.filter(umbrella=peer_support)
    assert sorted(reviews.filter(grade_used=True).values_list("label", flat=True)) == [
        "Chien 2019",
        "Lloyd-Evans 2014",
    ]
    assert list(
        reviews.filter(lived_experience_involvement=True).values_list("label", flat=True)
    ) == ["Schlichthorst 2020"]
    assert reviews.filter(lived_experience_involvement__isnull=True).count() == 34
    # The paper gives no per-review counts of studies or participants: nothing is invented.
    assert not reviews.filter(n_participants__isnull=False).exists()


def test_load_demo_is_idempotent(peer_support):
    before = list(IncludedReview.objects.order_by("pk").values())
    out = StringIO()
    call_command("load_demo", stdout=out)
    # 191 + 4 reported inclusion-frequency rows (overlap, "as reported") + 107 of issue 7
    # (33 CFIR factors, 6 perspectives, 3 themes, 64 subthemes, 1 PRISMA flow)
    assert "0 created, 0 updated, 302 unchanged" in out.getvalue()
    assert list(IncludedReview.objects.order_by("pk").values()) == before
    assert UmbrellaReview.objects.count() == 1
    assert Report.objects.count() == 1


def test_loaddata_of_the_fixture_works_too(db):
    call_command("loaddata", PEER_SUPPORT_FIXTURE, verbosity=0)
    assert IncludedReview.objects.count() == 35


def bad_fixture(tmp_path, **changes):
    """The peer-support fixture with fields of the review 'Chien 2019' changed."""
    objects = json.loads(PEER_SUPPORT_FIXTURE.read_text(encoding="utf-8"))
    for obj in objects:
        if obj["model"] == "reviews.includedreview" and obj["fields"]["label"] == "Chien 2019":
            obj["fields"].update(changes)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(objects), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"year": 1850}, "year", "greater than or equal to 1900"),
        ({"n_primary_studies": -3}, "n_primary_studies", "greater than or equal to 0"),
    ],
)
def test_bad_fixture_row_is_reported_by_field_and_nothing_is_loaded(
    db, tmp_path, changes, field, reason
):
    with pytest.raises(CommandError) as error:
        call_command("load_demo", fixture=bad_fixture(tmp_path, **changes))
    message = str(error.value)
    assert "Nothing was loaded" in message
    assert (
        f"(reviews.IncludedReview ('peer-support-mental-health', 'Chien 2019')), field '{field}'"
        in message
    )
    assert reason in message
    assert not UmbrellaReview.objects.exists()


def test_duplicate_doi_in_a_fixture_is_reported_and_nothing_is_loaded(db, tmp_path):
    objects = json.loads(PEER_SUPPORT_FIXTURE.read_text(encoding="utf-8"))
    reviews = [obj for obj in objects if obj["model"] == "reviews.includedreview"]
    reviews[0]["fields"]["doi"] = reviews[1]["fields"]["doi"] = "10.1176/appi.ps.201300244"
    path = tmp_path / "duplicate.json"
    path.write_text(json.dumps(objects), encoding="utf-8")
    with pytest.raises(CommandError, match="has this DOI"):
        call_command("load_demo", fixture=path)
    assert not IncludedReview.objects.exists()


def test_loaddata_of_a_bad_fixture_names_the_constraint_and_rolls_back(db, tmp_path):
    with pytest.raises(Exception, match="year_1900_2100"):
        call_command("loaddata", bad_fixture(tmp_path, year=2200), verbosity=0)
    assert not UmbrellaReview.objects.exists()
