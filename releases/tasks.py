"""The background task that publishes a release (django-tasks; the worker is `db_worker`).

Its argument is the publish job's id only: the job row holds who asked, the number and the
notes, and receives the outcome (`releases.jobs.run`).
"""

from django_tasks import task

from . import jobs


@task()
def publish(job_id: str) -> str:
    """Publish the job's release: export, frozen copy, check, figures, in one transaction."""
    return jobs.run(job_id)
