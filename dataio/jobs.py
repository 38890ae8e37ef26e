"""Import jobs from upload to import: each step a service the views and the tasks call.

`start` keeps the upload and queues its dry run; `run` (called by the background tasks in
`dataio.tasks`) reads, checks and — once confirmed — writes it, keeping the progress and the
report; `confirm` queues the import; `cancel` deletes the upload. A job moves through its
states by conditional updates (`reviews.jobs.move`), so a cancel racing a task, or two
confirms, leave one winner and never a half-done import.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
from django.conf import settings

from appraisal.exports import neutralise_formulas
from reviews.csvfiles import frame_csv
from reviews.jobs import move
from reviews.models import UmbrellaReview

from . import uploads
from .ccar import import_matrix
from .citations import PARSERS, CitationFileError, guess_format, import_citations
from .dual_mode import final_results_warning
from .metaumbrella.service import import_metaumbrella
from .models import ImportJob
from .workbook.service import import_workbook
from .workbook.write import Counts

logger = logging.getLogger(__name__)
Status = ImportJob.Status


def start(*, umbrella: UmbrellaReview, user, upload, kind: str, update: bool) -> ImportJob:
    """Keep the upload and queue its dry run; raise `UploadRefused` if it cannot be kept."""
    from .tasks import check_upload

    uploads.sweep()  # every upload first clears what has expired, so the folder stays bounded
    job = ImportJob.objects.create(
        umbrella=umbrella, user=user, kind=kind, update=update, name=upload.name, size=upload.size
    )
    try:
        uploads.store(upload, job)
    except uploads.UploadRefused:
        job.delete()
        raise
    check_upload.enqueue(str(job.pk))
    return job


def confirm(job: ImportJob) -> bool:
    """Queue the import of a checked upload; False if it is not waiting for confirmation."""
    from .tasks import import_upload

    if not uploads.upload_path(job).exists():
        move(job, (Status.CHECKED,), Status.EXPIRED)
        return False
    if not move(job, (Status.CHECKED,), Status.IMPORT_QUEUED):
        return False
    import_upload.enqueue(str(job.pk))
    return True


CANCELLABLE = (Status.CHECK_QUEUED, Status.CHECKING, Status.CHECKED, Status.IMPORT_QUEUED)


def cancel(job: ImportJob) -> bool:
    """Cancel a job not yet importing and delete its files; False if too late."""
    if not move(job, CANCELLABLE, Status.CANCELLED):
        return False
    uploads.discard(job, keep_report=False)
    return True


class _Progress:
    """Rows read, then checked, then written, of the total, kept in the job's progress file."""

    def __init__(self, job: ImportJob, dry_run: bool):
        self.job, self.dry_run = job, dry_run
        self.phase, self.total = "reading", 0
        self.done: dict[str, int] = {}  # rows read so far, by sheet

    def on_phase(self, phase: str) -> None:
        if self.phase == "reading":
            self.total = sum(self.done.values())  # every row read is checked and written
        self.phase, self.done = phase, {}
        self.save()

    def __call__(self, sheet: str, done: int, total: int) -> None:
        self.done[sheet] = done
        self.save()

    def save(self) -> None:
        data = {"phase": self.phase, "done": sum(self.done.values()), "total": self.total}
        uploads.write_progress(self.job, data | {"dry_run": self.dry_run})


def _problem_report(job: ImportJob, problems: list[dict]) -> None:
    """The full list of problems as CSV, downloadable from the status page; its first column
    named as the importer calls the parts of its file ("sheet", "file")."""
    columns = ["sheet", "row", "column", "value", "reason"]  # the keys of every Problem
    frame = pd.DataFrame(problems, columns=columns).astype({"row": "Int64"})
    frame = neutralise_formulas(frame.rename(columns={"sheet": job.importer.report_column}))
    uploads.report_path(job).write_bytes(frame_csv(frame))


