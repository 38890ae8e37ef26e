"""Publishing a release: store the workbook and the figures, and materialise the frozen copy.

One transaction: the project's workbook export (every sheet, every appraisal: the canonical
record) is written once and stored with its SHA-256; the same typed rows the file was written
from are imported, with every check of a workbook import, into a new hidden project, the frozen
copy, which the "as of" pages read through the ordinary views (no file is parsed on the way:
nothing a file format does to a value can come between the project and its copy, and parsing
was most of a large release's time); the copy's typed rows must equal the stored file's, cell
for cell and type for type, so the copy exports the stored bytes again (else nothing is
written: a release that its pages could not reproduce is refused; the tests and the benchmark
compare the bytes themselves); and the reader figures are computed from the copy, so the change
page and the as-of pages cannot disagree.

The owner's page does not wait for this (a large project takes minutes): it queues a publish
job (`releases.jobs`) that the task worker runs.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from dataio.workbook.export import project_tables, xlsx_bytes
from dataio.workbook.read import Problem
from dataio.workbook.service import import_tables
from dataio.workbook.spec import sheet_by_name, sheets
from reviews.formulas import unescape_formula
from reviews.models import UmbrellaReview
from reviews.project.revisions import bump_revision, changed

from .diff import change_log, diff
from .draft import live_figures
from .figures import reader_figures
from .models import Release

NOT_PUBLISHED = "Only a published umbrella review can be released: publish it first."
FROZEN = "A release cannot itself be released."
REFUSED = (
    "This project cannot be released yet: the workbook import refuses {count} of its rows, and "
    "a release's workbook must import as it is (its frozen copy is made by that import). "
    "Correct them and publish again; nothing was released."
)
SHOWN_PROBLEMS = 20
Tables = dict[str, tuple[list[str], list[list[Any]]]]
STALE = (
    "Release {published} was published while this publish of release {expected} waited: read "
    "what changed and publish again; nothing was released."
)
NOT_REPRODUCED = (
    "The frozen copy does not reproduce the project's workbook (sheet {sheet}); nothing was "
    "released."
)


def next_number(umbrella: UmbrellaReview) -> int:
    latest = Release.objects.filter(umbrella=umbrella).aggregate(n=Max("number"))["n"]
    return (latest or 0) + 1


def latest_release(umbrella: UmbrellaReview) -> Release | None:
    return Release.objects.filter(umbrella=umbrella).order_by("-number").first()


def draft_notes(umbrella: UmbrellaReview) -> str:
    """The change log of the draft against the latest release: the notes a release is
    published with when the owner leaves them blank. The live figures are the kept ones of the
    current revision, else computed now (`releases.draft.live_figures`)."""
    latest = latest_release(umbrella)
    if latest is None:
        return "First release."
    return change_log(diff(latest.figures, live_figures(umbrella)))


def _copy_slug(umbrella: UmbrellaReview, number: int) -> str:
    """A free slug for the frozen copy: `<slug>--release-<n>` (shortened to fit), numbered on
    if a project took it first."""
    stem = f"{umbrella.slug[:60]}--release-{number}"
    slug, extra = stem, 1
    while UmbrellaReview.objects.filter(slug=slug).exists():
        extra += 1
        slug = f"{stem}-{extra}"
    return slug


def workbook_of(umbrella: UmbrellaReview) -> bytes:
    """The whole project as XLSX bytes: the canonical, reproducible export."""
    return xlsx_bytes(project_tables(umbrella))


def _where(problem: Problem, tables: Tables) -> str:
    """The sheet, row and the row's natural key (a review's label, an outcome's name): the
    owner has no file whose row numbers they could look up."""
    where = f"sheet {problem.sheet}" if problem.sheet else ""
    if problem.row is None:
        return where
    where += f", row {problem.row}"
    header, rows = tables.get(problem.sheet, ([], []))
    sheet = sheet_by_name().get(problem.sheet)
    if sheet is not None and sheet.key and 2 <= problem.row < len(rows) + 2:
        row = rows[problem.row - 2]  # row 1 is the header
        key = [row[header.index(name)] for name in sheet.key if name in header]
        where += " (" + ", ".join(unescape_formula(str(v)) for v in key if v not in (None, ""))
        where += ")"
    return where


def refusal(problems: list[Problem], tables: Tables) -> list[str]:
    """Why a project's rows cannot be released, one message per problem (the first
    SHOWN_PROBLEMS), each naming where it is, the column and the rule it breaks."""
    lines = [REFUSED.format(count=len({(p.sheet, p.row) for p in problems}))]
    for problem in problems[:SHOWN_PROBLEMS]:
        column = f", column {problem.column}" if problem.column else ""
        value = f" (value: {problem.value})" if problem.value else ""
        lines.append(f"{_where(problem, tables)}{column}{value}: {problem.reason}")
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(f"… and {len(problems) - SHOWN_PROBLEMS} more problems of the same check.")
    return lines


def _analyse_copy_tables() -> None:
    """Give PostgreSQL's planner statistics for the rows just written, before the copy is
    exported in the same transaction. Tables never analysed (a project imported into a new
    database and released before autovacuum ran) are planned as if nearly empty, and the
    export's joins then crawled; autovacuum cannot help, as it does not see uncommitted rows,
    while ANALYZE in the transaction samples them. Where statistics exist it changes little
    (measured: docs/performance.md, "Releases"). SQLite plans without statistics."""
    if connection.vendor != "postgresql":
        return
    tables = set()
    for sheet in sheets():
        tables.add(sheet.model._meta.db_table)
        tables.update(f.m2m_db_table() for f in sheet.model._meta.local_many_to_many)
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _materialise(
    umbrella: UmbrellaReview, tables: Tables, number: int, user: User
) -> UmbrellaReview:
    slug = _copy_slug(umbrella, number)
    result = import_tables(tables, slug=slug, user=user, name=f"release {number}")
    if not result.written:
        raise ValidationError(refusal(result.problems, tables))
    # From here on every write to the copy is refused (reviews.project.revisions.changed).
    UmbrellaReview.objects.filter(slug=slug).update(
        frozen_from=umbrella,
        frozen_number=number,
        is_published=umbrella.is_published,
        extraction_mode=umbrella.extraction_mode,
    )
    _analyse_copy_tables()
    return UmbrellaReview.objects.get(slug=slug)


def _same_cells(first: list[Any], second: list[Any]) -> bool:
    """Two rows hold the same values of the same types (1 and 1.0, or True and 1, are written
    differently; a NaN is equal to itself here), so they are written as the same cells."""
    if first == second:
        return all(a.__class__ is b.__class__ for a, b in zip(first, second, strict=True))
    return [(a.__class__, repr(a)) for a in first] == [(b.__class__, repr(b)) for b in second]


def unreproduced_sheet(tables: Tables, copied: Tables) -> str | None:
    """The first sheet whose rows differ between the two exports' typed tables, else None.
    The file is a function of its tables (`xlsx_bytes`), so equal tables give equal bytes
    without writing the copy's file."""
    if list(tables) != list(copied):
        return "(the list of sheets)"
    for name, (header, rows) in tables.items():
        copied_header, copied_rows = copied[name]
        if header != copied_header or len(rows) != len(copied_rows):
            return name
        if not all(_same_cells(a, b) for a, b in zip(rows, copied_rows, strict=True)):
            return name
    return None


