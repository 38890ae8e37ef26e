"""Invitations: how an owner brings a colleague into an umbrella review by e-mail.

The link carries a random token; only its SHA-256 digest is stored, so a copy of the database
(or of its history) holds no usable link. A link works once, until it expires, is re-sent (a
new token replaces the old) or is revoked. Each row keeps who invited whom with which role and
when it was sent, accepted or revoked, and its history records every change.
"""

import hashlib

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ..fields import account_link
from ..project.models import Membership, UmbrellaReview


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> "InvitationQuerySet":
        """Neither accepted nor revoked (expired ones included: they can be re-sent)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


# A module-level name, so that the django-stubs plugin can build the class for mypy.
_InvitationManager = models.Manager.from_queryset(InvitationQuerySet)


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        EXPIRED = "expired", "Expired"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"

    umbrella = models.ForeignKey(
        UmbrellaReview, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField("e-mail address")
    role = models.CharField(max_length=20, choices=Membership.Role)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = account_link(related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(help_text="When the current link was sent.")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = account_link(related_name="+", editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = account_link(related_name="+", editable=False)

    objects = _InvitationManager()

    # The digest is no secret, but a link's history is enough without it.
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self):
        return f"Invitation of {self.email} to {self.umbrella} as {self.role}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status).label
