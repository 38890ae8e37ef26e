"""An appraisal's audit trail: every save and submit is a recorded version (who, when, its
status), and restoring an old version never changes the two-rater workflow (issue #15.4)."""

import pytest
from django.urls import reverse

from appraisal.models import Appraisal, ItemAnswer
from reviews.models import Membership

from .conftest import ALL_YES

pytestmark = pytest.mark.django_db


def history_url(appraisal, model="appraisal.appraisal", pk=None):
    return reverse(
        "reviews:history",
        kwargs={
            "slug": appraisal.review.umbrella.slug,
            "model": model,
            "pk": pk or appraisal.pk,
        },
    )


def test_every_save_and_submit_is_a_version_with_who_and_the_status(
    make_review, make_member, appraise
):
    review = make_review()
    rater = make_member(review.umbrella, "rater-one")
    appraise(review, "first", rater, {1: "yes"}, submit=False)
    appraise(review, "first", rater, {1: "no"}, submit=False)
    appraisal = appraise(review, "first", rater, ALL_YES)
    versions = appraisal.history.order_by("history_date", "history_id")
    assert [
        (v.history_type, v.status, v.version, v.history_user, v.history_change_reason)
        for v in versions
    ] == [
        ("+", "draft", 1, rater, "Saved as a draft"),
        ("~", "draft", 2, rater, "Saved as a draft"),
        ("~", "submitted", 3, rater, "Submitted"),
    ]
    assert appraisal.version == 3
    # The answers' versions name the rater too: 1 + 1 + 14 created (items 9 and 11 as RCT
    # parts count as answers), the 2 replaced ones recorded as deleted.
    answers = ItemAnswer.history.filter(appraisal_id=appraisal.pk)
    assert set(answers.values_list("history_user", flat=True)) == {rater.pk}
    assert answers.filter(history_type="-").count() == 2


@pytest.mark.parametrize("restorer", ["the rater", "an owner after both submitted"])
def test_restoring_an_old_version_of_an_appraisal_is_refused(
    client, make_review, make_member, appraise, restorer
):
    review = make_review()
    rater = make_member(review.umbrella, "rater-one", Membership.Role.RESEARCHER)
    second = make_member(review.umbrella, "rater-two")
    owner = make_member(review.umbrella, "olive", Membership.Role.OWNER)
    appraise(review, "first", rater, {1: "no"}, submit=False)
    appraisal = appraise(review, "first", rater, ALL_YES)
    if restorer == "the rater":
        client.force_login(rater)
    else:
        appraise(review, "second", second, ALL_YES)
        client.force_login(owner)
    draft = appraisal.history.get(status="draft")
    page = client.get(history_url(appraisal))
    assert "Restore this version" not in page.content.decode()
    assert "Appraisals are not restored from their history" in page.content.decode()

    response = client.post(history_url(appraisal), {"history_id": draft.history_id})
    assert response.status_code == 403
    appraisal.refresh_from_db()
    assert (appraisal.status, appraisal.rater, appraisal.role) == ("submitted", rater, "first")
    assert appraisal.version == 2
    assert appraisal.history.count() == 2  # nothing written
    # Nor an answer back to the draft's "no".
    answer = appraisal.answers.get(item=1)
    old = ItemAnswer.history.filter(
        appraisal_id=appraisal.pk, item=1, answer="no", history_type="+"
    ).get()
    url = history_url(appraisal, "appraisal.itemanswer", old.id)
    assert client.post(url, {"history_id": old.history_id}).status_code == 403  # a deleted answer
    url = history_url(appraisal, "appraisal.itemanswer", answer.pk)
    newest = answer.history.get()
    assert client.post(url, {"history_id": newest.history_id}).status_code == 403
    assert Appraisal.objects.get(pk=appraisal.pk).answers.get(item=1).answer == "yes"


def test_the_other_rater_cannot_step_through_a_draft_s_history(
    client, make_review, make_member, appraise
):
    review = make_review()
    first = make_member(review.umbrella, "rater-one")
    second = make_member(review.umbrella, "rater-two")
    appraise(review, "first", first, {1: "no"}, submit=False)
    draft = appraise(review, "first", first, {1: "yes", 2: "no"}, submit=False)
    deleted = ItemAnswer.history.get(appraisal_id=draft.pk, answer="no", item=1, history_type="-")
    pages = [
        history_url(draft),
        *(history_url(draft, "appraisal.itemanswer", a.pk) for a in draft.answers.all()),
        history_url(draft, "appraisal.itemanswer", deleted.id),
    ]
    client.force_login(second)
    # 404, the answer for an id that does not exist: nothing tells a hidden row from none.
    assert [client.get(url).status_code for url in pages] == [404] * 4
    assert client.get(history_url(draft, pk=draft.pk + 100)).status_code == 404
    client.force_login(first)
    assert [client.get(url).status_code for url in pages] == [200] * 4
    assert "rater-one" in client.get(pages[1]).content.decode()
