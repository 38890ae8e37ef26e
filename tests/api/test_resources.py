"""The API's resources on the model case: real values, the pages' filters, errors as JSON."""

import datetime as dt

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from reviews.models import DataRevision, Inclusion, UmbrellaReview
from reviews.project.revisions import bump_revision
from synthesis.models import Outcome, OutcomeDomain, OutcomeResult, StudyEffect

SLUG = "peer-support-mental-health"
API = f"/api/v1/projects/{SLUG}/"

pytestmark = pytest.mark.django_db


def all_rows(client, url, params=None):
    rows, page = [], 1
    while True:
        response = client.get(url, {**(params or {}), "page": page, "page_size": 500})
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        if body["next"] is None:
            return rows
        page += 1


@pytest.mark.parametrize(
    "params",
    [
        {"finding": ["improvement"]},
        {"evidence_type": ["meta_analysis"], "sort": "-k"},
        {"min_rating": "critically_low", "sensitivity": "true"},
    ],
)
def test_the_api_and_the_outcome_page_return_the_same_rows_for_the_same_filters(
    client, peer_support, params
):
    # The outcome with the most results.
    outcome = Outcome.objects.filter(umbrella=peer_support).annotate(n=Count("results")).latest("n")
    page = client.get(outcome.get_absolute_url(), {**params, "outcome": outcome.pk})
    on_page = [r.pk for group in page.context["groups"] for r in group.results]
    rows = all_rows(client, f"{API}results/", {**params, "outcome": outcome.pk})
    assert sorted(row["id"] for row in rows) == sorted(on_page)
    assert on_page, "the filters should leave rows to compare"
    # And across every outcome: the same rows as the evidence export of the same filters.
    export = client.get(reverse("synthesis:export-csv", kwargs={"slug": SLUG}), params)
    exported = export.content.decode().count("\n") - 1
    assert len(all_rows(client, f"{API}results/", params)) == exported


def test_results_carry_the_figures_and_rating_of_the_row(client, peer_support):
    result = (
        OutcomeResult.objects.filter(review__umbrella=peer_support, estimate__isnull=False)
        .select_related("review", "outcome")
        .first()
    )
    rows = all_rows(client, f"{API}results/", {"outcome": result.outcome_id})
    row = next(r for r in rows if r["id"] == result.pk)
    assert row["review_label"] == result.review.label
    assert row["outcome_name"] == result.outcome.name
    assert (row["estimate"], row["ci_low"], row["ci_high"]) == (
        result.estimate, result.ci_low, result.ci_high
    )  # fmt: skip
    # Internal notes and the accounts of who entered or checked a row stay out.
    assert not {"note", "entered_by", "checked_by"} & row.keys()


def test_study_effects_say_their_direction_and_how_rows_of_one_study_combine(client, peer_support):
    """What the re-analysis needs to pool a row as the app does: its `reverse` flag and
    metaumbrella's `multiple_es` (groups or outcomes of one study)."""
    result = OutcomeResult.objects.filter(
        review__umbrella=peer_support, estimate__isnull=False
    ).first()
    rows = [("Lee 2019 boys", True, "groups"), ("Kim 2018", False, "outcomes")]
    for label, reverse_flag, marker in rows:
        StudyEffect.objects.create(outcome_result=result, label=label, kind="estimate",
                                   estimate=0.3, ci_low=0.0, ci_high=0.6,
                                   reverse=reverse_flag, multiple_es=marker)  # fmt: skip
    bump_revision(UmbrellaReview.objects.filter(pk=peer_support.pk))
    effect = StudyEffect.objects.get(outcome_result=result, label="Lee 2019 boys")
    rows = all_rows(client, f"{API}study-effects/", {"result": effect.outcome_result_id})
    row = next(r for r in rows if r["id"] == effect.pk)
    assert (row["reverse"], row["multiple_es"]) == (True, "groups")
    others = [r for r in rows if r["id"] != effect.pk]
    assert all((r["reverse"], r["multiple_es"]) == (False, "outcomes") for r in others)


