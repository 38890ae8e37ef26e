import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from reviews.models import Membership


@pytest.fixture
def team(make_umbrella):
    umbrella = make_umbrella(is_published=False)
    users = {}
    for name, role in [("olive", "owner"), ("rita", "researcher")]:
        users[name] = get_user_model().objects.create_user(name, f"{name}@example.org")
        Membership.objects.create(umbrella=umbrella, user=users[name], role=role)
    users["newcomer"] = get_user_model().objects.create_user("newcomer", "new@example.org")
    return umbrella, users


def url(umbrella):
    return reverse("reviews:members", kwargs={"slug": umbrella.slug})


def roles(umbrella):
    return dict(Membership.objects.filter(umbrella=umbrella).values_list("user__username", "role"))


def test_owner_adds_changes_and_removes_members(client, team):
    umbrella, users = team
    client.force_login(users["olive"])
    assert (
        client.post(url(umbrella), {"user": "NEW@example.org", "role": "reader"}).status_code == 302
    )
    assert roles(umbrella)["newcomer"] == "reader"
    client.post(url(umbrella), {"user": "newcomer", "role": "reviewer"})
    assert roles(umbrella)["newcomer"] == "reviewer"
    membership = Membership.objects.get(umbrella=umbrella, user=users["newcomer"])
    client.post(url(umbrella), {"remove": membership.pk})
    assert "newcomer" not in roles(umbrella)
    # The new reader can now see the unpublished project; a removed member no longer can.
    client.force_login(users["newcomer"])
    assert client.get(umbrella.get_absolute_url()).status_code == 404


def test_the_last_owner_cannot_leave_or_be_demoted(client, team):
    umbrella, users = team
    client.force_login(users["olive"])
    response = client.post(url(umbrella), {"user": "olive", "role": "researcher"})
    assert response.status_code == 400
    assert "needs at least one owner" in response.content.decode()
    owner = Membership.objects.get(umbrella=umbrella, user=users["olive"])
    assert client.post(url(umbrella), {"remove": owner.pk}).status_code == 400
    assert roles(umbrella)["olive"] == "owner"


def test_unknown_account_is_named_in_the_error(client, team):
    umbrella, users = team
    client.force_login(users["olive"])
    response = client.post(url(umbrella), {"user": "nobody", "role": "reader"})
    assert "No single account has the username or e-mail address &#x27;nobody&#x27;" in (
        response.content.decode()
    )


def test_only_owners_manage_members(client, team):
    umbrella, users = team
    assert client.get(url(umbrella)).status_code == 302
    client.force_login(users["rita"])
    assert client.get(url(umbrella)).status_code == 403
    assert client.post(url(umbrella), {"user": "newcomer", "role": "owner"}).status_code == 403
    client.force_login(users["newcomer"])
    assert client.get(url(umbrella)).status_code == 404  # unpublished: its existence stays hidden