def publish_release(
    *, umbrella: UmbrellaReview, user: User, notes: str, expected: int | None = None
) -> Release:
    """Publish the next release of `umbrella` with `notes` (ValidationError if refused); with
    `expected`, only if the next number is still that (a queued publish checks it again)."""
    if umbrella.is_frozen:
        raise ValidationError(FROZEN)
    if not umbrella.is_published:
        raise ValidationError(NOT_PUBLISHED)
    with transaction.atomic():
        # One release at a time per project: the number and the copy's slug stay unique.
        UmbrellaReview.objects.select_for_update().filter(pk=umbrella.pk).first()
        number = next_number(umbrella)
        if expected is not None and number != expected:
            raise ValidationError(STALE.format(published=number - 1, expected=expected))
        tables = project_tables(umbrella)
        data = xlsx_bytes(tables)
        copy = _materialise(umbrella, tables, number, user)
        sheet = unreproduced_sheet(tables, project_tables(copy))
        if sheet is not None:
            raise ValidationError(NOT_REPRODUCED.format(sheet=sheet))
        release = _store(umbrella, copy, number, data, user, notes)
        # The project's pages (its releases list) and every earlier release's pages (their
        # banner names the latest) are kept per data revision: retire them.
        changed(umbrella)
        transaction.on_commit(lambda: bump_revision(umbrella.frozen_copies.all()))
        return release


def _store(
    umbrella: UmbrellaReview, copy: UmbrellaReview, number: int, data: bytes, user: User, notes: str
) -> Release:
    figures: dict[str, Any] = reader_figures(copy)
    if not notes.strip():
        # The copy's figures are the project's (that is what the copy proves): the change log
        # against the previous release needs no second computation from the live project.
        previous = latest_release(umbrella)
        notes = change_log(diff(previous.figures, figures)) if previous else "First release."
    release = Release(
        umbrella=umbrella,
        number=number,
        published_at=timezone.now(),
        published_by=user,
        notes=notes.strip(),
        workbook=data,
        workbook_sha256=hashlib.sha256(data).hexdigest(),
        workbook_size=len(data),
        figures=figures,
        snapshot=copy,
    )
    release.save()
    return release
