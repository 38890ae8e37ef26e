"""The saved SQLite test database (tests/db_cache.py) is keyed by everything migrating reads."""

import sqlite3
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tests import db_cache

BASE = Path(settings.BASE_DIR)


def test_the_key_covers_every_migration_and_the_helpers_they_import():
    files = db_cache._source_files()
    ours = {str(path.relative_to(BASE)) for path in files if path.is_relative_to(BASE)}
    ours = {path for path in ours if not path.startswith(".venv/")}
    on_disk = {str(path.relative_to(BASE)) for path in BASE.glob("*/migrations/0*.py")}
    assert on_disk <= ours
    # The data migrations' helpers: a change to them changes what migrating writes.
    assert ours - on_disk == {"reviews/notes.py", "synthesis/models/selection.py"}
    # Django's and third-party apps' migrations too (a new package version is a new key).
    assert any(path.match("django/contrib/auth/migrations/0001_initial.py") for path in files)


def test_a_changed_migration_gives_another_key(monkeypatch, tmp_path):
    first = db_cache._key()
    changed = tmp_path / "0099_changed.py"
    changed.write_text("# a new migration\n")
    real = db_cache._source_files
    monkeypatch.setattr(db_cache, "_source_files", lambda: [*real(), changed])
    second = db_cache._key()
    changed.write_text("# the same migration, edited\n")
    assert len({first, second, db_cache._key()}) == 3


def test_the_saved_database_is_the_migrated_test_database(db, migrated_database):
    if not migrated_database.enabled:  # PostgreSQL: migrated from scratch in every run
        assert connection.vendor == "postgresql"
        return
    assert migrated_database.path.is_file()
    tables = "SELECT name, sql FROM sqlite_master ORDER BY name"
    migrations = "SELECT app, name FROM django_migrations ORDER BY app, name"
    with connection.cursor() as cursor:
        cursor.execute(tables)
        ours = cursor.fetchall()
        cursor.execute(migrations)
        applied = cursor.fetchall()
    saved = sqlite3.connect(migrated_database.path)
    try:
        assert saved.execute(tables).fetchall() == ours
        assert saved.execute(migrations).fetchall() == applied
    finally:
        saved.close()
    # Every migration on disk is applied (the file is not from an older set of migrations).
    assert set(applied) == set(MigrationLoader(None).disk_migrations)
