"""Audit history of research data (django-simple-history): versions, field-level diffs, restore.

Every model that holds research data carries `history = HistoricalRecords(...)`; `TRACKED` says
how each one reaches its umbrella review, so the history page can check access through the same
helper as every other page, also for rows that have since been deleted.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction
from django.http import Http404

# "app_label.model_name" → ORM path from that model to its umbrella review.
TRACKED = {
    "reviews.umbrellareview": "",
    "reviews.researchquestion": "umbrella",
    "reviews.includedreview": "umbrella",
    "reviews.report": "review__umbrella",
    "reviews.excludedreview": "umbrella",
    "reviews.primarystudy": "umbrella",
    "reviews.studyreport": "study__umbrella",
    "reviews.inclusion": "review__umbrella",
    "reviews.implementationfactor": "umbrella",
    "reviews.experiencetheme": "umbrella",
    "reviews.experiencesubtheme": "theme__umbrella",
    "reviews.prismaflow": "umbrella",
    "reviews.keyfindingnarrative": "umbrella",
    "appraisal.appraisal": "review__umbrella",
    "appraisal.itemanswer": "appraisal__review__umbrella",
    "synthesis.outcome": "umbrella",
    "synthesis.outcomeresult": "review__umbrella",
    "synthesis.studyeffect": "outcome_result__review__umbrella",
}
KINDS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: object
    new: object


@dataclass(frozen=True)
class Version:
    record: models.Model  # the historical row
    kind: str
    changes: list[FieldChange]


def tracked_model(label: str) -> type[models.Model]:
    """The model behind `app_label.model_name`, if its history is kept; else 404."""
    if label not in TRACKED:
        raise Http404("No history is kept for that kind of record.")
    return apps.get_model(label)


def history_of(label: str, pk: int, umbrella) -> models.QuerySet:
    """The object's historical rows, newest first, limited to this umbrella review."""
    model = tracked_model(label)
    path = TRACKED[label]
    scope = {path: umbrella} if path else {"id": umbrella.pk}
    records = model.history.filter(id=pk).filter(**scope).select_related("history_user")
    return records.order_by("-history_date", "-history_id")


def versions(records) -> list[Version]:
    """Each version with the fields it changed compared with the version before it."""
    ordered = list(records)
    result = []
    for newer, older in zip(ordered, [*ordered[1:], None], strict=True):
        changes = []
        if older is not None:
            delta = newer.diff_against(older)
            changes = [
                FieldChange(
                    str(newer.instance_type._meta.get_field(change.field).verbose_name),
                    change.old,
                    change.new,
                )
                for change in delta.changes
            ]
        result.append(Version(newer, KINDS.get(newer.history_type, "?"), changes))
    return result


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
        instance.save()
    return instance
