"""Audit history: who changed what and when, field-level diffs, restore, deletions kept."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from reviews.models import IncludedReview, Membership


@pytest.fixture
def team(make_review):
    review = make_review(title="Peer support for psychosis", n_participants=120)
    users = {}
    for name in ("olive", "rita", "reader"):
        users[name] = get_user_model().objects.create_user(name)
        role = {"olive": "owner", "rita": "researcher"}.get(name, "reader")
        Membership.objects.create(umbrella=review.umbrella, user=users[name], role=role)
    return review, users


def history_url(review, model="reviews.includedreview", pk=None):
    return reverse(
        "reviews:history",
        kwargs={"slug": review.umbrella.slug, "model": model, "pk": pk or review.pk},
    )


def test_history_records_who_changed_which_field(client, team):
    review, users = team
    client.force_login(users["rita"])
    review.n_participants = 150
    review._history_user = users["rita"]
    review.save()
    client.force_login(users["reader"])
    response = client.get(history_url(review))
    newest = response.context["versions"][0]
    assert newest.kind == "changed"
    assert newest.record.history_user == users["rita"]
    assert [(c.field, c.old, c.new) for c in newest.changes] == [
        ("participants (as reported)", 120, 150)
    ]
    page = response.content.decode()
    assert "changed by rita" in page
    assert "<del>120</del>" in page
    assert "<ins>150</ins>" in page


def test_restoring_an_old_version_is_itself_recorded(client, team):
    review, users = team
    review.title = "A wrong title"
    review.save()
    first = review.history.order_by("history_date").first()
    client.force_login(users["rita"])
    response = client.post(history_url(review), {"history_id": first.history_id})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.title == "Peer support for psychosis"
    newest = review.history.first()
    assert newest.history_user == users["rita"]
    assert newest.history_change_reason.startswith("Restored the version of")
    assert review.history.count() == 3


def test_readers_may_look_but_not_restore(client, team):
    review, users = team
    review.save()
    client.force_login(users["reader"])
    assert client.get(history_url(review)).status_code == 200
    oldest = review.history.last()
    assert client.post(history_url(review), {"history_id": oldest.history_id}).status_code == 403


def test_deleted_records_keep_their_history(client, team):
    review, users = team
    pk = review.pk
    review.delete()
    assert not IncludedReview.objects.filter(pk=pk).exists()
    client.force_login(users["olive"])
    response = client.get(history_url(review, pk=pk))
    assert response.context["versions"][0].kind == "deleted"


def test_history_of_another_umbrellas_record_is_not_found(client, team, make_review):
    review, users = team
    elsewhere = make_review(label="Elsewhere 2021")
    client.force_login(users["olive"])
    assert client.get(history_url(review, pk=elsewhere.pk)).status_code == 404
    assert (
        client.get(history_url(review, model="auth.user", pk=users["olive"].pk)).status_code == 404
    )


def test_visitors_of_a_published_project_do_not_see_history(client, team):
    review, _ = team
    assert client.get(history_url(review)).status_code == 302  # log in first
