"""The blinding rule for dual extraction: who may read which extraction. Decided here for
every surface (pages, history, the export of extractions, the admin).

An extraction is blinded exactly as an AMSTAR 2 rater appraisal is (`appraisal.visibility`,
whose `sees` decides both): visible to its own extractor, and — once both extractions of the
review are submitted — to the project's team (owners, researchers, reviewers; a superuser
counts as an owner). Before that to nobody else: not an owner, not the other extractor, not
staff. Readers, anonymous visitors and outsiders never see an extraction: they see the final
results only (the evidence tables read `OutcomeResult`, which extractions never are). An
extracted row is visible exactly when its extraction is.

As for appraisals the rule comes twice, over plain values (`can_see_extraction`, the pages that
hold the rows) and as a queryset (`visible_extractions`: the export, the admin, the dashboard);
tests/security/test_extraction_blinding.py checks the two agree for every role × state.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from appraisal.models import Appraisal
from appraisal.visibility import Viewer, sees, viewer
from reviews.access import APPRAISING_ROLES, visible_umbrellas
from reviews.history.selectors import as_now_or_last
from reviews.models import Membership, UmbrellaReview

from ..models import ExtractedResult, Extraction

SUBMITTED = Extraction.Status.SUBMITTED


def extraction_sees(who: Viewer, *, extractor_id: int | None, both_submitted: bool) -> bool:
    """The rule over plain values: a rater appraisal's rule, with the extractor as the rater."""
    return sees(
        who,
        role=Appraisal.Role.FIRST,
        status=SUBMITTED,
        rater_id=extractor_id,
        both_submitted=both_submitted,
    )


def both_submitted(review_id: int) -> bool:
    """Have both extractors of the review submitted (the moment blinding ends)?"""
    submitted = Extraction.objects.filter(review_id=review_id, status=SUBMITTED)
    return submitted.count() == len(Extraction.Slot)


def _both_submitted_q() -> Q:
    submitted = Extraction.objects.filter(review=OuterRef("review"), status=SUBMITTED)
    return Q(Exists(submitted.filter(slot=Extraction.Slot.FIRST))) & Q(
        Exists(submitted.filter(slot=Extraction.Slot.SECOND))
    )


def visible_extractions(user: Any, umbrella: UmbrellaReview | None = None) -> QuerySet[Extraction]:
    """The extractions `user` may read: of `umbrella`, or of every project (the admin)."""
    extractions = Extraction.objects.filter(
        review__umbrella__in=visible_umbrellas(user).values("pk")
    )
    if umbrella is not None:
        extractions = extractions.filter(review__umbrella=umbrella)
    if not user.is_authenticated:
        return extractions.none()
    team = Q(extractor=user) | _both_submitted_q()
    if not user.is_superuser:
        appraising = Membership.objects.filter(user=user, role__in=APPRAISING_ROLES)
        team &= Q(review__umbrella__in=appraising.values("umbrella_id"))
    return extractions.filter(team)


def visible_rows(user: Any, umbrella: UmbrellaReview | None = None) -> QuerySet[ExtractedResult]:
    """The extracted rows of the extractions `user` may read."""
    return ExtractedResult.objects.filter(extraction__in=visible_extractions(user, umbrella))


def can_see_extraction(
    user: Any,
    extraction: Extraction,
    *,
    both: bool | None = None,
    umbrella: UmbrellaReview | None = None,
) -> bool:
    """May `user` read this extraction (and its rows)? `both`: whether both extractions are
    submitted, where the caller knows it already. `extraction` may also be the last recorded
    state of a deleted one (a history record), judged in its project `umbrella`."""
    return extraction_sees(
        viewer(user, umbrella or extraction.review.umbrella),
        extractor_id=extraction.extractor_id,
        both_submitted=both_submitted(extraction.review_id) if both is None else both,
    )


def history_visible(user: Any, umbrella: UmbrellaReview, record: Any) -> bool:
    """May `user` read the history of the extraction or row whose newest version is `record`?
    Judged on the extraction as it is now or, if deleted, as it last was."""
    is_row = isinstance(record, ExtractedResult.history.model)
    extraction_id = record.extraction_id if is_row else record.id
    state = as_now_or_last(Extraction, extraction_id)
    return state is not None and can_see_extraction(user, state, umbrella=umbrella)
