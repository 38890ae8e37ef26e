"""The project's history page lists its invitations and publications to its owners only."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from reviews.models import Invitation, Membership, UmbrellaReview

ROLES = ["owner", "researcher", "reviewer", "reader"]


@pytest.fixture
def project(make_umbrella, client, mailoutbox):
    """A project whose owner invited two people (one of them then revoked), published it and
    unpublished it again, all through its pages; one account per role."""
    umbrella = make_umbrella(slug="peer", is_published=False)
    users = {role: get_user_model().objects.create_user(role) for role in [*ROLES, "outsider"]}
    for role in ROLES:
        Membership.objects.create(umbrella=umbrella, user=users[role], role=role)
    client.force_login(users["owner"])
    for email in ("ann@example.org", "bob@example.org"):
        client.post(
            reverse("reviews:invite", args=["peer"]),
            {"invite-email": email, "invite-role": "researcher"},
        )
    bob = Invitation.objects.get(email="bob@example.org")
    client.post(reverse("reviews:invitation-revoke", args=["peer", bob.pk]))
    for switch in ("yes", "no"):
        version = UmbrellaReview.objects.get(pk=umbrella.pk).version
        client.post(
            reverse("reviews:publish", args=["peer"]), {"publish": switch, "version": version}
        )
    client.logout()
    return umbrella, users


def history(client, umbrella, user):
    if user is not None:
        client.force_login(user)
    url = reverse("reviews:history", args=["peer", "reviews.umbrellareview", umbrella.pk])
    return client.get(url)


def test_the_owner_sees_the_invitations_and_publications_newest_first(client, project):
    umbrella, users = project
    response = history(client, umbrella, users["owner"])
    events = [v for v in response.context["versions"] if not v.restorable]
    assert [v.kind for v in events] == [
        "unpublished",
        "published",
        "invitation of bob@example.org as researcher revoked",
        "invitation of bob@example.org as researcher sent",
        "invitation of ann@example.org as researcher sent",
    ]
    assert {v.record.history_user.username for v in events} == {"owner"}
    page = response.content.decode()
    assert "invitation of bob@example.org as researcher revoked by owner</h2>" in page
    revoked = next(v for v in response.context["versions"] if v.kind.endswith("revoked"))
    assert [c.field for c in revoked.changes] == ["revoked at"]
    assert revoked.changes[0].old is None
    published = next(v for v in response.context["versions"] if v.kind == "published")
    assert (published.changes[0].old, published.changes[0].new) == ("no", "yes")
    # Events are not versions of the project: nothing of them is offered for restoring.
    assert (
        page.count('name="history_id"')
        == len([v for v in response.context["versions"] if v.restorable]) - 1
    )  # all but the newest version of the project itself


@pytest.mark.parametrize("role", ["researcher", "reviewer", "reader"])
def test_other_members_see_the_project_history_without_them(client, project, role):
    umbrella, users = project
    response = history(client, umbrella, users[role])
    assert response.status_code == 200
    kinds = [v.kind for v in response.context["versions"]]
    assert kinds[-1] == "created"
    assert set(kinds) == {"created", "changed"}  # the project's own versions only
    page = response.content.decode()
    assert "example.org" not in page
    assert "invitation" not in page


def test_outsiders_and_visitors_see_no_history_at_all(client, project):
    umbrella, users = project
    assert history(client, umbrella, users["outsider"]).status_code == 404  # unpublished
    client.logout()
    response = history(client, umbrella, None)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
