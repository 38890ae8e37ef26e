"""Writes of outcome results: saves with optimistic locking, the second-person check, and the
rule of who may add a final result directly.

Both writes go through the one locking helper (`reviews.versioning`): a stale edit raises its
`StaleEdit`, and an update clears the check as `OutcomeResult.on_update_resets` says.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from reviews.models import UmbrellaReview
from reviews.versioning import Saved, save_versioned

from .models import OutcomeResult

DIRECT_ENTRY_REFUSED = (
    "This project extracts outcome results in duplicate: a new final result is made by "
    "reconciling the review's two independent extractions, not entered directly. Existing "
    "final results can still be corrected."
)


class DirectEntryRefused(Exception):
    """Adding a final result outside reconciliation, in a project that extracts in duplicate;
    nothing was written."""


def refuse_direct_entry(umbrella: UmbrellaReview) -> None:
    """The one rule for adding a final result other than by reconciliation (the result form,
    the admin): in dual extraction it would bypass the two blinded extractions, so it is
    refused; single entry allows it. Corrections of an existing result are not additions and
    stay allowed in both modes (docs/extraction.md, "Who may create a final result")."""
    if umbrella.dual_extraction:
        raise DirectEntryRefused(DIRECT_ENTRY_REFUSED)


def save_result(
    result: OutcomeResult,
    *,
    expected_version: int | None,
    user: User | AnonymousUser,
    reconciled: bool = False,
) -> Saved[OutcomeResult]:
    """Create or update a validated result; refuse the update if the row moved on meanwhile.

    An update is a new version whose second-person check no longer holds. A new result is
    refused in dual extraction (`refuse_direct_entry`) unless it is `reconciled` from the two
    extractions (`synthesis.extraction.services.reconcile`, the one caller that says so).
    """
    if result.pk is None:
        if not reconciled:
            refuse_direct_entry(UmbrellaReview.objects.get(pk=result.review.umbrella_id))
        result.entered_by = user if user.is_authenticated else None
    return save_versioned(result, loaded_version=expected_version)


def mark_checked(result: OutcomeResult, *, user: User, expected_version: int) -> OutcomeResult:
    """Record that a second team member checked the figures against the source: a new version,
    so a form opened before the check is refused rather than silently undoing it."""
    with transaction.atomic():
        current: OutcomeResult = OutcomeResult.objects.get(pk=result.pk)
        current.checked_by, current.checked_at = user, timezone.now()
        save_versioned(
            current, loaded_version=expected_version, update_fields=["checked_by", "checked_at"]
        )
        if current.entered_by_id is not None and current.entered_by_id == user.pk:
            # Raised after the version check, so a stale page hears that first; the
            # transaction's rollback takes the save back.
            raise ValueError("A result is checked by someone other than the person who entered it.")
        return current
