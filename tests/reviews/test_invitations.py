"""Inviting people by e-mail: the members page, the link, and every way a link can be wrong."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews.members.models import token_digest
from reviews.models import Invitation, Membership

PASSWORD = "a-long-pass-phrase-42"


@pytest.fixture
def team(db, make_umbrella):
    umbrella = make_umbrella(title="Peer support", slug="peer", is_published=False)
    users = get_user_model().objects
    owner = users.create_user("olga", "olga@example.org", PASSWORD)
    researcher = users.create_user("rita", "rita@example.org", PASSWORD)
    Membership.objects.create(umbrella=umbrella, user=owner, role="owner")
    Membership.objects.create(umbrella=umbrella, user=researcher, role="researcher")
    return umbrella, owner, researcher


def invite(client, umbrella, email="new@example.org", role="reviewer"):
    return client.post(
        reverse("reviews:invite", args=[umbrella.slug]),
        {"invite-email": email, "invite-role": role},
    )


def link_in(message) -> str:
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", message.body).group(1)


def sent_link(client, umbrella, **kwargs) -> str:
    mail.outbox.clear()
    assert invite(client, umbrella, **kwargs).status_code == 302
    (message,) = mail.outbox
    return link_in(message)


def test_an_owner_invites_and_the_pending_invitation_is_listed(client, team):
    umbrella, owner, _ = team
    client.force_login(owner)
    link = sent_link(client, umbrella)
    (message,) = mail.outbox
    assert message.to == ["new@example.org"]
    assert message.subject == "Invitation to join Peer support"
    assert "as reviewer (appraises only)" in message.body
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.invited_by, invitation.status) == (
        "reviewer",
        owner,
        "pending",
    )
    assert invitation.expires_at - invitation.sent_at == timedelta(days=7)
    token = link.split("/")[2]
    assert invitation.token_hash == token_digest(token)  # only the digest is stored
    assert token not in str(list(Invitation.history.values()))
    page = client.get(reverse("reviews:members", args=[umbrella.slug])).content.decode()
    assert "new@example.org" in page
    assert 'Re-send<span class="visually-hidden"> to new@example.org' in page


def test_the_expiry_is_a_setting(client, team, settings):
    settings.INVITATION_EXPIRY_DAYS = 2
    umbrella, owner, _ = team
    client.force_login(owner)
    invite(client, umbrella)
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.sent_at == timedelta(days=2)


def test_a_new_person_sets_a_password_and_joins_with_the_role(client, team):
    umbrella, owner, _ = team
    client.force_login(owner)
    link = sent_link(client, umbrella)
    client.logout()
    page = client.get(link).content.decode()
    assert "Create your account" in page
    response = client.post(link, {"username": "nina", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert response.url == umbrella.get_absolute_url()
    nina = get_user_model().objects.get(username="nina")
    assert nina.email == "new@example.org"
    assert nina.check_password(PASSWORD)
    assert Membership.objects.get(umbrella=umbrella, user=nina).role == "reviewer"
    invitation = Invitation.objects.get()
    assert (invitation.status, invitation.accepted_by) == ("accepted", nina)
    assert int(client.session["_auth_user_id"]) == nina.pk  # logged in


def test_an_existing_account_logs_in_then_accepts(client, team):
    umbrella, owner, _ = team
    get_user_model().objects.create_user("ed", "Ed@Example.org", PASSWORD)
    client.force_login(owner)
    link = sent_link(client, umbrella, email="ed@example.org", role="researcher")
    client.logout()
    page = client.get(link).content.decode()
    assert f'href="/accounts/login/?next={link}"' in page
    client.post(reverse("login"), {"username": "ed", "password": PASSWORD})
    assert "Join as ed" in client.get(link).content.decode()
    assert client.post(link).status_code == 302
    assert Membership.objects.get(umbrella=umbrella, user__username="ed").role == "researcher"


def test_someone_who_became_a_member_meanwhile_keeps_their_role_on_accepting(client, team):
    umbrella, owner, _ = team
    ed = get_user_model().objects.create_user("ed", "ed@example.org", PASSWORD)
    client.force_login(owner)
    link = sent_link(client, umbrella, email="ed@example.org", role="reader")
    Membership.objects.create(umbrella=umbrella, user=ed, role="owner")  # added by name since
    client.force_login(ed)
    assert client.post(link).status_code == 302
    assert Membership.objects.get(umbrella=umbrella, user=ed).role == "owner"
    assert Invitation.objects.get().status == "accepted"


def test_a_used_link_is_refused_and_creates_nothing(client, team):
    umbrella, owner, _ = team
    client.force_login(owner)
    link = sent_link(client, umbrella)
    client.logout()
    client.post(link, {"username": "nina", "password1": PASSWORD, "password2": PASSWORD})
    client.logout()
    again = client.post(link, {"username": "nora", "password1": PASSWORD, "password2": PASSWORD})
    assert again.status_code == 410
    assert "This invitation link has already been used." in again.content.decode()
    assert not get_user_model().objects.filter(username="nora").exists()
    assert Membership.objects.filter(umbrella=umbrella).count() == 3


def test_an_expired_link_is_refused(client, team):
    umbrella, owner, _ = team
    client.force_login(owner)
    link = sent_link(client, umbrella)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.logout()
    response = client.post(link, {"username": "nina", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 410
    assert "This invitation expired on" in response.content.decode()
    assert "ask the owner of the umbrella review to send it again" in response.content.decode()
    assert not get_user_model().objects.filter(username="nina").exists()


def test_a_revoked_link_is_refused_and_a_resent_one_replaces_the_old(client, team):
    umbrella, owner, _ = team
    client.force_login(owner)
    old_link = sent_link(client, umbrella)
    invitation = Invitation.objects.get()
    mail.outbox.clear()
    client.post(reverse("reviews:invitation-resend", args=[umbrella.slug, invitation.pk]))
    new_link = link_in(mail.outbox[0])
    assert new_link != old_link
    assert client.get(old_link).status_code == 404  # the old token is gone
    assert client.get(new_link).status_code == 200
    client.post(reverse("reviews:invitation-revoke", args=[umbrella.slug, invitation.pk]))
    invitation.refresh_from_db()
    assert (invitation.status, invitation.revoked_by) == ("revoked", owner)
    client.logout()
    response = client.get(new_link)
    assert response.status_code == 410
    assert "This invitation was withdrawn by an owner" in response.content.decode()
    # A revoked invitation cannot be re-sent.
    client.force_login(owner)
    mail.outbox.clear()
    response = client.post(
        reverse("reviews:invitation-resend", args=[umbrella.slug, invitation.pk]), follow=True
    )
    assert "The invitation of new@example.org is revoked: it cannot be changed any more." in (
        response.content.decode()
    )
    assert mail.outbox == []
    assert [h.history_type for h in invitation.history.order_by("history_id")] == ["+", "~", "~"]


def test_a_link_for_another_address_is_refused_to_a_logged_in_account(client, team):
    umbrella, owner, researcher = team
    client.force_login(owner)
    link = sent_link(client, umbrella, email="someone@example.org")
    client.force_login(researcher)
    page = client.get(link).content.decode()
    assert "sent to another e-mail address than the one of the account" in page
    assert "Join as" not in page
    response = client.post(link)
    assert response.status_code == 403
    assert Membership.objects.get(umbrella=umbrella, user=researcher).role == "researcher"
    assert Invitation.objects.get().status == "pending"


def test_the_accept_page_says_the_same_whether_or_not_the_address_has_an_account(client, team):
    umbrella, owner, _ = team
    client.force_login(owner)
    unknown = sent_link(client, umbrella, email="nobody@example.org")
    taken = sent_link(client, umbrella, email="ghost@example.org")
    get_user_model().objects.create_user("ghost", "ghost@example.org", PASSWORD)
    client.logout()

    def shown(link, address):
        page = client.get(link).content.decode().replace(address, "ADDRESS")
        page = page.replace(link, "LINK")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", page)

    assert shown(unknown, "nobody@example.org") == shown(taken, "ghost@example.org")


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not-an-address", "Enter a valid email address."),
        ("RITA@example.org", "RITA@example.org is already a member of this umbrella review."),
        ("", "This field is required."),
    ],
)
def test_bad_invitations_are_refused_and_nothing_is_written(client, team, email, message):
    umbrella, owner, _ = team
    client.force_login(owner)
    response = invite(client, umbrella, email=email)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_inviting_an_address_twice_asks_to_resend_instead(client, team):
    umbrella, owner, _ = team
    client.force_login(owner)
    sent_link(client, umbrella)
    response = invite(client, umbrella, email="NEW@example.org")
    assert response.status_code == 400
    assert "is already invited: re-send or revoke that invitation below." in (
        response.content.decode()
    )
    assert Invitation.objects.count() == 1


def test_a_non_owner_cannot_invite_resend_or_revoke(client, team):
    umbrella, owner, researcher = team
    client.force_login(owner)
    sent_link(client, umbrella)
    invitation = Invitation.objects.get()
    mail.outbox.clear()
    client.force_login(researcher)
    assert invite(client, umbrella, email="other@example.org").status_code == 403
    for action in ("resend", "revoke"):
        url = reverse(f"reviews:invitation-{action}", args=[umbrella.slug, invitation.pk])
        assert client.post(url).status_code == 403
    assert Invitation.objects.count() == 1
    assert Invitation.objects.get().status == "pending"
    assert mail.outbox == []


def test_a_failing_mail_server_keeps_no_invitation(client, team, settings, monkeypatch):
    umbrella, owner, _ = team
    client.force_login(owner)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("reviews.members.invitations.send_mail", refuse)
    response = invite(client, umbrella)
    assert response.status_code == 400
    assert "The invitation e-mail could not be sent (mail server down)" in (
        response.content.decode()
    )
    assert Invitation.objects.count() == 0


def test_sign_up_is_off_by_default_and_works_when_on(client, db, settings):
    url = reverse("reviews:signup")
    assert client.get(url).status_code == 404
    assert "Create an account" not in client.get(reverse("reviews:home")).content.decode()
    settings.SIGNUP_OPEN = True
    home = client.get(reverse("reviews:home")).content.decode()
    assert '<a href="/accounts/signup/">Create an account</a>' in home
    response = client.post(
        url,
        {
            "username": "sam",
            "email": "sam@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(username="sam").email == "sam@example.org"
    client.logout()
    weak = client.post(
        url, {"username": "tom", "email": "tom@example.org", "password1": "123", "password2": "123"}
    )
    assert "This password is too short." in weak.content.decode()
    assert not get_user_model().objects.filter(username="tom").exists()


def test_an_error_is_tied_to_its_field(client, team):
    umbrella, owner, _ = team
    client.force_login(owner)
    page = invite(client, umbrella, email="not-an-address").content.decode()
    assert 'aria-describedby="id_invite-email_helptext id_invite-email_error"' in page
    assert 'aria-invalid="true"' in page
    assert '<div id="id_invite-email_error">' in page
    assert 'id="id_invite-email_helptext"' in page


def test_the_members_page_reads_invitations_in_a_fixed_number_of_queries(client, team):
    umbrella, owner, _ = team
    client.force_login(owner)
    url = reverse("reviews:members", args=[umbrella.slug])
    counts = []
    for n in (2, 12):
        for i in range(Invitation.objects.count(), n):
            Invitation.objects.create(
                umbrella=umbrella,
                email=f"person{i}@example.org",
                role="reader",
                invited_by=owner,
                token_hash=token_digest(f"token-{i}"),
                sent_at=timezone.now(),
                expires_at=timezone.now() + timedelta(days=7),
            )
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        assert page.count("Re-send<span") == n
        counts.append(len(queries))
    assert counts[0] == counts[1]