def _report(
    job: ImportJob, rows: int, problems: list[dict], counts: dict[str, Counts], dry_run: bool
) -> dict:
    """What the status page shows of a checked file: counts by sheet, the first problems (all
    of them in the downloadable CSV), and the warnings for what is written though allowed."""
    if problems:
        _problem_report(job, problems)
    warning = final_results_warning(job.umbrella, counts, dry_run=dry_run)
    return {
        "rows": rows,
        "warnings": [warning] if warning else [],
        "problem_count": len(problems),
        "problems": problems[: settings.IMPORT_REPORT_MAX_PROBLEMS],
        "counts": {
            name: {k: v for k, v in c.as_dict().items() if k != "skipped_rows"}
            for name, c in counts.items()
        },
    }


def _workbook(job: ImportJob, path: Path, dry_run: bool) -> tuple[bool, dict]:
    progress = _Progress(job, dry_run)
    result = import_workbook(
        path,
        slug=job.umbrella.slug,
        dry_run=dry_run,
        update=job.update,
        user=job.user,
        name=job.name,
        progress=progress,
        on_phase=progress.on_phase,
    )
    problems = [p.as_dict() for p in result.problems]
    return result.ok, _report(job, result.rows, problems, result.counts, dry_run)


def _metaumbrella(job: ImportJob, path: Path, dry_run: bool) -> tuple[bool, dict]:
    result = import_metaumbrella(
        path, umbrella=job.umbrella, dry_run=dry_run, user=job.user, name=job.name
    )
    problems = [p.as_dict() for p in result.problems]
    report = _report(job, result.rows, problems, result.counts, dry_run)
    return result.ok, report | {"ignored": result.ignored}


def _matrix(job: ImportJob, path: Path, dry_run: bool) -> tuple[bool, dict]:
    result = import_matrix(
        path, umbrella=job.umbrella, dry_run=dry_run, user=job.user, name=job.name
    )
    problems = [p.as_dict() for p in result.problems]
    return result.ok, _report(job, result.rows, problems, result.counts, dry_run)


def _citations(job: ImportJob, path: Path, dry_run: bool) -> tuple[bool, dict]:
    try:
        text = path.read_text(encoding="utf-8-sig")
        records = PARSERS[guess_format(job.name)](text)
    except (CitationFileError, UnicodeDecodeError) as error:
        return False, {"citation_error": str(error)}
    report = import_citations(job.umbrella, records, kind=job.kind, dry_run=dry_run)
    return True, {"citations": vars(report)}


def run(job_id: str, *, dry_run: bool) -> str:
    """The dry run or the import of one job (a background task); returns its new status."""
    job = ImportJob.objects.select_related("umbrella", "user").get(pk=job_id)
    queued, running = (
        (Status.CHECK_QUEUED, Status.CHECKING)
        if dry_run
        else (Status.IMPORT_QUEUED, Status.IMPORTING)
    )
    if not move(job, (queued,), running):
        return job.status  # cancelled or expired while it waited
    path = uploads.upload_path(job)
    try:
        readers = {"workbook": _workbook, "metaumbrella": _metaumbrella, "ccar_matrix": _matrix}
        reader = readers.get(job.kind, _citations)
        ok, report = reader(job, path, dry_run)
    except Exception:
        logger.exception("Import job %s (%s) failed", job.pk, job.name)
        error = "The import stopped on an unexpected error; nothing was written."
        move(job, (running,), Status.FAILED, report={"error": error})
        uploads.discard(job)
        raise  # the task's own record keeps the traceback for the administrator
    uploads.progress_path(job).unlink(missing_ok=True)  # the next step starts from nothing
    status = (Status.CHECKED if dry_run else Status.DONE) if ok else Status.REFUSED
    if not move(job, (running,), status, report=report):
        uploads.discard(job, keep_report=False)  # cancelled while it ran
        return Status.CANCELLED
    if status != Status.CHECKED:
        uploads.discard(job)  # the upload is needed only while it waits for confirmation
    return status
