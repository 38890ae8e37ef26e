"""One project with a blinded review, built for every role × rater slot × publication × state,
and what the blinding rule (docs/security.md, "Blinding") says each viewer may see of it.

- review "Rated 2020": the first rater's appraisal is submitted; the second rater's is a draft
  (saved twice, so some of its answers exist only as deleted history). "after": the second
  rater has submitted too, and the first rater has started a draft consensus.
- review "Published 2019": a submitted consensus with no raters (as an import brings it).

The viewer holds the role and, in slot "rater1"/"rater2", is that rater; the other rater
slots belong to two reviewer accounts. Justifications carry markers, so a download or page
that leaks an appraisal can be caught by its text.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from simple_history.utils import bulk_create_with_history

from appraisal.models import Appraisal, ItemAnswer
from appraisal.services import ItemInput, save_appraisal
from reviews.models import IncludedReview, Membership, ReviewType, UmbrellaReview

ROLES = ["anonymous", "reader", "reviewer", "researcher", "owner", "outsider", "superuser"]
SLOTS = ["rater1", "rater2", "neither"]
STATES = ["before", "after"]  # before / after both raters submitted
APPRAISERS = {"reviewer", "researcher", "owner", "superuser"}

RATED, PUBLISHED = "Rated 2020", "Published 2019"
FIRST, SECOND, DRAFT_CONSENSUS, CONSENSUS = (
    (RATED, "first"),
    (RATED, "second"),
    (RATED, "consensus"),
    (PUBLISHED, "consensus"),
)
MARKERS = {
    FIRST: "NOTE-OF-RATER-ONE",
    SECOND: "NOTE-OF-RATER-TWO",
    DRAFT_CONSENSUS: "NOTE-OF-DRAFT-CONSENSUS",
    CONSENSUS: "NOTE-OF-PUBLISHED-CONSENSUS",
}
RATER_NAMES = {"rater1": "rater-one", "rater2": "rater-two"}


def cases() -> list:
    """Every combination (pytest parameters); an anonymous visitor is never a rater."""
    return [
        pytest.param(
            role, slot, published, state,
            id=f"{role}-{slot}-{'published' if published else 'unpublished'}-{state}",
        )
        for role in ROLES
        for slot in (SLOTS if role != "anonymous" else ["neither"])
        for published in (True, False)
        for state in STATES
    ]  # fmt: skip


def expected(role: str, slot: str, published: bool, state: str) -> set[tuple[str, str]]:
    """The appraisals the rule shows this viewer, as (review label, role)."""
    if not published and role in ("anonymous", "outsider"):
        return set()  # the project itself is hidden
    if role not in APPRAISERS:
        return {CONSENSUS}  # submitted consensus only
    if state == "after":
        return {FIRST, SECOND, DRAFT_CONSENSUS, CONSENSUS}
    own = {"rater1": {FIRST}, "rater2": {SECOND}}.get(slot, set())
    return {CONSENSUS} | own


@dataclass
class Scene:
    umbrella: UmbrellaReview
    viewer: object | None  # None: an anonymous visitor
    appraisals: dict[tuple[str, str], Appraisal]
    deleted_answer_id: int  # an answer of the second rater's draft, replaced by a later save
    raters: dict[str, object] = field(default_factory=dict)


def _items(answer: str, note: str) -> dict[int, ItemInput]:
    items = {n: ItemInput(answer=answer, justification=f"{note} {n}") for n in range(1, 17)}
    items[9] = ItemInput(rct=answer, justification=f"{note} 9")
    items[11] = ItemInput(rct=answer if answer != "partial_yes" else "yes")
    return items


def build(role: str, slot: str, published: bool, state: str) -> Scene:
    users = get_user_model().objects
    umbrella = UmbrellaReview.objects.create(
        title="Blinded project", slug="blinded", is_published=published
    )
    elsewhere = UmbrellaReview.objects.create(title="Elsewhere", slug="elsewhere")
    viewer = None
    if role != "anonymous":
        viewer = users.create_user(
            "viewer", is_staff=True, is_superuser=role == "superuser", email="v@example.org"
        )
        if role == "outsider":
            Membership.objects.create(umbrella=elsewhere, user=viewer, role="owner")
        elif role != "superuser":
            Membership.objects.create(umbrella=umbrella, user=viewer, role=role)
    raters = {}
    for name, username in RATER_NAMES.items():
        if slot == name:
            raters[name] = viewer
        else:
            raters[name] = users.create_user(username)
            Membership.objects.create(umbrella=umbrella, user=raters[name], role="reviewer")
    rated, published_review = (
        IncludedReview.objects.create(
            umbrella=umbrella, label=label, title=label, review_type=ReviewType.SR_META_ANALYSIS
        )
        for label in (RATED, PUBLISHED)
    )

    def appraise(role_, rater, answer, submit, version):
        return save_appraisal(
            review=rated,
            role=role_,
            rater=rater,
            items=_items(answer, MARKERS[(RATED, role_)]),
            expected_version=version,
            submit=submit,
        )

    appraise("first", raters["rater1"], "yes", True, 0)
    draft = appraise("second", raters["rater2"], "no", False, 0)
    deleted_answer_id = draft.answers.get(item=1).pk
    second = appraise("second", raters["rater2"], "no", state == "after", draft.version)
    assert not ItemAnswer.objects.filter(pk=deleted_answer_id).exists()
    if state == "after":
        appraise("consensus", raters["rater1"], "yes", False, 0)
    consensus = Appraisal.objects.create(
        review=published_review, role="consensus", status="submitted", variant="standard",
        overall="high",
    )  # fmt: skip
    bulk_create_with_history(
        [
            ItemAnswer(appraisal=consensus, item=n, answer="yes", justification=MARKERS[CONSENSUS])
            for n in range(1, 17)
            if n not in (9, 11)
        ],
        ItemAnswer,
    )
    appraisals = {(a.review.label, a.role): a for a in Appraisal.objects.select_related("review")}
    assert appraisals[SECOND].pk == second.pk
    return Scene(umbrella, viewer, appraisals, deleted_answer_id, raters)
