"""Personal tokens: created on the account page (shown once, stored hashed), used by scripts
to read the unpublished projects their owner belongs to, revoked there."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from api.models import ApiToken
from api.tokens import MAX_ACTIVE_TOKENS, create_token, token_digest
from reviews.models import Membership

pytestmark = pytest.mark.django_db

PAGE = "/accounts/tokens/"


@pytest.fixture
def member(make_umbrella):
    umbrella = make_umbrella(slug="draft-project", is_published=False)
    user = get_user_model().objects.create_user("ada", email="ada@example.org")
    Membership.objects.create(umbrella=umbrella, user=user, role="reader")
    return user


def test_a_token_is_shown_once_stored_hashed_and_reads_unpublished_projects(client, member):
    client.force_login(member)
    response = client.post(PAGE, {"name": "R dashboard"})
    raw = re.search(r'value="(ued_[\w-]+)"', response.content.decode()).group(1)
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=member)
    assert (token.name, token.digest, token.prefix) == ("R dashboard", token_digest(raw), raw[:10])
    assert raw not in client.get(PAGE).content.decode()  # never shown again

    script = Client()  # no session: the token alone
    url = "/api/v1/projects/draft-project/reviews/"
    assert script.get(url).status_code == 404  # unpublished: hidden from anonymous clients
    for keyword in ("Token", "Bearer"):
        reading = script.get(url, headers={"Authorization": f"{keyword} {raw}"})
        assert reading.status_code == 200
        assert reading.json()["count"] == 0
    projects = script.get("/api/v1/projects/", headers={"Authorization": f"Token {raw}"})
    assert [p["slug"] for p in projects.json()["results"]] == ["draft-project"]
    token.refresh_from_db()
    assert token.last_used_at is not None
    page = client.get(PAGE).content.decode()
    assert "R dashboard" in page
    assert "Never" not in page  # the last use is listed


def test_a_revoked_or_unknown_token_is_a_401_that_says_so(client, member):
    raw = create_token(user=member, name="old script").raw
    token = ApiToken.objects.get(user=member)
    client.force_login(member)
    response = client.post(f"{PAGE}{token.pk}/revoke/", follow=True)
    assert "The token “old script” is revoked: it no longer works." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    script = Client()
    for value in (raw, "ued_made-up"):
        refused = script.get("/api/v1/projects/", headers={"Authorization": f"Token {value}"})
        assert refused.status_code == 401
        assert refused.json() == {"detail": "Invalid or revoked token.", "status": 401}
        assert refused["WWW-Authenticate"] == "Token"
    spaced = script.get("/api/v1/projects/", headers={"Authorization": "Token a b"})
    assert spaced.json()["detail"].startswith("Invalid Authorization header")


def test_nobody_revokes_someone_elses_token_and_changes_need_csrf(member, make_umbrella):
    other = get_user_model().objects.create_user("bob")
    token = create_token(user=member, name="ada's").token
    bob = Client(enforce_csrf_checks=True)
    bob.force_login(other)
    assert bob.post(f"{PAGE}{token.pk}/revoke/").status_code == 403  # no CSRF token
    page = bob.get(PAGE)
    csrf = page.cookies["csrftoken"].value
    assert bob.post(f"{PAGE}{token.pk}/revoke/", {"csrfmiddlewaretoken": csrf}).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Client().get(PAGE).status_code == 302  # log in first


def test_a_blank_name_or_too_many_tokens_is_refused_with_the_reason(client, member):
    client.force_login(member)
    blank = client.post(PAGE, {"name": "  "})
    assert blank.context["form"].errors == {"name": ["This field is required."]}
    for n in range(MAX_ACTIVE_TOKENS):
        create_token(user=member, name=f"token {n}")
    refused = client.post(PAGE, {"name": "one more"})
    assert refused.context["form"].errors == {
        "name": [f"You have {MAX_ACTIVE_TOKENS} active tokens already: revoke one first."]
    }
    assert ApiToken.objects.filter(user=member).count() == MAX_ACTIVE_TOKENS
