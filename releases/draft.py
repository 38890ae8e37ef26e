"""The draft's figures: the live project's reader figures, kept per data revision.

The draft page and the publish form compare the project as it is now with its latest release
(`releases.diff`). That needs the live project's reader figures (`figures.reader_figures`),
seconds of queries on a large project, which change only when the project's data does. So they
are kept in the cache under (figures format, project, data revision): every write advances the
revision (reviews.project.revisions), so an entry is never read for a later state of the data,
and a frozen copy or another project, having its own id, never shares one. The changes against
the latest release are kept likewise (`draft_changes`, under the revision and the release's
number), so a repeated view reads neither figure document. The figures are computed:

- after each write of a project that has a release (a living project), in the background, by
  the recomputation that refills the project's pages (reviews.project.warming, which runs
  `keep_after_write` as one of its steps: registered from `ReleasesConfig.ready()`);
- on the request, when the project is small (at most SYNC_REVIEWS included reviews: well
  under a second), when the background recomputation is off (RECOMPUTE_AFTER_WRITE: a cache
  per process, where the worker would fill only its own), or when one was queued for this
  revision and ended or lapsed without them (a stopped worker is not waited for);
- otherwise queued for the background once per revision, and meanwhile `draft_figures`
  answers without them (`Draft.current` false): the page says "Updating…" and shows the
  previous revision's figures if they are still kept, labelled as such — never as current.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

from reviews.models import IncludedReview, UmbrellaReview
from reviews.project.revisions import current_revision
from reviews.project.warming import after_bump, recompute_pending

from .diff import ReleaseDiff, change_log, diff
from .figures import FIGURES_FORMAT, reader_figures
from .models import Release

# Computed on the request up to this many included reviews (the synthetic `small` project's 35
# take a fraction of a second; `large`'s 2,000 take seconds: docs/performance.md "Releases").
SYNC_REVIEWS = 200
# Kept a day: the revision in the key retires them, and each project keeps only its newest
# (storing a revision's figures drops the previous revision's), so this bounds memory only.
KEEP_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Draft:
    """The live figures a page may show now.

    `current`: they are of the project's current revision. Otherwise an update is under way,
    and `figures` are the previous revision's (None: no earlier figures are kept either).
    """

    figures: dict[str, Any] | None
    current: bool


def _key(umbrella_id: int, revision: int) -> str:
    return f"release-draft:{FIGURES_FORMAT}:{umbrella_id}:{revision}"


def _newest_key(umbrella_id: int) -> str:
    return f"release-draft-newest:{FIGURES_FORMAT}:{umbrella_id}"


def _asked_key(umbrella_id: int, revision: int) -> str:
    return f"release-draft-asked:{umbrella_id}:{revision}"


def _keep(umbrella_id: int, revision: int, figures: dict[str, Any]) -> None:
    cache.set(_key(umbrella_id, revision), figures, KEEP_SECONDS)
    newest = cache.get(_newest_key(umbrella_id))
    if newest is None or newest < revision:
        cache.set(_newest_key(umbrella_id), revision, KEEP_SECONDS)
        if newest is not None:
            cache.delete(_key(umbrella_id, newest))


def live_figures(umbrella: UmbrellaReview) -> dict[str, Any]:
    """The project's reader figures now: kept ones of its current revision, else computed (and
    kept). The revision is read before the data, so what is kept under it is at least as new."""
    revision = current_revision(umbrella)
    figures: dict[str, Any] | None = cache.get(_key(umbrella.pk, revision))
    if figures is None:
        figures = reader_figures(umbrella)
        _keep(umbrella.pk, revision, figures)
    return figures


def keep_after_write(umbrella: UmbrellaReview) -> None:
    """The recomputation's step: a living project's draft figures, or any project's whose
    draft was asked for at this revision (`draft_figures` queued the recomputation)."""
    if umbrella.is_frozen:
        return
    asked = cache.get(_asked_key(umbrella.pk, current_revision(umbrella)))
    if asked or Release.objects.filter(umbrella=umbrella).exists():
        live_figures(umbrella)


def _compute_now(umbrella: UmbrellaReview, revision: int) -> bool:
    """Whether this request computes the figures rather than wait for the background."""
    if not settings.RECOMPUTE_AFTER_WRITE:
        return True  # no worker fills this process's cache: as every computed page does then
    if IncludedReview.objects.filter(umbrella=umbrella).count() <= SYNC_REVIEWS:
        return True
    if recompute_pending(umbrella.pk):
        return False  # queued or running: it computes them (keep_after_write)
    # Queued once per revision; asked again after that one ended or lapsed without them
    # (a failed task, a stopped worker): computed here rather than "Updating…" for ever.
    if cache.add(_asked_key(umbrella.pk, revision), True, KEEP_SECONDS):
        after_bump([umbrella.pk])
        return not recompute_pending(umbrella.pk)  # the queue refused: nothing will come
    return True


def draft_figures(umbrella: UmbrellaReview) -> Draft:
    """The live figures for the draft page and the publish form, without blocking on a large
    project's computation (module docstring). One cache read when they are kept."""
    revision = current_revision(umbrella)
    figures: dict[str, Any] | None = cache.get(_key(umbrella.pk, revision))
    if figures is not None:
        return Draft(figures, current=True)
    if _compute_now(umbrella, revision):
        return Draft(live_figures(umbrella), current=True)
    newest = cache.get(_newest_key(umbrella.pk))
    earlier = cache.get(_key(umbrella.pk, newest)) if newest is not None else None
    return Draft(earlier if newest is not None and newest < revision else None, current=False)


def _changes_key(umbrella_id: int, revision: int, number: int) -> str:
    return f"release-draft-changes:{FIGURES_FORMAT}:{umbrella_id}:{revision}:{number}"


def draft_changes(
    umbrella: UmbrellaReview, latest: Release | None
) -> tuple[ReleaseDiff | None, bool]:
    """The draft's changes against the `latest` release (None: no release), and whether they
    are of the current revision (module docstring). Kept per revision and release, so a
    repeated view reads neither figure document: `latest` may come without its figures
    (`selectors.releases_of`), which are then read only to compute the changes."""
    number = latest.number if latest else 0
    key = _changes_key(umbrella.pk, current_revision(umbrella), number)
    kept: ReleaseDiff | None = cache.get(key)
    if kept is not None:
        return kept, True
    live = draft_figures(umbrella)
    if live.figures is None:
        return None, False
    changes = diff(latest.figures if latest else {}, live.figures)
    if live.current:
        cache.set(key, changes, KEEP_SECONDS)
    return changes, live.current


def starting_notes(umbrella: UmbrellaReview, latest: Release | None) -> str | None:
    """The publish form's notes to start from: "First release.", else the change log against
    the `latest` release — None while the current figures are being computed (an earlier
    revision's log would leave out the latest change)."""
    if latest is None:
        return "First release."
    changes, current = draft_changes(umbrella, latest)
    return change_log(changes) if changes is not None and current else None
