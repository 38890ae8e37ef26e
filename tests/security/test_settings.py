"""Production settings: `check --deploy` is clean, and no secret has a default."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(env, DATABASE_URL="sqlite:///:memory:")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="evidence.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_development_key_is_flagged_by_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ENV": "production"}, "DJANGO_SECRET_KEY must be set"),
        (
            {"DJANGO_ENV": "production", "DJANGO_SECRET_KEY": "x" * 60, "DJANGO_DEBUG": "true"},
            "DJANGO_DEBUG must be false",
        ),
        ({"DJANGO_DEBUG": "yes"}, "DJANGO_DEBUG must be 'true' or 'false', not 'yes'"),
        ({"DJANGO_ENV": "prod"}, "DJANGO_ENV must be 'development' or 'production'"),
        (
            {"DJANGO_TRUSTED_PROXY_COUNT": "one"},
            "DJANGO_TRUSTED_PROXY_COUNT must be a whole number of 0 or more, not 'one'",
        ),
        (
            {"CACHE_URL": "memcached://127.0.0.1:11211"},
            "CACHE_URL/REDIS_URL must be a redis://, rediss:// or unix:// URL, "
            "not 'memcached://127.0.0.1:11211'",
        ),
    ],
)
def test_unsafe_or_malformed_settings_stop_start_up(env, message):
    result = manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({}, "django.core.cache.backends.locmem.LocMemCache redis=None"),
        (
            {"CACHE_URL": "redis://cache-host:6379/0"},
            "django.core.cache.backends.redis.RedisCache redis=redis://cache-host:6379/0",
        ),
        (
            {"REDIS_URL": "redis://other-host:6379/1"},
            "django.core.cache.backends.redis.RedisCache redis=redis://other-host:6379/1",
        ),
    ],
)
def test_cache_url_or_redis_url_selects_the_shared_redis_cache(env, backend):
    show = (
        "from django.conf import settings; c = settings.CACHES['default']; "
        "print(c['BACKEND'], 'redis=' + c['LOCATION'] if 'redis' in c['BACKEND'] else 'redis=None')"
    )
    environment = {"CACHE_URL": "", "REDIS_URL": "", **env}  # not the test lane's own Redis
    result = manage("shell", "--no-imports", "-c", show, **environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == backend
