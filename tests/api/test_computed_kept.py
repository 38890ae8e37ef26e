"""The API's computed resources read what their pages keep per data revision: a second call
(or a call after the page) computes nothing, a write changes the answer, bad input keeps
nothing."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import KeyFindingNarrative, UmbrellaReview
from reviews.project.revisions import kept_for_project, query_parts
from reviews.versioning import save_versioned
from synthesis.models import OutcomeResult
from synthesis.selectors.summary_of_findings import KEPT_NAME

pytestmark = pytest.mark.django_db

SLUG = "peer-support-mental-health"
API = f"/api/v1/projects/{SLUG}/"
# What computing each resource reads (its answer, once kept, reads none of them).
COMPUTING = {
    "key-findings/": ("reviews_researchquestion", "reviews_keyfindingnarrative"),
    "summary-of-findings/": ("synthesis_selectionrule", "synthesis_outcomeresult"),
}


def computing_queries(client, resource: str, params=None) -> tuple[bytes, list[str]]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(API + resource, params or {})
    assert response.status_code == 200, response.content
    tables = COMPUTING[resource]
    sql = [q["sql"] for q in context.captured_queries]
    return response.content, [s for s in sql if any(t in s for t in tables)]


@pytest.mark.parametrize("resource", COMPUTING)
def test_a_second_call_computes_nothing_and_answers_the_same_bytes(client, peer_support, resource):
    first, computing = computing_queries(client, resource)
    assert computing  # the first computed it
    second, computing = computing_queries(client, resource)
    assert computing == []
    assert second == first  # the kept answer, byte for byte
    # Another filter is another computation, kept apart.
    if resource == "summary-of-findings/":
        high, computing = computing_queries(client, resource, {"min_rating": "high"})
        assert computing
        assert high != first
        assert computing_queries(client, resource, {"min_rating": "high"})[1] == []


def test_after_the_pages_the_api_reads_their_kept_figures(client, peer_support):
    client.get(reverse("synthesis:key-findings", kwargs={"slug": SLUG}))
    client.get(reverse("synthesis:summary-of-findings", kwargs={"slug": SLUG}))
    assert computing_queries(client, "key-findings/")[1] == []
    body, computing = computing_queries(client, "summary-of-findings/")
    assert computing == []
    assert b'"rule":["rating","k","n","year"]' in body


def test_a_write_changes_the_answers(client, peer_support, django_capture_on_commit_callbacks):
    client.get(API + "key-findings/")
    sof = client.get(API + "summary-of-findings/").json()
    row = next(r for r in sof["rows"] if r["estimate"] is not None)
    question = peer_support.research_questions.order_by("code").first()
    narrative = KeyFindingNarrative(umbrella=peer_support, research_question=question)
    result = OutcomeResult.objects.get(
        review__umbrella=peer_support, review__label=row["selected_review"],
        outcome__name=row["outcome"], estimate=row["estimate"],
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        narrative.text = "Rewritten after the first answer."
        save_versioned(narrative, loaded_version=None)
        result.estimate = round(row["estimate"] + 0.01, 6)
        save_versioned(result, loaded_version=result.version)

    sections = client.get(API + "key-findings/").json()["research_questions"]
    assert next(s for s in sections if s["code"] == question.code)["narrative"] == narrative.text
    rows = client.get(API + "summary-of-findings/").json()["rows"]
    moved = next(r for r in rows if r["outcome"] == row["outcome"])
    assert moved["estimate"] == pytest.approx(row["estimate"] + 0.01)


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"rule": "shoe"}, {"rule": ["Unknown criterion 'shoe'; use rating, grade, k, n, year."]}),
        (
            {"min_rating": "zzz"},
            {"min_rating": ["Select a valid choice. zzz is not one of the available choices."]},
        ),
        # Both wrong: the rule is named, as before the answers were kept.
        (
            {"min_rating": "zzz", "rule": "shoe"},
            {"rule": ["Unknown criterion 'shoe'; use rating, grade, k, n, year."]},
        ),
    ],
)
def test_refused_parameters_are_named_and_nothing_is_computed_or_kept(
    client, peer_support, params, errors
):
    with CaptureQueriesContext(connection) as context:
        response = client.get(API + "summary-of-findings/", params)
    assert (response.status_code, response.json()) == (400, {**errors, "status": 400})
    assert not any("synthesis_outcomeresult" in q["sql"] for q in context.captured_queries)
    query = QueryDict(mutable=True)
    query.update(params)
    umbrella = UmbrellaReview.objects.select_related("data_revision").get(pk=peer_support.pk)
    assert kept_for_project(umbrella, KEPT_NAME, query_parts(query)) is None
