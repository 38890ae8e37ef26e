"""Cached fragments and the blinding rule: a page part kept per data revision for every member
(and recomputed in the background after a write) never carries a rater's unsubmitted work to
another member, whoever filled the cache first — the rater, or the background task."""

import pytest
from django.urls import reverse

from appraisal.models import Appraisal
from reviews.models import Membership

from .conftest import ALL_YES

ALL_NO = dict.fromkeys(range(1, 17), "no")
PAGES = [
    "appraisal:appraisal-table",
    "reviews:umbrella-detail",
    "reviews:overlap",
    "synthesis:overview",
    "synthesis:key-findings",
]


@pytest.fixture(autouse=True)
def recompute_after_write(settings):
    # On with a shared cache (CACHE_URL); the tests' worker runs in their own process.
    settings.RECOMPUTE_AFTER_WRITE = True


@pytest.fixture
def blinded(make_umbrella, make_review, make_member):
    umbrella = make_umbrella(is_published=False)
    review = make_review(umbrella, label="Blinded 2021", published_rating="")
    make_review(umbrella, label="Other 2020", published_rating="")
    return {
        "umbrella": umbrella,
        "review": review,
        "rater_a": make_member(umbrella, "rater-a"),
        "rater_b": make_member(umbrella, "rater-b"),
        "owner": make_member(umbrella, "owner-o", role=Membership.Role.OWNER),
    }


def visit(client, user, umbrella) -> dict:
    client.force_login(user)
    return {name: client.get(reverse(name, kwargs={"slug": umbrella.slug})) for name in PAGES}


def assert_nothing_of_rater_a(responses) -> None:
    table = responses["appraisal:appraisal-table"]
    counts = {value: n for value, _, n in table.context["rating_counts"]}
    assert counts == {"high": 0, "moderate": 0, "low": 0, "critically_low": 0,
                      "low_or_critically_low": 0, "": 2}  # fmt: skip
    assert table.context["agreement"] is None
    html = table.content.decode()
    assert "answer-no" not in html  # no cell shows rater A's "No" answers
    assert "No review has been appraised by two raters who have both submitted yet." in html
    for response in responses.values():
        assert response.status_code == 200
        assert "rater-a" not in response.content.decode()


@pytest.mark.parametrize("submit", [False, True], ids=["draft", "submitted-alone"])
def test_a_cached_fragment_never_shows_a_raters_unsubmitted_work_to_another_member(
    client, blinded, appraise, run_tasks, django_capture_on_commit_callbacks, submit
):
    umbrella = blinded["umbrella"]
    with django_capture_on_commit_callbacks(execute=True):  # the write bumps and queues
        appraise(blinded["review"], Appraisal.Role.FIRST, blinded["rater_a"], ALL_NO,
                 submit=submit)  # fmt: skip
    visit(client, blinded["rater_a"], umbrella)  # rater A fills the fragments first
    run_tasks()  # then the background recomputation renders them again
    assert_nothing_of_rater_a(visit(client, blinded["rater_b"], umbrella))
    assert_nothing_of_rater_a(visit(client, blinded["owner"], umbrella))


def test_once_both_raters_submitted_the_agreement_reaches_every_member(
    client, blinded, appraise, run_tasks, django_capture_on_commit_callbacks
):
    umbrella, review = blinded["umbrella"], blinded["review"]
    with django_capture_on_commit_callbacks(execute=True):
        appraise(review, Appraisal.Role.FIRST, blinded["rater_a"], ALL_YES)
    visit(client, blinded["owner"], umbrella)  # the fragments of the one-rater revision
    with django_capture_on_commit_callbacks(execute=True):
        appraise(review, Appraisal.Role.SECOND, blinded["rater_b"], ALL_YES)
    run_tasks()
    table = visit(client, blinded["owner"], umbrella)["appraisal:appraisal-table"]
    assert table.context["n_double_rated"] == 1
    assert table.context["agreement"].percent == pytest.approx(100.0)
