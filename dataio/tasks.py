"""The background tasks of the Import data page (django-tasks; the worker is `db_worker`).

Arguments are the job's id only: the job row holds everything else, so a task queued before a
cancel finds the job cancelled and does nothing.
"""

from django_tasks import task

from . import jobs


@task()
def check_upload(job_id: str) -> str:
    """The dry run: read and check the upload, count what the import would do."""
    return jobs.run(job_id, dry_run=True)


@task()
def import_upload(job_id: str) -> str:
    """The confirmed import: re-read, re-check and write, in one transaction."""
    return jobs.run(job_id, dry_run=False)
