"""The background task that recomputes a project's pages after a write (reviews.project.warming).

Its argument is the project's id only: the task reads the project's current revision when it
runs, so a task queued before further writes computes their figures too.
"""

from django_tasks import task

from . import warming


@task()
def recompute_figures(umbrella_id: int) -> int | None:
    """Fill the cached parts of the project's pages at its current revision."""
    return warming.recompute(umbrella_id)
