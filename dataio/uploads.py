"""The upload folder the project owns: stored uploads, their progress and problem reports.

Every file of an import job is named after the job's random id (`<id>.xlsx`,
`<id>.progress.json`, `<id>.problems.csv`) in `settings.IMPORT_UPLOAD_DIR`, never the
machine-wide temp folder and never a name from the browser. Files live until the job is
confirmed or cancelled, or until `sweep` (run by each new upload and by `manage.py
expire_imports`) finds them older than `IMPORT_UPLOAD_MAX_AGE`; all of them together may not
pass `IMPORT_UPLOAD_QUOTA_BYTES`. The size of a request body is capped before Django reads
it by `UploadSizeLimitMiddleware`.
"""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from .models import ImportJob
from .workbook.archive import size


class UploadRefused(ValueError):
    """The upload cannot be kept (the folder's quota); the message says why."""


def folder() -> Path:
    path = Path(settings.IMPORT_UPLOAD_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def upload_path(job: ImportJob) -> Path:
    return folder() / f"{job.pk}{job.suffix}"


def progress_path(job: ImportJob) -> Path:
    return folder() / f"{job.pk}.progress.json"


def report_path(job: ImportJob) -> Path:
    return folder() / f"{job.pk}.problems.csv"


def in_use() -> int:
    """Bytes held by the folder's files now."""
    return sum(entry.stat().st_size for entry in os.scandir(folder()) if entry.is_file())


def store(upload, job: ImportJob) -> None:
    """Write the upload under the job's id, refusing it if the folder would pass its quota."""
    used, quota = in_use(), settings.IMPORT_UPLOAD_QUOTA_BYTES
    if used + upload.size > quota:
        raise UploadRefused(
            f"the server's import folder is full ({size(used)} of {size(quota)} held by "
            "imports waiting for confirmation; setting IMPORT_UPLOAD_QUOTA_BYTES). Confirm or "
            "cancel your pending imports, or try again later"
        )
    with upload_path(job).open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)


def discard(job: ImportJob, *, keep_report: bool = True) -> None:
    """Delete the job's upload and progress (and its problem report unless kept)."""
    paths = [upload_path(job), progress_path(job)] + ([] if keep_report else [report_path(job)])
    for path in paths:
        path.unlink(missing_ok=True)


def write_progress(job: ImportJob, data: dict) -> None:
    """Replace the progress file in one step, so a page never reads half of it.

    Progress goes to a file, not the job's row: the import writes inside one transaction, and
    a row updated in it would stay invisible to the status page until the end."""
    path = progress_path(job)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(data), encoding="utf-8")
    os.replace(partial, path)


def read_progress(job: ImportJob) -> dict:
    try:
        return json.loads(progress_path(job).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def sweep(*, max_age: int | None = None) -> tuple[int, int]:
    """Expire jobs and delete files older than `max_age` seconds; (jobs expired, files deleted).

    A job still waiting that long is expired whatever its state: no dry run or import takes a
    day, so one still "running" is a worker that died with it."""
    max_age = settings.IMPORT_UPLOAD_MAX_AGE if max_age is None else max_age
    cutoff = timezone.now() - timedelta(seconds=max_age)
    stale = ImportJob.objects.filter(status__in=ImportJob.WAITING, updated_at__lt=cutoff)
    expired = stale.update(status=ImportJob.Status.EXPIRED, updated_at=timezone.now())
    deleted, oldest = 0, time.time() - max_age
    for entry in os.scandir(folder()):
        if entry.is_file() and entry.stat().st_mtime < oldest:
            Path(entry.path).unlink(missing_ok=True)
            deleted += 1
    return expired, deleted


class UploadSizeLimitMiddleware:
    """Answer 413 to a request body over `UPLOAD_MAX_BYTES` (plus the allowance Django gives
    the other form fields) before anything reads it: Django would otherwise spool all of it
    to disk before the form could look at the file's size."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.UPLOAD_MAX_BYTES + (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
        if length > limit:
            message = (
                f"The upload is too large ({size(length)}): a file may be at most "
                f"{size(settings.UPLOAD_MAX_BYTES)} (setting UPLOAD_MAX_BYTES). Nothing was "
                "read or kept."
            )
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
