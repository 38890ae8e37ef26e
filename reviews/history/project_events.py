"""The project's own history page also lists its invitations and publications, for its owners.

Invitations (sent, re-sent, accepted, revoked) and publication events (who published or
unpublished, with the checklist's warnings) keep their history but have no page of their own:
they are about the project, so they appear on the umbrella review's history page. Only those
who manage the project see them (`access.can_manage`: its owners, and superusers), as on the
members page — an invitation names an e-mail address that is no member's yet. They are events,
not versions of the project: nothing of them is restored from here.
"""

from __future__ import annotations

from typing import Any

from ..access import can_manage
from ..members.models import Invitation, Membership
from ..publishing.models import PublicationEvent
from .selectors import FieldChange, Version

# Of an invitation's fields, those whose change a version shows (the accounts that accepted
# or revoked are the version's own "by"; the token's digest is not kept at all).
INVITATION_FIELDS = ["email", "role", "sent_at", "expires_at", "accepted_at", "revoked_at"]


def with_project_events(label: str, versions: list[Version], *, umbrella, user) -> list[Version]:
    """A record's timeline, with the project's events when the record is the project itself
    and `user` manages it; newest first."""
    if label != "reviews.umbrellareview" or not can_manage(user, umbrella):
        return versions
    merged = versions + invitation_events(umbrella) + publication_events(umbrella)
    return sorted(merged, key=lambda v: v.record.history_date, reverse=True)


def invitation_events(umbrella: Any) -> list[Version]:
    records = (
        Invitation.history.filter(umbrella_id=umbrella.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    events: list[Version] = []
    previous: dict[int, Any] = {}
    for record in records:
        older = previous.get(record.id)
        previous[record.id] = record
        if record.history_type == "+":
            role, expires = record.get_role_display(), record.expires_at
            changes = [FieldChange("role", None, role), FieldChange("expires at", None, expires)]
        elif older is not None and record.history_type == "~":
            delta = record.diff_against(older, included_fields=INVITATION_FIELDS)
            changes = [FieldChange(_verbose(c.field), c.old, c.new) for c in delta.changes]
        else:
            changes = []
        events.append(Version(record, _invitation_kind(record, older), changes, restorable=False))
    return events


def _invitation_kind(record: Any, older: Any) -> str:
    role = Membership.Role(record.role).label.lower() if record.role else "member"
    what = f"invitation of {record.email} as {role}"
    if record.history_type == "+":
        return f"{what} sent"
    if record.history_type == "-":
        return f"{what} deleted"
    if record.accepted_at and not (older and older.accepted_at):
        return f"{what} accepted"
    if record.revoked_at and not (older and older.revoked_at):
        return f"{what} revoked"
    if older is not None and record.sent_at != older.sent_at:
        return f"{what} sent again (a new link)"
    return f"{what} changed"


def _verbose(name: str) -> str:
    return str(getattr(Invitation._meta.get_field(name), "verbose_name", name))


def publication_events(umbrella: Any) -> list[Version]:
    records = (
        PublicationEvent.history.filter(umbrella_id=umbrella.pk, history_type="+")
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    events = []
    for record in records:
        published = record.action == PublicationEvent.Action.PUBLISHED
        before, after = ("no", "yes") if published else ("yes", "no")
        changes = [FieldChange("published", before, after)]
        if record.warnings:
            warnings = "; ".join(f"{label}: {count}" for label, count in record.warnings)
            changes.append(FieldChange("checklist warnings when published", None, warnings))
        kind = "published" if published else "unpublished"
        events.append(Version(record, kind, changes, restorable=False))
    return events
