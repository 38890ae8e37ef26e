"""Recomputing a project's expensive pages in the background after a write commits.

Every write bumps the project's data revision (reviews.project.revisions), which retires the
computed parts of its pages (overview counts, overlap, evidence matrix, AMSTAR 2 summary, key
findings). Without help, the first reader after a write pays for computing them again: seconds
on a large project. So, after the bump, `after_bump` queues `tasks.recompute_figures` for the
worker (`db_worker`, django-tasks) and marks the project "updating" in the cache. The task
renders the registered pages once (`register_page`), which fills every cached part of the new
revision, runs the registered steps (`register_step`: derived data no page computes on its way),
then records that revision as ready. Writes that come while a task is queued and not
yet started queue no other: the task reads the revision when it starts, so it covers them all.

Meanwhile a page whose view shows computed figures (`UmbrellaAccessMixin.shows_figures`) reads
them at `figures_revision`: the last revision made ready, while the recomputation runs, so the
reader gets a warm page with the previous figures and an "updating…" notice (never old figures
shown as current). Without a worker the mark expires after WARMING_SECONDS and pages compute
on demand again, as they do when nothing was ever made ready (a fresh cache). It is on when the
cache is shared (settings.RECOMPUTE_AFTER_WRITE, by default with CACHE_URL): with a cache per
process, the worker would only warm its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.template.response import TemplateResponse
from django.test import RequestFactory
from django.urls import resolve, reverse

from ..models import UmbrellaReview
from .revisions import CACHE_SECONDS, current_revision

logger = logging.getLogger(__name__)

# How long readers may be shown the previous figures while a recomputation is queued: longer
# than recomputing a large project takes, short enough that a stopped worker costs little.
WARMING_SECONDS = 120

# URL names (taking the project's slug) of the pages whose computed parts are recomputed; the
# apps above this one add theirs from their ready().
_PAGES: list[str] = ["reviews:umbrella-detail", "reviews:overlap"]


# Set while the task renders pages: they must compute the current revision, not show the last.
_recomputing: ContextVar[bool] = ContextVar("recomputing", default=False)


# Functions of a project run after its pages: derived data no registered page computes on its
# way (the releases app's draft figures); the apps above this one add theirs from their ready().
_STEPS: list[Callable[[UmbrellaReview], object]] = []


def register_page(*url_names: str) -> None:
    """Recompute these pages' cached parts after every write (called from an app's ready())."""
    _PAGES.extend(name for name in url_names if name not in _PAGES)


def register_step(step: Callable[[UmbrellaReview], object]) -> None:
    """Run `step(project)` in every recomputation, after the pages (from an app's ready())."""
    if step not in _STEPS:
        _STEPS.append(step)


def _updating_key(umbrella_id: int) -> str:
    return f"figures-updating:{umbrella_id}"


def _ready_key(umbrella_id: int) -> str:
    return f"figures-ready:{umbrella_id}"


def _queued_key(umbrella_id: int) -> str:
    return f"figures-queued:{umbrella_id}"


def after_bump(umbrella_ids: Iterable[int]) -> None:
    """Queue the recomputation of these projects' pages (their revision has just moved)."""
    from .tasks import recompute_figures  # the task module imports this one

    if not settings.RECOMPUTE_AFTER_WRITE:  # a per-process cache: the worker's would be wasted
        return
    for umbrella_id in umbrella_ids:
        cache.set(_updating_key(umbrella_id), True, WARMING_SECONDS)
        # Quick writes coalesce: a task queued and not started yet reads the revision when it
        # starts, so it covers this write too (cache.add is atomic on Redis, a no-op if set).
        if not cache.add(_queued_key(umbrella_id), True, WARMING_SECONDS):
            continue
        try:
            recompute_figures.enqueue(umbrella_id)
        except Exception:  # a queue that refuses must not undo a committed write
            cache.delete_many([_updating_key(umbrella_id), _queued_key(umbrella_id)])
            logger.exception("Could not queue the recomputation of project %s", umbrella_id)


def figures_revision(umbrella: UmbrellaReview) -> int:
    """The revision whose computed figures this request shows (decided once per request).

    The current revision, unless a recomputation is under way and an earlier revision's
    figures are ready: then that one, and `figures_updating(umbrella)` is true (the notice).
    """
    decided: int | None = getattr(umbrella, "_figures_revision", None)
    if decided is not None:
        return decided
    current = current_revision(umbrella)
    ready = cache.get(_ready_key(umbrella.pk))
    revision = current
    updating = ready is not None and ready < current and not _recomputing.get()
    if updating and cache.get(_updating_key(umbrella.pk)):
        revision = ready
    # Kept on this request's project object: cached_for_project and the page cache read them.
    vars(umbrella).update(_figures_revision=revision, figures_updating=revision != current)
    return revision


def figures_updating(umbrella: UmbrellaReview) -> bool:
    """Whether this request's page shows the previous figures (after `figures_revision`)."""
    return bool(getattr(umbrella, "figures_updating", False))


def mark_updating(umbrella: UmbrellaReview) -> None:
    """This request's page shows figures from before the latest change, or none yet, decided
    by the page itself: like `figures_revision`'s verdict, it keeps the page out of the page
    cache (page_cache keeps only pages of current figures)."""
    vars(umbrella)["figures_updating"] = True


def recompute_pending(umbrella_id: int) -> bool:
    """Whether a recomputation of the project is queued or running (marked by `after_bump`
    for at most WARMING_SECONDS, so a stopped worker is not waited for longer)."""
    return bool(cache.get(_updating_key(umbrella_id)))


def recompute(umbrella_id: int) -> int | None:
    """Render the registered pages of the project at its current revision, so every cached
    part of that revision is filled, then mark it ready. Returns the revision (None: the
    project no longer exists)."""
    # Started: a write from now on queues a task of its own (this one may read too early).
    cache.delete(_queued_key(umbrella_id))
    project = _project(umbrella_id)
    if project is None:
        cache.delete(_updating_key(umbrella_id))
        return None
    revision = current_revision(project)
    token = _recomputing.set(True)
    try:
        for name in _PAGES:
            _render(reverse(name, kwargs={"slug": project.slug}))
        for step in _STEPS:
            step(project)
    finally:
        _recomputing.reset(token)
        # Even a page that failed leaves the others warm; readers then compute on demand.
        cache.set(_ready_key(umbrella_id), revision, CACHE_SECONDS)
        now = _project(umbrella_id)
        if now is None or current_revision(now) == revision:
            cache.delete(_updating_key(umbrella_id))  # else a later write's task is queued
    return revision


def _project(umbrella_id: int) -> UmbrellaReview | None:
    return UmbrellaReview.objects.select_related("data_revision").filter(pk=umbrella_id).first()


def _render(path: str) -> None:
    """Render a page as a project-wide reader would, through the page's own view.

    The reader is an unsaved superuser: it reads every project, published or not, and a
    superuser never sees a rater's unsubmitted appraisal (appraisal.visibility), so the
    fragments it fills are the ones every member shares. Its response is thrown away.
    """
    request = RequestFactory().get(path)
    request.user = get_user_model()(username="figures-recompute", is_superuser=True)
    match = resolve(path)
    response = match.func(request, *match.args, **match.kwargs)
    if isinstance(response, TemplateResponse):
        response.render()
