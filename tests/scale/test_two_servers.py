"""Two application servers, one PostgreSQL, one Redis: a write through one is seen at once by a
read through the other, although both keep pages in the shared cache (docs/deploy.md).

Runs in the PostgreSQL lane of `make test`, which starts a throw-away Redis
(scripts/with-redis.sh) and sets CACHE_URL, and is skipped in the SQLite lane (neither server,
by design). Elsewhere it is skipped too, except under CI, where a lane with one of the two
servers but not the other is a failure.
"""

import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache import cache
from django.db import connection

from reviews.models import Membership

from .servers import Server, change_title, database_url


def _needs_postgres_and_redis():
    if connection.vendor != "postgresql" and not settings.CACHE_URL:
        # The SQLite lane of `make test` (no server of either kind by design): this test is
        # the PostgreSQL lane's, where CI checks below that both are really there.
        pytest.skip("runs in the PostgreSQL lane (with Redis)")
    missing = []
    if connection.vendor != "postgresql":
        missing.append("PostgreSQL (DATABASE_URL)")
    if not settings.CACHE_URL:
        missing.append("Redis (CACHE_URL, scripts/with-redis.sh)")
    if missing:
        message = f"two-server coherence needs {' and '.join(missing)}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.django_db(transaction=True)  # the servers read committed rows only
def test_a_write_through_one_server_is_read_at_once_through_the_other(make_umbrella):
    _needs_postgres_and_redis()
    umbrella = make_umbrella(title="Peer support before", is_published=True)
    # Hashed as the servers check it (the tests' own fast hasher is not one of theirs).
    password = PBKDF2PasswordHasher().encode("a long test password", "coherencesalt")
    owner = get_user_model().objects.create(username="owner", password=password)
    Membership.objects.create(umbrella=umbrella, user=owner, role=Membership.Role.OWNER)
    url = database_url(connection.settings_dict)
    home = f"/u/{umbrella.slug}/"
    first, second = Server(url, settings.CACHE_URL), Server(url, settings.CACHE_URL)
    try:
        # Both servers keep the public page in the shared cache at the current revision.
        assert "Peer support before" in first.request("GET", home)[2]
        assert "Peer support before" in second.request("GET", home)[2]
        redis = cache._cache.get_client(write=False)  # type: ignore[attr-defined]
        kept = redis.keys(f"*public-page:{umbrella.pk}:*")
        assert len(kept) == 1, "the servers did not share the page through Redis"

        second.log_in("owner", "a long test password")
        umbrella.refresh_from_db()
        change_title(second, umbrella, "Peer support after")

        # The very next read through the other server, anonymous or logged in, is current.
        status, _, page = first.request("GET", home)
        assert status == 200
        assert "Peer support after" in page
        assert "Peer support before" not in page
        first.log_in("owner", "a long test password")
        assert "Peer support after" in first.request("GET", home)[2]
    finally:
        first.stop()
        second.stop()
