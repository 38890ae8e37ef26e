"""`HistoricalRecords` that also keeps many-to-many links, from either side of the relation.

django-simple-history's `m2m_fields` snapshots a model's links with every historical record and
adds one record when links change through `.add()`, `.set()`, `.remove()` or `.clear()` on the
model's own side. Changes made from the other side (`population.reviews.add(review)`) reach the
handler with the *other* object, which has no history, so the stock handler fails there; this
one records the change on each affected row instead. Rows written by a raw fixture load keep no
history (simple-history skips raw saves), and neither do the links such a load sets.
"""

from contextlib import contextmanager
from typing import Any

from django.db.models import Model
from django.db.models.signals import pre_save
from simple_history.models import HistoricalRecords


def attribute_change(instance: Model, *, user: Any, reason: str) -> None:
    """Record who makes the next save or delete of `instance`, and why, in its history entry.

    simple-history reads these two attributes off the instance; they are set through setattr
    because they are not model fields (and so unknown to the type checker).
    """
    setattr(instance, "_history_user", user)  # noqa: B010
    setattr(instance, "_change_reason", reason)  # noqa: B010


def _mark_raw(sender, instance, raw, **kwargs):
    if raw:
        instance._history_raw_load = True


pre_save.connect(_mark_raw, dispatch_uid="history_records_mark_raw")


class LinkedHistoricalRecords(HistoricalRecords):
    def m2m_changed(self, instance, action, attr, pk_set, reverse, model=None, **kwargs):
        if getattr(instance, "_history_raw_load", False):
            return
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        # Reverse side: `instance` is the linked object; `model` is the model with history.
        if action == "pre_clear":
            field = getattr(type(instance), _reverse_accessor(model, attr))
            instance._history_cleared = set(field.__get__(instance).values_list("pk", flat=True))
            return
        if action == "post_clear":
            pk_set = getattr(instance, "_history_cleared", set())
        elif action not in ("post_add", "post_remove"):
            return
        for owner in model._default_manager.filter(pk__in=pk_set or ()):
            self.create_historical_record(owner, "~")


def _reverse_accessor(model, attr: str) -> str:
    return model._meta.get_field(attr).remote_field.get_accessor_name()


@contextmanager
def links_in_one_version(instance):
    """Set a saved row's many-to-many links (a form's `save_m2m`) as part of its new version.

    Without this, `.set()` on each changed field adds a version of its own after the one the
    save recorded. Inside the block link changes record nothing; after it, the links are
    copied into the row's newest version, so one save is one version.
    """
    instance.skip_history_when_saving = True
    try:
        yield
    finally:
        del instance.skip_history_when_saving
    history = getattr(type(instance), "history", None)
    record = history.filter(id=instance.pk).first() if history is not None else None
    for field in getattr(record, "_history_m2m_fields", []):
        snapshot = getattr(type(record), field.name).model
        through = field.remote_field.through
        names = [f.name for f in through._meta.fields]
        snapshot.objects.filter(history=record).delete()
        snapshot.objects.bulk_create(
            snapshot(history=record, **{name: getattr(row, name) for name in names})
            for row in through.objects.filter(**{field.m2m_field_name(): instance})
        )
