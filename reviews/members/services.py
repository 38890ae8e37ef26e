"""Changing who works on an umbrella review, keeping at least one owner."""

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from ..models import Membership, UmbrellaReview

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


def _check_keeps_an_owner(umbrella: UmbrellaReview, leaving: Membership) -> None:
    owners = Membership.objects.filter(umbrella=umbrella, role=Membership.Role.OWNER)
    if leaving.role == Membership.Role.OWNER and not owners.exclude(pk=leaving.pk).exists():
        raise ValidationError("An umbrella review needs at least one owner.")


def set_role(*, umbrella: UmbrellaReview, user: "User", role: str) -> Membership:
    """Add `user` with `role`, or change their role."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": f"{role!r} is not a role."})
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(umbrella=umbrella, user=user).first()
        )
        if membership is None:
            return Membership.objects.create(umbrella=umbrella, user=user, role=role)
        if role != Membership.Role.OWNER:
            _check_keeps_an_owner(umbrella, membership)
        membership.role = role
        membership.save(update_fields=["role"])
        return membership


def remove_member(*, umbrella: UmbrellaReview, membership_id: int) -> None:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(umbrella=umbrella, pk=membership_id)
        _check_keeps_an_owner(umbrella, membership)
        membership.delete()
