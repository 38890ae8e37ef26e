"""Importing a workbook from start to end: read, check, and (unless a dry run) write."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction

from .read import read_workbook
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
    result.rows = sum(len(t.rows) for t in tables.values())
    # Checking and writing share one transaction, so the checks see the data written.
    with transaction.atomic():
        on_phase("checking")
        plan = validate(tables, slug=slug, read_problems=read_problems, progress=progress)
        result.problems = plan.problems
        if plan.problems:
            return result
        on_phase("writing")
        result.counts = write(
            plan, update=update, progress=progress, user=user, source=name or Path(path).name
        )
        if dry_run:
            # A dry run writes inside the transaction and rolls it back: its counts are
            # exactly what the import would do, and nothing stays.
            transaction.set_rollback(True)
    return result
