"""Changing who works on an umbrella review, keeping at least one owner."""

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from ..models import Membership, UmbrellaReview
from ..project.revisions import changed

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # AUTH_USER_MODEL is Django's own


def find_user(identifier: str) -> "User":
    """The account with this username or e-mail address, or a ValidationError naming it."""
    identifier = identifier.strip()
    users = get_user_model().objects.filter(Q(username=identifier) | Q(email__iexact=identifier))
    if len(matches := list(users[:2])) != 1:
        raise ValidationError(
            {"user": f"No single account has the username or e-mail address {identifier!r}."}
        )
    return matches[0]


def _lock_members(umbrella: UmbrellaReview) -> None:
    """Serialise the membership changes of one umbrella review, until the transaction ends.

    Locking only the row being changed is not enough: two owners demoting each other lock two
    different rows, each still counts the other as an owner, and both commit — leaving none.
    Every change first locks the umbrella review's row (SELECT … FOR UPDATE; SQLite serialises
    writers anyway), so the owner count it reads cannot change until it commits.
    """
    list(UmbrellaReview.objects.select_for_update().filter(pk=umbrella.pk).values_list("pk"))
    # Every membership change comes here first: members' kept pages (the project page counts
    # the members) are retired once it commits; a refused change rolls back and retires none.
    changed(umbrella)


def _check_keeps_an_owner(umbrella: UmbrellaReview, leaving: Membership) -> None:
    """Refuse a change that takes the last owner's role away (call under `_lock_members`)."""
    owners = Membership.objects.filter(umbrella=umbrella, role=Membership.Role.OWNER)
    if leaving.role == Membership.Role.OWNER and not owners.exclude(pk=leaving.pk).exists():
        raise ValidationError("An umbrella review needs at least one owner.")


def check_role_change(*, umbrella: UmbrellaReview, user: "User", role: str) -> Membership | None:
    """Lock the project's members and refuse what `set_role` may not do; the user's current
    membership, if any. Forms that save later in the same transaction (the admin's) call it
    from `clean()`, so their error shows on the form and the lock holds until the save."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": f"{role!r} is not a role."})
    _lock_members(umbrella)
    membership = Membership.objects.filter(umbrella=umbrella, user=user).first()
    if membership is not None and role != Membership.Role.OWNER:
        _check_keeps_an_owner(umbrella, membership)
    return membership


def set_role(*, umbrella: UmbrellaReview, user: "User", role: str) -> Membership:
    """Add `user` with `role`, or change their role."""
    with transaction.atomic():
        membership = check_role_change(umbrella=umbrella, user=user, role=role)
        if membership is None:
            return Membership.objects.create(umbrella=umbrella, user=user, role=role)
        membership.role = role
        membership.save(update_fields=["role"])
        return membership


def join(*, umbrella: UmbrellaReview, user: "User", role: str) -> Membership:
    """Add `user` with `role` (an accepted invitation), under the lock every membership change
    takes; someone who became a member meanwhile keeps the role they have."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": f"{role!r} is not a role."})
    with transaction.atomic():
        _lock_members(umbrella)
        membership, _ = Membership.objects.get_or_create(
            umbrella=umbrella, user=user, defaults={"role": role}
        )
        return membership


def remove_member(*, umbrella: UmbrellaReview, membership_id: int) -> None:
    with transaction.atomic():
        _lock_members(umbrella)
        membership = Membership.objects.get(umbrella=umbrella, pk=membership_id)
        _check_keeps_an_owner(umbrella, membership)
        membership.delete()
