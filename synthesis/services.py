"""Writes of outcome results: saves with optimistic locking, and the second-person check."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import OutcomeResult


class StaleEdit(Exception):
    """Someone saved the row since this edit started; `current` is what they saved."""

    def __init__(self, current: OutcomeResult):
        super().__init__(f"Result {current.pk} changed to version {current.version}.")
        self.current = current


@dataclass(frozen=True)
class Saved:
    result: OutcomeResult
    created: bool


def save_result(result: OutcomeResult, *, expected_version: int | None, user) -> Saved:
    """Create or update a validated result; refuse the update if the row moved on meanwhile.

    The row is locked (SELECT … FOR UPDATE where the database supports it) while its version
    is compared and bumped, so two simultaneous saves cannot both pass the check.
    """
    with transaction.atomic():
        if result.pk is None:
            result.entered_by = user if user.is_authenticated else None
            result.version = 1
            result.save()
            return Saved(result, created=True)
        current = OutcomeResult.objects.select_for_update().get(pk=result.pk)
        if current.version != expected_version:
            raise StaleEdit(current)
        result.version = current.version + 1
        # A changed row needs checking again; the check was of the old figures.
        result.checked_by, result.checked_at = None, None
        result.save()
        return Saved(result, created=False)


def mark_checked(result: OutcomeResult, *, user, expected_version: int) -> OutcomeResult:
    """Record that a second team member checked the figures against the source."""
    with transaction.atomic():
        current = OutcomeResult.objects.select_for_update().get(pk=result.pk)
        if current.version != expected_version:
            raise StaleEdit(current)
        if current.entered_by_id is not None and current.entered_by_id == user.pk:
            raise ValueError("A result is checked by someone other than the person who entered it.")
        current.checked_by, current.checked_at = user, timezone.now()
        current.save(update_fields=["checked_by", "checked_at"])
        return current
