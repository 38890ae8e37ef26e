"""Importing a workbook from start to end: read, check, and (unless a dry run) write."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction

from .read import Problem, Table, read_tables, read_workbook
from .validate import validate
from .write import Checked, Counts, write

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass
class ImportResult(Checked):
    path: str
    project: str
    dry_run: bool
    update: bool

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def totals(self) -> Counts:
        total = Counts()
        for counts in self.counts.values():
            total.created += counts.created
            total.updated += counts.updated
            total.unchanged += counts.unchanged
            total.skipped += counts.skipped
        return total

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "project": self.project,
            "dry_run": self.dry_run,
            "update": self.update,
            "rows": self.rows,
            "valid": self.ok,
            "written": self.written,
            "problems": [p.as_dict() for p in self.problems],
            "counts": {name: c.as_dict() for name, c in self.counts.items()},
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False, default=str)


def import_workbook(
    path: Path,
    *,
    slug: str,
    dry_run: bool = False,
    update: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    user: AbstractBaseUser | AnonymousUser | None = None,
    name: str = "",
    on_phase: Callable[[str], None] | None = None,
) -> ImportResult:
    """Import `path` into project `slug`: every problem is reported, and nothing is written
    unless there are none. A dry run checks and stops there. Rows written get a history
    record by `user` with the reason "workbook import <name>" (`name`: the file's name as the
    user gave it, which messages name instead of the server's path; by default the path's).
    `progress(sheet, rows done, rows in the sheet)` is called while reading (with 0 rows in
    the sheet: not known yet), checking and writing; `on_phase` with "reading", "checking"
    and "writing" as each begins."""
    on_phase = on_phase or (lambda _: None)
    on_phase("reading")
    tables, read_problems = read_workbook(Path(path), name=name, progress=progress)
    result = ImportResult(name or str(path), slug, dry_run, update)
    source = name or Path(path).name
    return _import(result, tables, read_problems, user, source, progress, on_phase)


def import_tables(
    tables: dict[str, tuple[list[str], list[list[Any]]]],
    *,
    slug: str,
    user: AbstractBaseUser | AnonymousUser | None = None,
    name: str,
) -> ImportResult:
    """Import typed rows as the exporter makes them (`export.project_tables`) into the new
    project `slug`, with every check of a workbook import (`read.read_tables`): a project
    copied without a file in between, so no value is changed by a file format on the way
    (a release's frozen copy). `name` names the source in messages and history."""
    found, read_problems = read_tables(tables)
    return _import(ImportResult(name, slug, False, False), found, read_problems, user, name)


def _import(
    result: ImportResult,
    tables: dict[str, Table],
    read_problems: list[Problem],
    user: AbstractBaseUser | AnonymousUser | None,
    source: str,
    progress: Callable[[str, int, int], None] | None = None,
    on_phase: Callable[[str], None] = lambda _: None,
) -> ImportResult:
    result.rows = sum(len(t.rows) for t in tables.values())
    # Checking and writing share one transaction, so the checks see the data written.
    with transaction.atomic():
        on_phase("checking")
        plan = validate(tables, slug=result.project, read_problems=read_problems, progress=progress)
        result.problems = plan.problems
        if plan.problems:
            return result
        on_phase("writing")
        result.counts = write(
            plan, update=result.update, progress=progress, user=user, source=source
        )
        if result.dry_run:
            # A dry run writes inside the transaction and rolls it back: its counts are
            # exactly what the import would do, and nothing stays.
            transaction.set_rollback(True)
    return result
