"""Restoring an old version of a record (the history page's one write)."""

from django.db import models, transaction

from .selectors import link_snapshots


def restore(record, *, user) -> models.Model:
    """Put the object back as it was in `record`; the restore is itself a recorded change."""
    with transaction.atomic():
        instance = record.instance
        current = type(instance)._base_manager.filter(pk=instance.pk).first()
        if current is not None and hasattr(current, "version"):
            # A restore is a new edit: forms opened before it must see it as newer.
            instance.version = current.version + 1
        instance._change_reason = f"Restored the version of {record.history_date:%Y-%m-%d %H:%M}"
        instance._history_user = user
        if current is not None:
            _restore_links(record, instance)
        instance.save()
    return instance


def _restore_links(record, instance) -> None:
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
