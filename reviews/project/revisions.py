"""Caching computed pages per project, invalidated by a revision number bumped on every write.

Pages such as the evidence overview aggregate every result of a project; on a large project
that is most of their time, and the answer only changes when the project's data does. So the
computed part is cached under (project, data revision, the page's filters), and every change
bumps the project's revision, which retires all of its cache entries at once.

The writes themselves say what they changed: every write service (and so every form, admin
save, import, command and the locking helper `reviews.versioning`) calls `changed(project)`,
which schedules one bump per project per transaction, run after it commits
(`transaction.on_commit`): a rolled-back write or a form that did not validate retires
nothing, and a cache entry can only ever hold data at least as new as its revision. The
revision lives in the database, so several app servers each with their own cache still agree
on it; entries also expire after CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import QueryDict
from django.utils import timezone

from ..models import DataRevision, UmbrellaReview

CACHE_SECONDS = 600
T = TypeVar("T")


def bump_revision(umbrellas: QuerySet[UmbrellaReview] | None = None) -> None:
    """Retire the cached pages of these projects (None: of every project)."""
    umbrellas = UmbrellaReview.objects.all() if umbrellas is None else umbrellas
    now = timezone.now()
    DataRevision.objects.filter(umbrella__in=umbrellas).update(
        number=F("number") + 1, changed_at=now
    )
    missing = umbrellas.filter(data_revision__isnull=True).values_list("pk", flat=True)
    DataRevision.objects.bulk_create(
        [DataRevision(umbrella_id=pk, number=1, changed_at=now) for pk in missing],
        ignore_conflicts=True,
    )


def current_revision(umbrella: UmbrellaReview) -> int:
    """The project's revision; free when `umbrella` was read with
    select_related("data_revision"), as `access.visible_umbrellas` does."""
    try:
        return umbrella.data_revision.number
    except DataRevision.DoesNotExist:
        return 0


def last_changed(umbrella: UmbrellaReview) -> datetime | None:
    """When the project's data last changed (None: not recorded since the field exists)."""
    try:
        return umbrella.data_revision.changed_at
    except DataRevision.DoesNotExist:
        return None


def _project_key(umbrella: UmbrellaReview, name: str, parts: str) -> str:
    digest = hashlib.sha256(parts.encode()).hexdigest()[:32]
    # A page showing figures may read the previous revision's while they are recomputed
    # (reviews.project.warming.figures_revision decides, once per request).
    revision = getattr(umbrella, "_figures_revision", None)
    if revision is None:
        revision = current_revision(umbrella)
    return f"{name}:{umbrella.pk}:{revision}:{digest}"


def kept_for_project(umbrella: UmbrellaReview, name: str, parts: str) -> object | None:
    """What `cached_for_project` keeps under the same arguments, without computing it (None:
    nothing kept), for a reader that has a cheaper computation of its own to fall back on."""
    return cache.get(_project_key(umbrella, name, parts))


def cached_for_project(
    umbrella: UmbrellaReview, name: str, parts: str, compute: Callable[[], T]
) -> T:
    """`compute()`, cached for this project's current revision and `parts` (e.g. the filters)."""
    key = _project_key(umbrella, name, parts)
    value: T | None = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def query_parts(query: QueryDict, *, ignore: Iterable[str] = ("page", "sort")) -> str:
    """A query string as a cache key's `parts`, without what changes no computed figure
    (by default the page and the sort, which only pick and order rows already computed)."""
    query = query.copy()
    for name in ignore:
        query.pop(name, None)
    return query.urlencode()


class _Bumped:
    """What the batches of a committed transaction have bumped so far (they share one).

    Batches only run after the commit, so a `changed()` call means a new round: it forgets.
    (Only a test that runs captured callbacks mid-transaction ever sees a second round.)
    """

    def __init__(self) -> None:
        self.forget()

    def forget(self) -> None:
        self.umbrella_ids: set[int] = set()
        self.every = False


class _Batch:
    """The projects changed at one savepoint level of a transaction, bumped after the commit.

    A batch is registered as an on-commit callback at every `changed()` call of its level, so
    a savepoint rolled back takes its own batch with it, and a test capturing callbacks sees
    each call. After the commit the first registration bumps what its batch holds and the
    transaction's other batches have not bumped yet; the rest find nothing left to do.
    """

    def __init__(self, bumped: _Bumped) -> None:
        self.umbrella_ids: set[int] = set()
        self.every = False
        self.bumped = bumped

    def __call__(self) -> None:
        from .warming import after_bump  # it reads the revisions: imported when needed

        done = self.bumped
        if self.every and not done.every:
            bump_revision()
            done.every = True
            after_bump(UmbrellaReview.objects.values_list("pk", flat=True))
        elif not done.every and (todo := self.umbrella_ids - done.umbrella_ids):
            bump_revision(UmbrellaReview.objects.filter(pk__in=todo))
            done.umbrella_ids |= todo
            after_bump(sorted(todo))
        self.umbrella_ids, self.every = set(), False


def _batch() -> _Batch:
    """The batch of the current savepoint level (outside a transaction: a new one)."""
    connection = transaction.get_connection()
    level = set(connection.savepoint_ids)
    bumped = None
    for savepoints, callback, _robust in reversed(connection.run_on_commit):  # newest first
        if isinstance(callback, _Batch):
            if savepoints == level:
                return callback
            bumped = callback.bumped
    return _Batch(bumped or _Bumped())


class FrozenProject(PermissionDenied):
    """A write reached a release's frozen copy (docs/releases.md): it is refused, and the
    transaction it ran in is rolled back with it."""


def _refuse_frozen(umbrella_ids: set[int]) -> None:
    """Every write path calls `changed`, so this one check keeps releases immutable whatever
    wrote: a service, a form, the admin, an import, a command or a restore."""
    if (
        umbrella_ids
        and UmbrellaReview.objects.filter(pk__in=umbrella_ids, frozen_from__isnull=False).exists()
    ):
        raise FrozenProject("This is a release of the umbrella review: it cannot be changed.")


def changed(*umbrellas: UmbrellaReview | int) -> None:
    """Retire these projects' cached pages once the current transaction commits.

    Call it from every write (a form's service, an import, a command): the bump runs after
    the commit (at once outside a transaction), once per project however often it is called,
    and not at all if the transaction rolls back. A write to a release's frozen copy is
    refused here (`FrozenProject`), checked once per project and transaction.
    """
    batch = _batch()
    batch.bumped.forget()
    ids = {u if isinstance(u, int) else u.pk for u in umbrellas}
    _refuse_frozen(ids - batch.umbrella_ids)
    batch.umbrella_ids.update(ids)
    transaction.on_commit(batch)


def changed_everywhere() -> None:
    """`changed` for every project (a fixture load that may touch any of them)."""
    batch = _batch()
    batch.bumped.forget()
    batch.every = True
    transaction.on_commit(batch)
