"""Log-in throttling behind reverse proxies: a lockout holds one username from one client
address, and the client address comes from X-Forwarded-For only as far as the configured
trusted proxies vouch for it (docs/security.md, docs/deploy.md)."""

import runpy
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "umbrella" / "settings.py"
PASSWORD = "a-long-pass-phrase-42"
# Documentation addresses (RFC 5737): the proxy always connects from 127.0.0.1 (REMOTE_ADDR).
CLIENT, OTHER_CLIENT, FORGED = "198.51.100.7", "203.0.113.9", "192.0.2.66"

pytestmark = pytest.mark.axes


@pytest.fixture
def trusted_proxies(settings, monkeypatch):
    """Apply the client-address settings that umbrella/settings.py derives from
    DJANGO_TRUSTED_PROXY_COUNT (the module is evaluated afresh with that environment)."""

    def configure(count: int) -> None:
        monkeypatch.setenv("DJANGO_TRUSTED_PROXY_COUNT", str(count))
        derived = runpy.run_path(str(SETTINGS_FILE))
        assert derived["TRUSTED_PROXY_COUNT"] == count
        settings.AXES_IPWARE_META_PRECEDENCE_ORDER = derived["AXES_IPWARE_META_PRECEDENCE_ORDER"]
        settings.AXES_IPWARE_PROXY_COUNT = derived.get("AXES_IPWARE_PROXY_COUNT")
        settings.IPWARE_STRICT = derived.get("IPWARE_STRICT", True)

    return configure


@pytest.fixture
def admin_user(db):
    # The superuser is the account whose lockout hurt most: one attacker locked it everywhere.
    return get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)


def log_in(client, password, forwarded_for=None, remote_addr="127.0.0.1"):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(
        reverse("login"),
        {"username": "root", "password": password},
        headers=headers,
        REMOTE_ADDR=remote_addr,
    )


def test_five_failures_from_one_forwarded_address_lock_only_that_address(
    client, admin_user, trusted_proxies
):
    trusted_proxies(1)
    for _ in range(4):
        assert log_in(client, "wrong", CLIENT).status_code == 200
    assert log_in(client, "wrong", CLIENT).status_code == 429
    attempts = AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")
    assert list(attempts) == [("root", CLIENT, 5)]
    assert log_in(client, PASSWORD, CLIENT).status_code == 429
    # The same account from another client (through the same proxy) logs in.
    response = log_in(client, PASSWORD, OTHER_CLIENT)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)


def test_a_client_cannot_dodge_the_count_by_forging_entries_in_front(
    client, admin_user, trusted_proxies
):
    # nginx appends the address it was reached from; whatever the client sent stays in front.
    trusted_proxies(1)
    statuses = [log_in(client, "wrong", f"192.0.2.{n}, {CLIENT}").status_code for n in range(1, 6)]
    assert statuses == [200, 200, 200, 200, 429]
    assert log_in(client, PASSWORD, f"{FORGED}, {CLIENT}").status_code == 429
    assert log_in(client, PASSWORD, OTHER_CLIENT).status_code == 302


def test_two_proxies_take_the_second_entry_from_the_right(client, admin_user, trusted_proxies):
    # A CDN appends the client, then nginx appends the CDN's address.
    trusted_proxies(2)
    for _ in range(5):
        log_in(client, "wrong", f"{FORGED}, {CLIENT}, 10.0.0.2")
    assert AccessAttempt.objects.get().ip_address == CLIENT
    assert log_in(client, PASSWORD, f"{CLIENT}, 10.0.0.2").status_code == 429
    assert log_in(client, PASSWORD, f"{OTHER_CLIENT}, 10.0.0.2").status_code == 302


def test_without_trusted_proxies_a_forged_header_is_ignored(client, admin_user, trusted_proxies):
    trusted_proxies(0)
    for n in range(1, 6):
        log_in(client, "wrong", forwarded_for=f"192.0.2.{n}", remote_addr=CLIENT)
    # Every failure counted against the connecting address, whatever the header claimed.
    assert AccessAttempt.objects.get().ip_address == CLIENT
    assert log_in(client, PASSWORD, forwarded_for=OTHER_CLIENT, remote_addr=CLIENT).status_code == (
        429
    )
    assert log_in(client, PASSWORD, remote_addr=OTHER_CLIENT).status_code == 302
