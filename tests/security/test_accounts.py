import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

PASSWORD = "a-long-pass-phrase-42"


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("ann", "ann@example.org", PASSWORD)


def log_in(client, password):
    return client.post(reverse("login"), {"username": "ann", "password": password})


def test_login_and_logout_with_our_pages(client, user):
    assert log_in(client, PASSWORD).status_code == 302
    page = client.get(reverse("reviews:home")).content.decode()
    assert "ann" in page
    assert "Log out" in page
    assert client.post(reverse("logout")).status_code == 200
    assert "Log in" in client.get(reverse("reviews:home")).content.decode()


@pytest.mark.axes
def test_repeated_failures_lock_the_account_even_for_the_right_password(client, user):
    for _ in range(4):
        assert log_in(client, "wrong").status_code == 200  # the form again, with its error
    assert log_in(client, "wrong").status_code == 429  # the fifth failure locks
    locked = log_in(client, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.axes
def test_a_success_before_the_limit_resets_the_count(client, user):
    for _ in range(4):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302


def test_password_change_applies_the_validators(client, user):
    client.force_login(user)
    url = reverse("password_change")
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 200
    assert "This password is too common." in weak.content.decode()
    good = "another-long-pass-phrase-7"
    done = client.post(
        url, {"old_password": PASSWORD, "new_password1": good, "new_password2": good}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(good)


def test_password_reset_sends_a_working_link(client, user):
    response = client.post(reverse("password_reset"), {"email": "ann@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session-bound URL
    new = "a-brand-new-pass-phrase-9"
    done = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
