"""Saving AMSTAR 2 appraisals: validation per item, the computed rating, optimistic locking."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from reviews.history.records import attribute_change
from reviews.models import IncludedReview
from reviews.project.revisions import changed
from reviews.versioning import save_versioned

from . import amstar2
from .models import Appraisal, AppraisalSettings, ItemAnswer


@dataclass(frozen=True)
class ItemInput:
    """What a rater entered for one item (`rct`/`nrsi` only for items 9 and 11)."""

    answer: str = ""
    rct: str = ""
    nrsi: str = ""
    justification: str = ""

    def effective(self, item: int) -> str:
        """The item's answer: for items 9 and 11 the worse of the parts given."""
        if item in amstar2.SPLIT_ITEMS and (self.rct or self.nrsi):
            return amstar2.combine_parts(self.rct or None, self.nrsi or None)
        return self.answer


class AppraisalLocked(Exception):
    """A submitted rater appraisal is final: the consensus is where answers change."""


def rating_review_type(review: IncludedReview) -> str | None:
    """The review type the rules see: None (standard AMSTAR 2) when variants are switched off."""
    try:
        use_variants = review.umbrella.appraisal_settings.use_adapted_variants
    except AppraisalSettings.DoesNotExist:
        use_variants = True
    return review.review_type if use_variants else None


def compute_overall(answers: Mapping[int, str], review_type: str | None) -> str:
    """The overall rating, or '' while a scored item is still unanswered."""
    try:
        return amstar2.overall_confidence(answers, review_type)
    except ValueError:
        return ""


def check_items(
    items: Mapping[int, ItemInput], review_type: str | None, *, complete: bool
) -> dict[int, str]:
    """Answers by item; raise ValidationError keyed `item_N` for every bad or missing answer."""
    variant = amstar2.variant_for(review_type)
    answers, errors = {}, {}
    for number in amstar2.ITEM_NUMBERS:
        entry = items.get(number, ItemInput())
        allowed = amstar2.allowed_answers(number, review_type)
        parts = {"RCT part": entry.rct, "NRSI part": entry.nrsi, "answer": entry.answer}
        bad = [
            f"{name} {value!r}" for name, value in parts.items() if value and value not in allowed
        ]
        if bad:
            errors[f"item_{number}"] = f"Item {number}: {', '.join(bad)} is not allowed here."
            continue
        answer = entry.effective(number)
        if answer and answer not in allowed:
            errors[f"item_{number}"] = (
                f"Item {number}: the parts combine to {answer!r}, not allowed."
            )
        elif answer:
            answers[number] = answer
        elif complete and variant.scores(number):
            errors[f"item_{number}"] = f"Item {number} needs an answer before submitting."
    if errors:
        raise ValidationError(errors)
    return answers


def save_appraisal(
    *,
    review: IncludedReview,
    role: str,
    rater: User,
    items: Mapping[int, ItemInput],
    expected_version: int,
    submit: bool,
) -> Appraisal:
    """Validate and save one appraisal with its 16 answers, recomputing the overall rating.

    `expected_version` is the version the form was opened at (0 for a new appraisal); if the
    stored appraisal moved on since, `reviews.versioning.StaleEdit` is raised and nothing is
    written.
    """
    review_type = rating_review_type(review)
    answers = check_items(items, review_type, complete=submit)
    values = {
        "status": Appraisal.Status.SUBMITTED if submit else Appraisal.Status.DRAFT,
        "variant": amstar2.variant_for(review_type).code,
        "overall": compute_overall(answers, review_type),
    }
    reason = "Submitted" if submit else "Saved as a draft"
    with transaction.atomic():
        appraisal = Appraisal.objects.filter(review=review, role=role).first()
        if appraisal is None:
            if expected_version != 0:
                raise ValidationError("This appraisal no longer exists.")
            appraisal = _create_appraisal(
                review=review, role=role, rater=rater, reason=reason, **values
            )
        else:
            if appraisal.is_submitted and role != Appraisal.Role.CONSENSUS:
                raise AppraisalLocked("A submitted rater appraisal cannot be changed.")
            for name, value in values.items():
                setattr(appraisal, name, value)
            # Every save and submit is a recorded version of the appraisal (who, when, its
            # status), through the one locking helper: a stale form is refused before anything
            # is written.
            attribute_change(appraisal, user=rater, reason=reason)
            appraisal = save_versioned(
                appraisal, loaded_version=expected_version, update_fields=[*values, "updated_at"]
            ).instance
        for old in appraisal.answers.all():
            attribute_change(old, user=rater, reason=reason)  # each deletion: who and why
            old.delete()
        # Each answer's creation is recorded (who and when).
        answers_to_save = [
            ItemAnswer(
                appraisal=appraisal,
                item=number,
                answer=answers.get(number, ""),
                answer_rct=entry.rct,
                answer_nrsi=entry.nrsi,
                justification=entry.justification,
            )
            for number, entry in sorted(items.items())
            if entry.answer or entry.rct or entry.nrsi or entry.justification
        ]
        bulk_create_with_history(
            answers_to_save, ItemAnswer, default_user=rater, default_change_reason=reason
        )
    return appraisal


def _create_appraisal(
    *, review: IncludedReview, role: str, rater: User | None, reason: str, **fields: object
) -> Appraisal:
    """Insert a new appraisal, or say plainly which simultaneous save got there first.

    The form checks both rules before saving, but two requests can pass those checks together;
    the database's unique constraints then refuse the second insert (one appraisal per role,
    and `one_rater_role_per_user`: nobody is both raters of a review).
    """
    try:
        with transaction.atomic():  # a savepoint, so the caller's transaction stays usable
            new = Appraisal(review=review, role=role, rater=rater, **fields)
            attribute_change(new, user=rater, reason=reason)  # its first version: who, how
            return save_versioned(new, loaded_version=None).instance
    except IntegrityError:
        if Appraisal.objects.filter(review=review, role=role).exists():
            message = (
                f"Someone else started the {Appraisal.Role(role).label.lower()}'s appraisal of "
                "this review at the same time; nothing of yours was saved. Reload the page."
            )
        else:
            message = (
                "You are already the other rater of this review (saved at the same time from "
                "another window); one person cannot be both raters. Nothing was saved."
            )
        raise ValidationError({NON_FIELD_ERRORS: [message]}) from None


def recompute_overall(appraisal: Appraisal) -> Appraisal:
    """Re-derive the stored rating from the stored answers (after edits outside the form)."""
    answers = {a.item: a.answer for a in appraisal.answers.all() if a.answer}
    review_type = rating_review_type(appraisal.review)
    appraisal.overall = compute_overall(answers, review_type)
    appraisal.variant = amstar2.variant_for(review_type).code
    if not appraisal.overall:
        appraisal.status = Appraisal.Status.DRAFT
    appraisal.save(update_fields=["overall", "variant", "status", "updated_at"])
    changed(appraisal.review.umbrella_id)
    return appraisal
