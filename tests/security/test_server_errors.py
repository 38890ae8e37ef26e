"""A server error leaves a trace (a log record naming the path and the user) and the visitor
gets a plain page that says what to do."""

import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from reviews.models import Membership
from reviews.project.views import UmbrellaDetailView

ROOT = Path(__file__).resolve().parents[2]
LOG_AN_ERROR = "import logging; logging.getLogger('reviews').error('the importer gave up')"


@pytest.fixture
def log_output():
    """What the configured stderr handler writes (with the project's format and filter)."""
    handler = next(h for h in logging.getLogger("django").handlers if h.name == "stderr")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.fixture
def broken_overview(monkeypatch):
    def fail(self, **kwargs):
        raise RuntimeError("the summary could not be computed")

    monkeypatch.setattr(UmbrellaDetailView, "get_context_data", fail)


def test_an_exception_in_a_view_is_logged_with_path_and_user(
    settings, make_umbrella, log_output, broken_overview
):
    settings.DEBUG = False
    umbrella = make_umbrella(is_published=False)
    user = get_user_model().objects.create_user("rita")
    Membership.objects.create(umbrella=umbrella, user=user, role=Membership.Role.RESEARCHER)
    client = Client(raise_request_exception=False)
    client.force_login(user)

    response = client.get(umbrella.get_absolute_url())

    assert response.status_code == 500
    logged = log_output.getvalue()
    first_line = logged.splitlines()[0]
    assert " ERROR django.request " in first_line
    assert f"path=/u/{umbrella.slug}/ user={user.pk} " in first_line
    assert first_line.endswith(f"Internal Server Error: /u/{umbrella.slug}/")
    assert "RuntimeError: the summary could not be computed" in logged  # the traceback


def test_anonymous_visitors_are_logged_as_anonymous(
    settings, make_umbrella, log_output, broken_overview
):
    settings.DEBUG = False
    umbrella = make_umbrella()
    Client(raise_request_exception=False).get(umbrella.get_absolute_url())
    assert f"path=/u/{umbrella.slug}/ user=anonymous " in log_output.getvalue()


def test_the_500_page_is_plain_and_says_what_to_do(settings, make_umbrella, broken_overview):
    settings.DEBUG = False
    umbrella = make_umbrella()
    response = Client(raise_request_exception=False).get(umbrella.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong on our side</h1>" in page
    assert "The error has been recorded for the site's administrators." in page
    assert '<a href="/">home page</a>' in page
    assert re.search(r"the time of the error: \d{1,2} \w+ \d{4}, \d\d:\d\d UTC\.", page)
    assert "the summary could not be computed" not in page  # no internals shown


def test_records_without_a_request_still_format(log_output):
    logging.getLogger("django.db").warning("no request here")
    assert "WARNING django.db path=- user=- no request here" in log_output.getvalue()


def test_django_log_file_adds_a_log_file(tmp_path):
    log_file = tmp_path / "umbrella.log"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", LOG_AN_ERROR],
        cwd=ROOT,
        env={**os.environ, "DJANGO_LOG_FILE": str(log_file), "DATABASE_URL": "sqlite://:memory:"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "ERROR reviews path=- user=- the importer gave up" in result.stderr
    assert "ERROR reviews path=- user=- the importer gave up" in log_file.read_text()
