"""Primary-study labels become unique per project (the workbook's natural key).

Studies that shared a label with an earlier study of the same project get " (2)", " (3)", …
(active records keep their label before merged ones, then the oldest first). Each rename is
saved as a new version in the study's audit history, with the old label in the reason, moves
the optimistic-locking version on, and is printed while migrating.
"""

from collections import defaultdict

from django.db import migrations, models
from django.db.models import F
from django.utils import timezone

LABEL_LENGTH = 120
REASON = "label made unique: {old!r} was shared with another study"


def _free(label: str, taken: set[str]) -> str:
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = label[: LABEL_LENGTH - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


def make_labels_unique(apps, schema_editor):
    PrimaryStudy = apps.get_model("reviews", "PrimaryStudy")
    History = apps.get_model("reviews", "HistoricalPrimaryStudy")
    rows = PrimaryStudy.objects.order_by("umbrella_id", F("merged_into").asc(nulls_first=True), "id")
    taken: dict[int, set[str]] = defaultdict(set)
    for umbrella_id, label in rows.values_list("umbrella_id", "label"):
        taken[umbrella_id].add(label)
    seen: dict[int, set[str]] = defaultdict(set)
    renamed = []
    for study in rows.iterator():
        if study.label not in seen[study.umbrella_id]:
            seen[study.umbrella_id].add(study.label)
            continue
        old = study.label
        study.label = _free(old, taken[study.umbrella_id])
        taken[study.umbrella_id].add(study.label)
        seen[study.umbrella_id].add(study.label)
        study.version += 1
        study.save(update_fields=["label", "version"])
        renamed.append((study, old))
    now = timezone.now()
    fields = [f.attname for f in History._meta.fields if not f.name.startswith("history_")]
    History.objects.bulk_create(
        History(
            **{name: getattr(study, name) for name in fields},
            history_date=now,
            history_type="~",
            history_change_reason=REASON.format(old=old)[:100],
        )
        for study, old in renamed
    )
    for study, old in renamed:
        print(f"\n  primary study {study.pk} of project {study.umbrella_id}: {old!r} -> {study.label!r}")


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0006_data_revision_and_study_order'),
    ]

    operations = [
        migrations.RunPython(make_labels_unique, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='primarystudy',
            constraint=models.UniqueConstraint(fields=('umbrella', 'label'), name='unique_study_label', violation_error_message='Another primary study of this project has this label.'),
        ),
    ]
