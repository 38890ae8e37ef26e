"""Restoring an old version of a record (the history page's one write)."""

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from ..project.revisions import changed
from ..versioning import is_versioned, take_next_version
from .records import attribute_change
from .selectors import link_snapshots
from .tracking import NOT_RESTORED, umbrella_id_of


class RestoreRefused(Exception):
    """Old versions of this kind of record are not restored (the message says why)."""


def restore(record: Any, *, user: User | AnonymousUser) -> Any:
    """Put the object back as it was in `record`; the restore is itself a recorded change.

    Refused (RestoreRefused, nothing written) for models registered as not restored, whose
    changes follow a workflow a restore would bypass — an AMSTAR 2 appraisal's status, rater
    and role, and its answers, change only through the appraisal form.
    """
    label = record.instance_type._meta.label_lower
    if label in NOT_RESTORED:
        raise RestoreRefused(NOT_RESTORED[label])
    with transaction.atomic():
        instance: Any = record.instance  # a model row (simple-history's own attributes too)
        exists = type(instance)._base_manager.filter(pk=instance.pk).exists()
        if exists and is_versioned(type(instance)):
            # A restore is a new edit: forms opened before it must see it as newer.
            take_next_version(instance)
        reason = f"Restored the version of {record.history_date:%Y-%m-%d %H:%M}"
        attribute_change(instance, user=user, reason=reason)
        if exists:
            _restore_links(record, instance)
        instance.save()
        changed(umbrella_id_of(instance))
    return instance


def _restore_links(record: Any, instance: Any) -> None:
    """Put the version's many-to-many links back; the save after records them in one version."""
    fields = list(getattr(record, "_history_m2m_fields", []))
    if not fields:
        return
    instance.skip_history_when_saving = True  # no extra version per field: the save records
    try:
        for field in fields:
            linked = link_snapshots([record], field)[record.history_id]
            existing = field.related_model._base_manager.filter(pk__in=linked)
            getattr(instance, field.name).set(list(existing.values_list("pk", flat=True)))
    finally:
        del instance.skip_history_when_saving
