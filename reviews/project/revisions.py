"""Caching computed pages per project, invalidated by a revision number bumped on every write.

Pages such as the evidence overview aggregate every result of a project; on a large project
that is most of their time, and the answer only changes when the project's data does. So the
computed part is cached under (project, data revision, the page's filters), and every change
bumps the project's revision, which retires all of its cache entries at once:

- web requests: `DataRevisionMiddleware` bumps the revision of the project in the URL after
  every successful POST/PUT/PATCH/DELETE (the admin's, which name no project in the URL, bump
  every project's);
- commands and services that write outside a request (workbook import, citation import,
  load_demo, generate_synthetic) call `bump_revision` themselves.

The bump comes after the write has committed, so a cache entry can only ever hold data at
least as new as its revision. The revision lives in the database, so several app servers each
with their own cache still agree on it; entries also expire after CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import F, QuerySet

from ..models import DataRevision, UmbrellaReview

CACHE_SECONDS = 600
T = TypeVar("T")


def bump_revision(umbrellas: QuerySet[UmbrellaReview] | None = None) -> None:
    """Retire the cached pages of these projects (None: of every project)."""
    umbrellas = UmbrellaReview.objects.all() if umbrellas is None else umbrellas
    DataRevision.objects.filter(umbrella__in=umbrellas).update(number=F("number") + 1)
    missing = umbrellas.filter(data_revision__isnull=True).values_list("pk", flat=True)
    DataRevision.objects.bulk_create(
        [DataRevision(umbrella_id=pk, number=1) for pk in missing], ignore_conflicts=True
    )


def current_revision(umbrella: UmbrellaReview) -> int:
    """The project's revision; free when `umbrella` was read with
    select_related("data_revision"), as `access.visible_umbrellas` does."""
    try:
        return umbrella.data_revision.number
    except DataRevision.DoesNotExist:
        return 0


def cached_for_project(
    umbrella: UmbrellaReview, name: str, parts: str, compute: Callable[[], T]
) -> T:
    """`compute()`, cached for this project's current revision and `parts` (e.g. the filters)."""
    digest = hashlib.sha256(parts.encode()).hexdigest()[:32]
    key = f"{name}:{umbrella.pk}:{current_revision(umbrella)}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


class DataRevisionMiddleware:
    """Bump the project's revision after each successful write request."""

    SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Only members can write, so anonymous POSTs (sent to log in) retire nothing.
        if (
            request.method in self.SAFE_METHODS
            or response.status_code >= 400
            or not request.user.is_authenticated
        ):
            return response
        match = request.resolver_match
        if match is None:
            return response
        slug = match.kwargs.get("slug")
        if slug:
            bump_revision(UmbrellaReview.objects.filter(slug=slug))
        elif "admin" in match.namespaces:
            bump_revision()
        return response
