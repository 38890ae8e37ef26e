"""Publish jobs: an owner's request to publish a release, queued for the task worker.

Publishing a large project takes minutes (docs/performance.md, "Releases"), longer than a web
server lets a request run, so the page only checks what is cheap (published, not a frozen copy,
the number the owner saw), records a `PublishJob` and queues `releases.tasks.publish`; the
status page follows the job. Like the import jobs (`dataio.jobs`), a job moves through its
states by conditional updates (`reviews.jobs.move`), and the task's argument is the job's id alone.

One publish at a time per project: a second request while one is queued or running is refused
(`PublishPending`, naming the running job), which a partial unique constraint enforces even for
two requests at the same moment; a run that a killed worker left behind stops blocking after
ABANDONED_AFTER. A job that the worker runs twice (a retry after a worker
died) publishes at most once: its row is locked and read again in the transaction that
publishes, and marked done in that same transaction, and `publish_release` checks the number
again under the project's lock.

An owner cancels a publish while it is queued (`cancel`), never once it runs: the release is
then written in one transaction that nothing should cut short. The cancel and the worker's
start both move the job by a conditional update from QUEUED, so whichever the database runs
first wins: either the worker skips the cancelled job, or the cancel finds it running.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from reviews.jobs import move
from reviews.models import UmbrellaReview

from .models import PublishJob
from .services import FROZEN, NOT_PUBLISHED, publish_release

logger = logging.getLogger(__name__)
Status = PublishJob.Status

CRASHED = (
    "Publishing stopped on an unexpected error; nothing was released. Try again; if it fails "
    "again, the administrator finds the error in the task worker's log."
)


# 70 times the measured publish of the large synthetic project (docs/performance.md).
ABANDONED_AFTER = timedelta(hours=3)
ABANDONED = (
    "The publishing worker stopped without finishing (it was restarted or killed); nothing was "
    "released. Publish again."
)


class PublishPending(Exception):
    """A publish of this project is already queued or running: `job` is that one."""

    def __init__(self, job: PublishJob):
        self.job = job
        started = timezone.localtime(job.created_at).strftime("%H:%M")
        super().__init__(
            f"Release {job.number} is already being published (asked for by "
            f"{job.user.get_username()} at {started}); nothing more was queued. This page "
            "follows it."
        )


def pending_job(umbrella: UmbrellaReview) -> PublishJob | None:
    """The project's queued or running publish, if any."""
    return (
        PublishJob.objects.filter(umbrella=umbrella, status__in=PublishJob.PENDING)
        .select_related("user")
        .first()
    )


def cheap_refusals(umbrella: UmbrellaReview) -> list[str]:
    """What refuses a release before anything is queued (the rest the worker checks)."""
    if umbrella.is_frozen:
        return [FROZEN]
    return [] if umbrella.is_published else [NOT_PUBLISHED]


def _abandon_stuck(umbrella: UmbrellaReview) -> None:
    """Mark failed a run the worker never finished (killed mid-publish, its transaction rolled
    back): else it would block the project's releases for ever. Only after ABANDONED_AFTER,
    and (PostgreSQL) only if no live run holds its row's lock."""
    cutoff = timezone.now() - ABANDONED_AFTER
    with transaction.atomic():
        stuck = PublishJob.objects.select_for_update(skip_locked=True).filter(
            umbrella=umbrella, status=Status.RUNNING, started_at__lt=cutoff
        )
        PublishJob.objects.filter(pk__in=list(stuck.values_list("pk", flat=True))).update(
            status=Status.FAILED, reasons=[ABANDONED], finished_at=timezone.now()
        )


def start(*, umbrella: UmbrellaReview, user: User, number: int, notes: str) -> PublishJob:
    """Record the publish of release `number` and queue it; `PublishPending` if one is on
    its way already. The caller checked `number` against `next_number` and `cheap_refusals`."""
    from .tasks import publish

    _abandon_stuck(umbrella)
    try:
        with transaction.atomic():
            job = PublishJob.objects.create(
                umbrella=umbrella, user=user, number=number, notes=notes
            )
    except IntegrityError:
        running = pending_job(umbrella)
        if running is None:  # it finished between the insert and this read: ask again
            raise
        raise PublishPending(running) from None
    publish.enqueue(str(job.pk))
    return job


def _cancelled_reason(user: User) -> str:
    when = timezone.localtime().strftime("%H:%M")
    return f"Cancelled by {user.get_username()} at {when}, before the worker started it."


def cancel(job: PublishJob, user: User) -> bool:
    """Cancel the queued `job` (the worker then skips it); False if it is no longer queued."""
    return move(
        job, PublishJob.CANCELLABLE, Status.CANCELLED,
        reasons=[_cancelled_reason(user)], finished_at=timezone.now(),
    )  # fmt: skip


def run(job_id: str) -> str:
    """Publish the job's release (the background task); its new status."""
    job = PublishJob.objects.select_related("umbrella", "user").filter(pk=job_id).first()
    if job is None:
        return "gone"  # its project (or its owner's account) was deleted while it waited
    # From RUNNING too: a retry of a run the worker never finished (nothing of it was kept).
    if not move(job, PublishJob.PENDING, Status.RUNNING, started_at=timezone.now()):
        job.refresh_from_db(fields=["status"])
        return job.status  # cancelled while it waited, or finished by another run
    try:
        with transaction.atomic():
            locked = PublishJob.objects.select_for_update().get(pk=job.pk)
            if locked.status != Status.RUNNING:  # another run of it finished first
                return locked.status
            release = publish_release(
                umbrella=job.umbrella, user=job.user, notes=job.notes, expected=job.number
            )
            now = timezone.now()
            if not move(job, (Status.RUNNING,), Status.DONE, release=release, finished_at=now):
                raise RuntimeError("The job was declared abandoned while it ran.")
    except ValidationError as error:
        move(job, (Status.RUNNING,), Status.REFUSED, reasons=error.messages,
              finished_at=timezone.now())  # fmt: skip
    except Exception:
        logger.exception("Publish job %s (%s release %s) failed", job.pk, job.umbrella, job.number)
        move(job, (Status.RUNNING,), Status.FAILED, reasons=[CRASHED], finished_at=timezone.now())
        raise  # the task's own record keeps the traceback for the administrator
    return job.status