def test_an_invalid_filter_value_is_a_400_naming_the_parameter(client, peer_support):
    response = client.get(f"{API}results/", {"finding": "splendid", "min_rating": "best"})
    assert response.status_code == 400
    body = response.json()
    assert body["finding"] == [
        "Select a valid choice. splendid is not one of the available choices."
    ]
    assert body["min_rating"] == [
        "Select a valid choice. best is not one of the available choices."
    ]
    assert body["status"] == 400


def test_unknown_addresses_and_pages_are_json_404s(client, peer_support):
    assert client.get("/api/v1/projects/nothing-here/reviews/").json() == {
        "detail": "No such umbrella review.",
        "status": 404,
    }
    assert client.get(f"{API}results/", {"page": 999}).json() == {
        "detail": "Invalid page.",
        "status": 404,
    }
    missing = client.get("/api/v1/no-such-thing/")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "No API resource at /api/v1/no-such-thing/: see /api/v1/."


def test_pages_are_bounded(client, peer_support):
    body = client.get(f"{API}results/", {"page_size": 10_000}).json()
    total = OutcomeResult.objects.filter(review__umbrella=peer_support).count()
    assert body["count"] == total
    assert len(body["results"]) == min(total, 500)
    assert len(client.get(f"{API}results/").json()["results"]) == min(total, 50)


def test_reviews_come_with_reports_questions_populations_and_formats(client, peer_support):
    reviews = all_rows(client, f"{API}reviews/")
    assert len(reviews) == 35
    review = next(r for r in reviews if r["research_questions"] and r["populations"])
    assert {"code", "text"} == set(review["research_questions"][0])
    assert {"id", "name"} == set(review["populations"][0])
    assert "notes" not in review
    detail = client.get(f"{API}reviews/{review['id']}/").json()
    assert detail == review
    # The reviews page's own filters apply.
    narrative = all_rows(client, f"{API}reviews/", {"review_type": "sr_no_meta_analysis"})
    assert len(narrative) == 13
    assert {r["review_type"] for r in narrative} == {"sr_no_meta_analysis"}


def test_overlap_gives_the_overall_and_pairwise_cca_of_the_citation_matrix(
    client, make_review, make_study
):
    # Reviews A {1, 2, 3}, B {2, 3, 4}, C {3}: N = 7 inclusions, r = 4 studies, c = 3 reviews,
    # CCA = (N - r) / (r c - r) = 3 / 8; the pair A-B: (6 - 4) / (8 - 4) = 50%, 2 shared.
    a = make_review(label="A 2020", year=2020)
    umbrella = a.umbrella
    UmbrellaReview.objects.filter(pk=umbrella.pk).update(is_published=True)
    b = make_review(umbrella, label="B 2021", year=2021)
    c = make_review(umbrella, label="C 2022", year=2022)
    studies = [make_study(umbrella, year=2000) for _ in range(4)]
    for review, numbers in ((a, [0, 1, 2]), (b, [1, 2, 3]), (c, [2])):
        Inclusion.objects.bulk_create(Inclusion(review=review, study=studies[n]) for n in numbers)
    body = client.get(f"/api/v1/projects/{umbrella.slug}/overlap/").json()
    assert (body["n_inclusions"], body["n_studies"], body["cca_percent"]) == (7, 4, 37.5)
    assert body["inclusion_frequency"] == {"1": 2, "2": 1, "3": 1}
    pair = next(p for p in body["pairwise"] if {p["review_a"], p["review_b"]} == {a.pk, b.pk})
    assert (pair["cca_percent"], pair["shared_studies"]) == (50.0, 2)
    # Per outcome: only the reviews with results for it (A and C: 4 inclusions, 3 studies).
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Clinical")
    outcome = Outcome.objects.create(umbrella=umbrella, name="Recovery", domain=domain)
    for review in (a, c):
        OutcomeResult.objects.create(review=review, outcome=outcome, evidence_type="narrative")
    one = client.get(f"/api/v1/projects/{umbrella.slug}/outcomes/{outcome.pk}/overlap/").json()
    assert one["outcome"] == {"id": outcome.pk, "name": "Recovery"}
    assert [r["label"] for r in one["reviews"]] == ["A 2020", "C 2022"]
    assert (one["n_inclusions"], one["n_studies"]) == (4, 3)
    assert one["cca_percent"] == pytest.approx(100 * 1 / 3, abs=0.01)  # (4 - 3) / (6 - 3)


