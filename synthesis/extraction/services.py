"""Writes of dual extraction: an extractor's rows, their submission, and reconciliation into
final results. Every write goes through the one locking helper (`reviews.versioning`); the
final result is written by `synthesis.services.save_result`, as every outcome result is."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as Account
from django.db import transaction
from django.utils import timezone

from reviews.models import IncludedReview, ReviewAssignment
from reviews.versioning import Saved, StaleEdit, advance, delete_versioned, save_versioned

from ..models import ExtractedResult, Extraction, OutcomeResult
from ..services import save_result

User = Account | AnonymousUser
ASSIGNED_FIELD: dict[str, str] = {
    Extraction.Slot.FIRST: "extractor1",
    Extraction.Slot.SECOND: "extractor2",
}


class ExtractionRefused(Exception):
    """The workflow does not allow this step (the message says why); nothing was written."""


def other_slot(slot: str) -> str:
    return Extraction.Slot.SECOND if slot == Extraction.Slot.FIRST else Extraction.Slot.FIRST


def assigned_extractor(review: IncludedReview, slot: str) -> int | None:
    """The account the owners assigned to this extraction slot, if any."""
    assignment = ReviewAssignment.objects.filter(review=review).first()
    return getattr(assignment, f"{ASSIGNED_FIELD[slot]}_id") if assignment else None


def open_extraction(*, review: IncludedReview, slot: str, user: User) -> Extraction:
    """The user's extraction in `slot`, started if need be; refused when the project extracts
    singly, the slot is assigned to someone else or taken, or the user holds the other slot."""
    if not review.umbrella.dual_extraction:
        raise ExtractionRefused("This project enters results singly; dual extraction is off.")
    with transaction.atomic():
        extractions = {
            e.slot: e for e in Extraction.objects.select_for_update().filter(review=review)
        }
        mine = extractions.get(slot)
        if mine is not None:
            if mine.extractor_id != user.pk:
                raise ExtractionRefused(
                    "This extraction belongs to another extractor and stays hidden until both "
                    "extractors have submitted."
                )
            return mine
        other = extractions.get(other_slot(slot))
        if other is not None and other.extractor_id == user.pk:
            raise ExtractionRefused("You are already the other extractor of this review.")
        assigned = assigned_extractor(review, slot)
        if assigned is not None and assigned != user.pk:
            raise ExtractionRefused("This extraction is assigned to another member.")
        if not isinstance(user, Account):
            raise ExtractionRefused("Log in to extract.")
        extraction = Extraction(review=review, slot=slot, extractor=user)
        return save_versioned(extraction, loaded_version=None).instance


def _editable(extraction: Extraction, user: User) -> None:
    if extraction.extractor_id != user.pk:
        raise ExtractionRefused("Only its extractor changes an extraction.")
    if extraction.is_submitted:
        raise ExtractionRefused("This extraction is submitted: its rows are final.")


def save_row(
    row: ExtractedResult, *, expected_version: int | None, user: User
) -> Saved[ExtractedResult]:
    """Create or update a validated row of a draft extraction (its own extractor only)."""
    _editable(row.extraction, user)
    return save_versioned(row, loaded_version=expected_version)


def delete_row(row: ExtractedResult, *, expected_version: int, user: User) -> bool:
    _editable(row.extraction, user)
    return delete_versioned(row, loaded_version=expected_version)


def submit_extraction(extraction: Extraction, *, expected_version: int, user: User) -> Extraction:
    """Submit: the rows become final, and once both are submitted blinding ends."""
    _editable(extraction, user)
    extraction.status = Extraction.Status.SUBMITTED
    extraction.submitted_at = timezone.now()
    return save_versioned(
        extraction, loaded_version=expected_version, update_fields=["status", "submitted_at"]
    ).instance


def reconcile(
    *,
    result: OutcomeResult,
    rows: Sequence[tuple[ExtractedResult, int]],
    expected_version: int | None,
    user: User,
) -> Saved[OutcomeResult]:
    """Write the final result (validated, new or an update of one reconciled before) and link
    the extracted rows it settles to it, in one transaction.

    `rows` are the extracted rows with the versions the reconciler saw: a row changed,
    deleted or reconciled by someone else since is refused as a stale edit, and nothing is
    written. Both extractions must be submitted.
    """
    if not rows:
        raise ExtractionRefused("Choose the extracted rows this result reconciles.")
    review_id = result.review_id
    with transaction.atomic():
        submitted = Extraction.objects.filter(
            review_id=review_id, status=Extraction.Status.SUBMITTED
        ).count()
        if submitted < len(Extraction.Slot):
            raise ExtractionRefused("Reconciliation opens once both extractors have submitted.")
        for row, _ in rows:
            if row.extraction.review_id != review_id:
                raise ExtractionRefused("These rows belong to another review.")
            if row.final_id is not None and row.final_id != result.pk:
                raise StaleEdit(row)  # reconciled into another result meanwhile
        saved = save_result(result, expected_version=expected_version, user=user, reconciled=True)
        for row, version in rows:
            advance(
                ExtractedResult, row.pk, loaded_version=version, values={"final": saved.instance}
            )
        return saved
