"""Build the SQLite test database once per set of migrations, and copy it into later runs.

Creating the test database runs every migration (about 40 s, nine tenths of it Django rendering
model states, not SQL), and each pytest run on SQLite creates one: `make test` three times (the
SQLite suite, then each of the two browser runs), a developer's targeted run every time. The
first run with a given set of migrations migrates as before and saves the result with SQLite's
backup API; later runs copy that file into the in-memory test database before Django creates it,
so `migrate` finds every migration applied and only runs its post-migrate checks.

The file is keyed by what the migrations do: every migration file (Django's and third-party
apps' included, so a new package version is a new key), the project modules those files import
(the data migrations' helpers), the installed apps and SQLite's version. PostgreSQL is migrated
from scratch in every run, so each `make test` still proves the migrations on both databases.
`pytest --create-db` migrates afresh and replaces the file.
"""

import ast
import hashlib
import os
import sqlite3
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

# Inside the virtual environment: `make clean` removes it, and a new environment (new packages)
# starts empty.
CACHE_DIR = Path(sys.prefix) / "test-databases"


def _source_files() -> list[Path]:
    """Every migration file, and the project modules the migrations import."""
    migrations = MigrationLoader(None, ignore_no_migrations=True).disk_migrations.values()
    files = {Path(sys.modules[migration.__module__].__file__ or "") for migration in migrations}
    base = Path(settings.BASE_DIR)
    for path in [f for f in files if base in f.parents and ".venv" not in f.parts]:
        for node in ast.walk(ast.parse(path.read_bytes())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                module = base.joinpath(*name.split("."))
                files.update(
                    p for p in (module.with_suffix(".py"), module / "__init__.py") if p.is_file()
                )
    return sorted(files)


def _key() -> str:
    digest = hashlib.sha256()
    digest.update(repr((settings.INSTALLED_APPS, sqlite3.sqlite_version)).encode())
    for path in _source_files():
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _cacheable() -> bool:
    """Only SQLite's in-memory test database (the default), whose name the restore can know."""
    creation = connection.creation
    return connection.vendor == "sqlite" and creation.is_in_memory_db(creation._get_test_db_name())


class MigratedDatabase:
    """Restore the saved database before the test database is created, save it after."""

    def __init__(self, refresh: bool) -> None:
        self.enabled = _cacheable()
        self.path = CACHE_DIR / f"{_key() if self.enabled else 'unused'}.sqlite3"
        self.refresh = refresh
        self.restored = False
        self._holder: sqlite3.Connection | None = None

    def restore(self) -> None:
        if not self.enabled or self.refresh or not self.path.is_file():
            return
        # The shared in-memory database lives while a connection to it is open: this one keeps
        # it until Django's own connection (which never closes an in-memory database) is open.
        self._holder = sqlite3.connect(connection.creation._get_test_db_name(), uri=True)
        saved = sqlite3.connect(self.path)
        try:
            saved.backup(self._holder)
        except sqlite3.DatabaseError:  # a damaged or half-deleted file: migrate instead
            self.release()
            return
        finally:
            saved.close()
        self.restored = True

    def save(self) -> None:
        if not self.enabled or self.restored:
            return
        try:
            CACHE_DIR.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(f".{os.getpid()}.partial")
            target = sqlite3.connect(partial)
            try:
                connection.ensure_connection()
                connection.connection.backup(target)
            finally:
                target.close()
            partial.replace(self.path)  # atomic: a parallel run reads the old file or the new
            for old in CACHE_DIR.glob("*.sqlite3"):
                if old != self.path:
                    old.unlink(missing_ok=True)
        except OSError:  # a read-only environment: the next run migrates again
            return

    def release(self) -> None:
        if self._holder is not None:
            self._holder.close()
            self._holder = None
