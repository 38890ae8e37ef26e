"""Writes of outcome results: saves with optimistic locking, and the second-person check.

Both go through the one locking helper (`reviews.versioning`): a stale edit raises its
`StaleEdit`, and an update clears the check as `OutcomeResult.on_update_resets` says.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from reviews.versioning import Saved, save_versioned

from .models import OutcomeResult


def save_result(
    result: OutcomeResult,
    *,
    expected_version: int | None,
    user: User | AnonymousUser,
) -> Saved[OutcomeResult]:
    """Create or update a validated result; refuse the update if the row moved on meanwhile.

    An update is a new version whose second-person check no longer holds.
    """
    if result.pk is None:
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
