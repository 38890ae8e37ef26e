"""Inviting people to an umbrella review by e-mail, and accepting an invitation.

An invitation link carries a random token (`secrets.token_urlsafe`); the database keeps only its
SHA-256 digest, so neither a copy of the database nor the admin can rebuild a link. A link is
good once, until it expires (`INVITATION_EXPIRY_DAYS` after it was sent), and only while the
invitation is pending: re-sending replaces the token (the old link stops working), revoking
ends it. Every write here is one transaction that locks the invitation row, so two clicks on
one link cannot both join.

What an accept page says depends on the link only, never on whether an account uses the
invited address: an invitee either logs in to an account whose address is the invited one,
or creates a new account (with the invited address) from the link.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from ..models import Membership, UmbrellaReview
from . import services
from .models import Invitation, token_digest

LinkFor = Callable[[str], str]  # token → the absolute address of its accept page


class InvitationUnusable(Exception):
    """The link cannot be used (unknown, used, revoked or expired); the message says which."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def same_address(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _expiry() -> timedelta:
    return timedelta(days=settings.INVITATION_EXPIRY_DAYS)


def _issue_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_digest(token)
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + _expiry()
    return token


def _send(invitation: Invitation, link: str) -> None:
    context = {"invitation": invitation, "link": link}
    send_mail(
        subject=f"Invitation to join {invitation.umbrella.title}"[:150],
        message=render_to_string("reviews/invitation_email.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def invite(
    *, umbrella: UmbrellaReview, email: str, role: str, invited_by: User, link_for: LinkFor
) -> Invitation:
    """Record an invitation and e-mail its link; if the mail cannot be sent, nothing is kept."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": f"{role!r} is not a role."})
    email = get_user_model().objects.normalize_email(email.strip())
    members = Membership.objects.filter(umbrella=umbrella, user__email__iexact=email)
    if members.exists():
        raise ValidationError({"email": f"{email} is already a member of this umbrella review."})
    with transaction.atomic():
        waiting = Invitation.objects.select_for_update().pending().filter(umbrella=umbrella)
        if waiting.filter(email__iexact=email).exists():
            raise ValidationError(
                {"email": f"{email} is already invited: re-send or revoke that invitation below."}
            )
        invitation = Invitation(umbrella=umbrella, email=email, role=role, invited_by=invited_by)
        token = _issue_token(invitation)
        invitation.save()
        _send(invitation, link_for(token))  # raising here rolls the invitation back
    return invitation


def _pending_for_update(umbrella: UmbrellaReview, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .filter(umbrella=umbrella, pk=invitation_id)
        .select_related("umbrella")
        .first()
    )
    if invitation is None:
        raise ValidationError("No such invitation in this umbrella review.")
    if invitation.status not in {Invitation.Status.PENDING, Invitation.Status.EXPIRED}:
        raise ValidationError(
            f"The invitation of {invitation.email} is {invitation.get_status_display().lower()}: "
            "it cannot be changed any more."
        )
    return invitation


def resend(*, umbrella: UmbrellaReview, invitation_id: int, link_for: LinkFor) -> Invitation:
    """Send a new link (the old one stops working) with a new expiry date."""
    with transaction.atomic():
        invitation = _pending_for_update(umbrella, invitation_id)
        token = _issue_token(invitation)
        invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
        _send(invitation, link_for(token))
    return invitation


def revoke(*, umbrella: UmbrellaReview, invitation_id: int, revoked_by: User) -> Invitation:
    with transaction.atomic():
        invitation = _pending_for_update(umbrella, invitation_id)
        invitation.revoked_at = timezone.now()
        invitation.revoked_by = revoked_by
        invitation.save(update_fields=["revoked_at", "revoked_by"])
    return invitation


def usable_invitation(token: str, *, for_update: bool = False) -> Invitation:
    """The pending invitation this link stands for, or InvitationUnusable saying why not."""
    invitations = Invitation.objects.select_related("umbrella", "invited_by")
    if for_update:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(token_hash=token_digest(token)).first()
    if invitation is None:
        raise InvitationUnusable(
            "This invitation link is not valid: check that the whole link was copied, "
            "or ask the owner of the umbrella review for a new invitation.",
            404,
        )
    status = invitation.status
    if status == Invitation.Status.ACCEPTED:
        raise InvitationUnusable(
            "This invitation link has already been used. If it was you, log in to reach "
            f"{invitation.umbrella.title}.",
            410,
        )
    if status == Invitation.Status.REVOKED:
        raise InvitationUnusable(
            "This invitation was withdrawn by an owner of the umbrella review.", 410
        )
    if status == Invitation.Status.EXPIRED:
        raise InvitationUnusable(
            f"This invitation expired on {timezone.localtime(invitation.expires_at):%d %B %Y}: "
            "ask the owner of the umbrella review to send it again.",
            410,
        )
    return invitation


WRONG_ACCOUNT = (
    "This invitation was sent to another e-mail address than the one of the account you are "
    "logged in with. Log out and open the link again (to log in with the invited address's "
    "account or to create one), or ask the owner to invite your address."
)


def accept(*, token: str, user: User) -> Membership:
    """Join with an existing account, whose e-mail address must be the invited one."""
    with transaction.atomic():
        invitation = usable_invitation(token, for_update=True)
        if not same_address(user.email or "", invitation.email):
            raise InvitationUnusable(WRONG_ACCOUNT, 403)
        return _join(invitation, user)


def accept_with_new_account(*, token: str, new_user: User) -> Membership:
    """Create the account (an unsaved user from the sign-up form) with the invited address, and
    join; the link is checked first, so a used or expired link creates no account."""
    with transaction.atomic():
        invitation = usable_invitation(token, for_update=True)
        new_user.email = invitation.email
        new_user.save()
        return _join(invitation, new_user)


def _join(invitation: Invitation, user: User) -> Membership:
    membership = services.join(umbrella=invitation.umbrella, user=user, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership
