"""The blinding rule: who may read which AMSTAR 2 appraisal. Decided here for every surface.

Two raters appraise each review blind, then agree a consensus (docs/amstar2.md). So:

- A **rater appraisal** (first or second rater) is visible to its own rater, and — once both
  raters of the review have submitted — to the project's appraisers (owners, researchers and
  reviewers; a superuser counts as an owner of every project). Before that, to nobody else:
  not an owner, not a superuser, not the other rater — also when one of them is staff.
- A **consensus appraisal** is visible to the project's appraisers (drafts too); once it is
  submitted, to everyone who may read the project.
- **Readers, anonymous visitors and outsiders** of a published project therefore see the
  submitted consensus appraisals only — never a rater appraisal, never a draft — and exports
  made for them carry no usernames (`exported_appraisals`).

Reading the project comes first (`reviews.access`: a published project is open to everyone,
an unpublished one to its members). An appraisal's answers are visible exactly when the
appraisal is.

The rule is written twice, once per kind of caller, and tests/security/test_blinding.py checks
the two agree for every role × rater × state:

- `sees` over plain values: pages that hold the rows already (the appraisal form, the review
  page) and the history of rows that no longer exist (their last recorded state);
- `visible_appraisals`, a queryset: exports, the admin, the history registry.

Pages, the history page (`history_visible`, registered in `apps.AppraisalConfig.ready()`),
the workbook export (`exported_appraisals`) and the admin all call one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from reviews.access import APPRAISING_ROLES, SUPERUSER, member_role, visible_umbrellas
from reviews.history.selectors import as_now_or_last
from reviews.models import IncludedReview, Membership, UmbrellaReview

from .models import Appraisal, ItemAnswer

RATER_ROLES = (Appraisal.Role.FIRST, Appraisal.Role.SECOND)
CONSENSUS = Appraisal.Role.CONSENSUS
SUBMITTED = Appraisal.Status.SUBMITTED


@dataclass(frozen=True)
class Viewer:
    """What the rule needs to know about one user in one project."""

    user_id: int | None
    can_read: bool  # the project is published, or the user is a member (or a superuser)
    appraiser: bool  # owner, researcher, reviewer or superuser


def viewer(user: Any, umbrella: UmbrellaReview) -> Viewer:
    """The user as the rule sees them in `umbrella` (one query)."""
    role = member_role(user, umbrella)
    return Viewer(
        user_id=user.pk if user.is_authenticated else None,
        can_read=umbrella.is_published or role is not None,
        appraiser=role == SUPERUSER or role in APPRAISING_ROLES,
    )


def sees(
    who: Viewer, *, role: str, status: str, rater_id: int | None, both_submitted: bool
) -> bool:
    """The rule over plain values: may `who` read an appraisal in this state?"""
    if not who.can_read:
        return False
    if role == CONSENSUS:
        return status == SUBMITTED or who.appraiser
    if not who.appraiser:
        return False  # readers and visitors never see a rater's appraisal
    own = who.user_id is not None and rater_id == who.user_id
    return own or both_submitted


def both_submitted(review: IncludedReview | int) -> bool:
    """Have both raters of the review submitted (the moment blinding ends)?"""
    review_id = review if isinstance(review, int) else review.pk
    submitted = Appraisal.objects.filter(
        review_id=review_id, role__in=RATER_ROLES, status=SUBMITTED
    )
    return submitted.count() == len(RATER_ROLES)


def _both_submitted_q() -> Q:
    """`both_submitted` as a condition on an appraisal's review, for querysets."""
    submitted = Appraisal.objects.filter(review=OuterRef("review"), status=SUBMITTED)
    return Q(Exists(submitted.filter(role=Appraisal.Role.FIRST))) & Q(
        Exists(submitted.filter(role=Appraisal.Role.SECOND))
    )


def visible_appraisals(user: Any, umbrella: UmbrellaReview | None = None) -> QuerySet[Appraisal]:
    """The appraisals `user` may read: of `umbrella`, or of every project (the admin)."""
    appraisals = Appraisal.objects.filter(review__umbrella__in=visible_umbrellas(user).values("pk"))
    if umbrella is not None:
        appraisals = appraisals.filter(review__umbrella=umbrella)
    published = Q(role=CONSENSUS, status=SUBMITTED)
    if not user.is_authenticated:
        return appraisals.filter(published)
    team = Q(role=CONSENSUS) | Q(rater=user) | _both_submitted_q()
    if not user.is_superuser:
        appraising = Membership.objects.filter(user=user, role__in=APPRAISING_ROLES)
        team &= Q(review__umbrella__in=appraising.values("umbrella_id"))
    return appraisals.filter(published | team)


def can_see_appraisal(
    user: Any, appraisal: Appraisal, umbrella: UmbrellaReview | None = None
) -> bool:
    """May `user` read this appraisal (and its answers)? `appraisal` may also be the last
    recorded state of a deleted one (a history record), judged in its project `umbrella`."""
    return sees(
        viewer(user, umbrella or appraisal.review.umbrella),
        role=appraisal.role,
        status=appraisal.status,
        rater_id=appraisal.rater_id,
        both_submitted=appraisal.role in RATER_ROLES and both_submitted(appraisal.review_id),
    )


def visible_answers(user: Any, umbrella: UmbrellaReview | None = None) -> QuerySet[ItemAnswer]:
    """The item answers of the appraisals `user` may read."""
    return ItemAnswer.objects.filter(appraisal__in=visible_appraisals(user, umbrella))


@dataclass(frozen=True)
class ExportScope:
    """What an export made for one user holds of the project's appraisals."""

    appraisals: QuerySet[Appraisal]
    usernames: bool  # the rater column: appraisers only; readers and visitors get it blank


def exported_appraisals(user: Any, umbrella: UmbrellaReview) -> ExportScope:
    """The export follows the pages: the appraisals the user may read (drafts included where
    the rule shows them), with usernames for the project's appraisers only."""
    return ExportScope(visible_appraisals(user, umbrella), viewer(user, umbrella).appraiser)


def history_visible(user: Any, umbrella: UmbrellaReview, record: Any) -> bool:
    """May `user` read the history of the appraisal or answer whose newest version is
    `record`? Judged on the appraisal as it is now — or, if it was deleted, as it last was —
    so a deleted draft stays as blinded as a live one."""
    appraisal_id = (
        record.appraisal_id if isinstance(record, ItemAnswer.history.model) else record.id
    )
    state = as_now_or_last(Appraisal, appraisal_id)
    return state is not None and can_see_appraisal(user, state, umbrella)
