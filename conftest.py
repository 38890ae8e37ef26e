"""Shared pytest fixtures: factories that fill defaults, and the peer-support fixture loaded."""

import itertools

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import override_settings

from dataio.demo import PEER_SUPPORT_FIXTURE
from reviews.models import IncludedReview, PrimaryStudy, ReviewType, UmbrellaReview
from tests import fixture_cache
from tests.db_cache import MigratedDatabase

_sequence = itertools.count(1)


@pytest.fixture(scope="session")
def migrated_database(django_db_createdb) -> MigratedDatabase:
    return MigratedDatabase(refresh=django_db_createdb)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings, migrated_database, django_db_blocker
):
    # pytest-django's last step before it creates the test database: on SQLite, put the saved
    # migrated database in place first (tests/db_cache.py).
    with django_db_blocker.unblock():
        migrated_database.restore()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, migrated_database, django_db_blocker):
    # pytest-django's own setup has run (migrating, or finding the restored database migrated).
    with django_db_blocker.unblock():
        migrated_database.save()
    migrated_database.release()


@pytest.fixture(scope="session", autouse=True)
def test_settings():
    """Settings every test runs with, set once: as a per-test `settings` change each cost a few
    milliseconds of `setting_changed` signals before and after every one of ~2,000 tests."""
    switched_off = {"AXES_ENABLED": False, "API_ANON_THROTTLE_RATE": None}
    production = {name: getattr(django_settings, name) for name in switched_off}
    with override_settings(
        # The manifest storage needs collectstatic first; tests render templates without it.
        STORAGES={
            **django_settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        # The production hasher takes ~0.5 s a password by design; the tests of passwords
        # check what is stored and accepted, not the cost.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # django-axes needs the request at authenticate(), which the test client's login()
        # does not pass; and an API throttle counting across a test's requests would make
        # tests depend on their order. Tests of the throttling itself (marked `axes`,
        # `throttle`) get the production values back (`throttling_when_tested`).
        **switched_off,
    ):
        yield production


@pytest.fixture(autouse=True)
def throttling_when_tested(request, test_settings):
    marked = {"axes": "AXES_ENABLED", "throttle": "API_ANON_THROTTLE_RATE"}
    names = [name for marker, name in marked.items() if marker in request.keywords]
    if names:
        settings = request.getfixturevalue("settings")  # restored after the test
        for name in names:
            setattr(settings, name, test_settings[name])


@pytest.fixture(autouse=True)
def upload_folder(settings, tmp_path):
    # Each test keeps its uploads in a folder of its own, never the project's var/imports.
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"
    return settings.IMPORT_UPLOAD_DIR


@pytest.fixture
def run_tasks(monkeypatch):
    """Run every queued background task now, in this process, through the real database
    backend and its worker loop (`db_worker --batch` without its signal handlers): the tests
    see exactly what a worker does, in their own transaction, with nothing left running."""
    from django_tasks_db.management.commands import db_worker

    # The worker closes connections it thinks stale between tasks; inside a test's transaction
    # that would close the test's own connection (PostgreSQL). Django's test client keeps it
    # open around its requests the same way (close_old_connections is off during tests).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        db_worker.Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="tests",
            excluded_queue_names=[],
        ).run()

    return run


@pytest.fixture(autouse=True)
def empty_cache():
    # Computed pages are cached per project and data revision (reviews.project.revisions); database
    # rows are rolled back between tests, so their cache entries must go too.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_umbrella(db):
    def make(**overrides) -> UmbrellaReview:
        number = next(_sequence)
        fields = {"title": f"Umbrella review {number}", "slug": f"umbrella-{number}"}
        fields["is_published"] = True
        return UmbrellaReview.objects.create(**{**fields, **overrides})

    return make


@pytest.fixture
def make_review(db, make_umbrella):
    def make(umbrella: UmbrellaReview | None = None, **overrides) -> IncludedReview:
        number = next(_sequence)
        fields = {
            "umbrella": umbrella or make_umbrella(),
            "label": f"Author {number} 2020",
            "title": f"A systematic review number {number}",
            "year": 2020,
            "review_type": ReviewType.SR_META_ANALYSIS,
        }
        return IncludedReview.objects.create(**{**fields, **overrides})

    return make


@pytest.fixture
def make_study(db):
    def make(umbrella: UmbrellaReview, **overrides) -> PrimaryStudy:
        number = next(_sequence)
        fields = {"umbrella": umbrella, "label": f"Trialist {number}", "title": f"Trial {number}"}
        return PrimaryStudy.objects.create(**{**fields, **overrides})

    return make


_load_peer_support = fixture_cache.loader(PEER_SUPPORT_FIXTURE)


@pytest.fixture
def peer_support(db) -> UmbrellaReview:
    """The model case: `loaddata` once, then its rows copied (`load_demo`'s checks are tested apart;
    tests that are about loading itself call the commands)."""
    _load_peer_support()
    return UmbrellaReview.objects.get(slug="peer-support-mental-health")
