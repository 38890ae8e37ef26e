"""Writes of assignments: one review's tasks (through its form and the locking helper), many
reviews at once (bulk, balanced), and the project's extraction mode."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from ..access import APPRAISING_ROLES, WRITING_ROLES
from ..models import IncludedReview, Membership, UmbrellaReview
from ..versioning import save_versioned
from .models import PAIRS, TASKS, ReviewAssignment

# Who may hold a task: the AMSTAR 2 tasks are open to reviewers (who appraise only), the
# others need a writing role.
APPRAISAL_TASKS = frozenset({"rater1", "rater2", "consensus_by"})


def eligible_roles(task: str) -> frozenset[str]:
    return APPRAISING_ROLES if task in APPRAISAL_TASKS else WRITING_ROLES


def eligible_members(umbrella: UmbrellaReview, task: str) -> list[User]:
    """The project's members who may hold `task`, by username."""
    members = Membership.objects.filter(umbrella=umbrella, role__in=eligible_roles(task))
    return [m.user for m in members.select_related("user").order_by("user__username")]


def spread(n_reviews: int, people: Sequence[User], *, paired: bool) -> list[tuple[User, ...]]:
    """Balanced assignment: review i gets the next person (or the next two, different) in a
    round over `people`, so loads differ by at most one."""
    if len(people) < (2 if paired else 1):
        raise ValidationError(
            "Choose at least two people: each review goes to two different people."
            if paired
            else "Choose at least one person."
        )
    width = 2 if paired else 1
    return [
        tuple(people[(width * i + j) % len(people)] for j in range(width)) for i in range(n_reviews)
    ]


def bulk_assign(
    *,
    umbrella: UmbrellaReview,
    tasks: Sequence[str],
    people: Sequence[User],
    only_unassigned: bool,
) -> int:
    """Spread the project's reviews over `people` for `tasks` (one task, or a pair such as
    the two raters); returns how many reviews were assigned. All or nothing."""
    known = {task.field for task in TASKS}
    if not tasks or any(task not in known for task in tasks):
        raise ValidationError(f"Unknown task(s): {', '.join(tasks)}.")
    allowed = Membership.objects.filter(
        umbrella=umbrella,
        user__in=people,
        role__in=set.intersection(*(set(eligible_roles(t)) for t in tasks)),
    ).values_list("user_id", flat=True)
    refused = sorted(p.get_username() for p in people if p.pk not in set(allowed))
    if refused:
        raise ValidationError(f"Not a member with a role for this task: {', '.join(refused)}.")
    with transaction.atomic():
        reviews = list(IncludedReview.objects.filter(umbrella=umbrella).order_by("label"))
        existing = {
            a.review_id: a
            for a in ReviewAssignment.objects.select_for_update().filter(review__in=reviews)
        }
        if only_unassigned:
            reviews = [
                r
                for r in reviews
                if all(getattr(existing.get(r.pk), f"{t}_id", None) is None for t in tasks)
            ]
        for review, chosen in zip(
            reviews, spread(len(reviews), people, paired=len(tasks) == 2), strict=True
        ):
            assignment = existing.get(review.pk) or ReviewAssignment(review=review)
            for task, person in zip(tasks, chosen, strict=True):
                setattr(assignment, task, person)
            _check_pairs(assignment)
            save_versioned(assignment, loaded_version=None)
    return len(reviews)


def _check_pairs(assignment: ReviewAssignment) -> None:
    label = {task.field: task.label for task in TASKS}
    for a, b in PAIRS:
        first, second = getattr(assignment, f"{a}_id"), getattr(assignment, f"{b}_id")
        if first is not None and first == second:
            raise ValidationError(
                f"{assignment.review}: the same person would hold both {label[a]} and {label[b]}."
            )


def set_extraction_mode(*, umbrella: UmbrellaReview, mode: str, expected_version: int) -> None:
    """Switch single entry / dual extraction (a project setting, locked like every edit)."""
    umbrella.extraction_mode = mode
    save_versioned(umbrella, loaded_version=expected_version, update_fields=["extraction_mode"])