def test_prisma_and_summary_of_findings_give_the_pages_figures(client, peer_support):
    prisma = client.get(f"{API}prisma/").json()
    assert (prisma["databases"], prisma["assessed"], prisma["excluded"]) == (777, 93, 57)
    sof = client.get(f"{API}summary-of-findings/").json()
    assert sof["rule"] == ["rating", "k", "n", "year"]
    page = client.get(reverse("synthesis:summary-of-findings", kwargs={"slug": SLUG}))
    assert [row["outcome"] for row in sof["rows"]] == [
        row.outcome.name for row in page.context["sof"].rows
    ]
    refused = client.get(f"{API}summary-of-findings/", {"rule": "shoe-size"})
    assert refused.status_code == 400
    assert "shoe-size" in refused.json()["rule"][0]


def test_a_conditional_get_answers_304_until_the_data_changes(client, peer_support):
    first = client.get(f"{API}results/", {"finding": "improvement"})
    etag = first["ETag"]
    asked = {"If-None-Match": etag}
    again = client.get(f"{API}results/", {"finding": "improvement"}, headers=asked)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    # Another query is another representation.
    other = client.get(f"{API}results/", {"finding": "harm"}, headers=asked)
    assert other.status_code == 200
    # A write bumps the project's data revision: the old copy is stale.
    bump_revision(UmbrellaReview.objects.filter(pk=peer_support.pk))
    stale = client.get(
        f"{API}results/", {"finding": "improvement"}, headers={"If-None-Match": etag}
    )
    assert stale.status_code == 200
    assert stale["ETag"] != etag


def _changed_at(umbrella, moment):
    DataRevision.objects.filter(umbrella=umbrella).update(changed_at=moment)


def test_last_modified_is_the_last_change_and_if_modified_since_answers_anonymous_clients(
    client, django_user_model, peer_support
):
    bump_revision(UmbrellaReview.objects.filter(pk=peer_support.pk))
    changed = dt.datetime(2026, 3, 1, 12, 0, 0, 500_000, tzinfo=dt.UTC)
    _changed_at(peer_support, changed)
    first = client.get(f"{API}prisma/")
    assert first["Last-Modified"] == "Sun, 01 Mar 2026 12:00:00 GMT"
    asked = {"If-Modified-Since": first["Last-Modified"]}
    assert client.get(f"{API}prisma/", headers=asked).status_code == 304
    # A date before the change is stale; an If-None-Match that does not match wins over a
    # current date (RFC 9110 13.2.2).
    older = {"If-Modified-Since": "Sun, 01 Mar 2026 11:59:59 GMT"}
    assert client.get(f"{API}prisma/", headers=older).status_code == 200
    both = {**asked, "If-None-Match": '"another"'}
    assert client.get(f"{API}prisma/", headers=both).status_code == 200
    # A later change makes the copy stale.
    _changed_at(peer_support, changed + dt.timedelta(seconds=1))
    assert client.get(f"{API}prisma/", headers=asked).status_code == 200
    # A member's view depends on their role, which the date does not follow: only the ETag.
    client.force_login(django_user_model.objects.create_user("member"))
    assert client.get(f"{API}prisma/", headers=asked).status_code == 200


def test_a_change_within_the_current_second_states_no_date(client, peer_support):
    # HTTP dates count whole seconds: a second change in the same second would not show.
    bump_revision(UmbrellaReview.objects.filter(pk=peer_support.pk))
    _changed_at(peer_support, timezone.now() + dt.timedelta(seconds=5))
    response = client.get(f"{API}prisma/")
    assert response.status_code == 200
    assert "Last-Modified" not in response
    assert response["ETag"]


@pytest.mark.throttle
def test_anonymous_clients_are_throttled_with_a_json_429(client, peer_support, settings):
    settings.API_ANON_THROTTLE_RATE = "3/minute"
    codes = [client.get(f"{API}prisma/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get(f"{API}prisma/")
    assert refused.json()["detail"].startswith("Request was throttled. Expected available in")
    assert int(refused["Retry-After"]) > 0
