"""Audit history of research data (django-simple-history): versions and field-level diffs.

Every model that holds research data carries `history = HistoricalRecords(...)`; `tracking.TRACKED`
says how each one reaches its umbrella review, so the history page can check access through the
same helper as every other page, also for rows that have since been deleted. Models whose rows
are not all visible to every member register who may read a record's history
(`tracking.history_visible`: the AMSTAR 2 appraisals, blinded until both raters submitted); a
record hidden from the user has no history for them at all, here and among the links of
another record's page. Restoring a version is a write: `services.restore`.

Links are history too. Plain many-to-many fields (a review's populations, a factor's reviews …)
are kept by simple-history's `m2m_fields`: each version holds the links as they were, and the
diff lists them before and after. The citation matrix is its own model (`Inclusion`, one row
per review–study link, with history), so a review's page and a study's page also show each
link added, removed or re-pointed (by a merge), with who and when (`LINKS`).
"""

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.http import Http404
from simple_history.utils import get_history_manager_for_model

from .tracking import TRACKED, VISIBLE_IF, history_visible

KINDS = {"+": "created", "~": "changed", "-": "deleted"}

# Page model → (link model, its field pointing at the page's object, the other side,
# what one link is called, what the list of them is called).
LINKS = {
    "reviews.includedreview": (
        "reviews.inclusion", "review", "study", "included primary study", "included primary studies"
    ),
    "reviews.primarystudy": (
        "reviews.inclusion", "study", "review", "including review", "including reviews"
    ),
}  # fmt: skip


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: object
    new: object


@dataclass(frozen=True)
class Version:
    # The historical row (of the object, or of one of its links); simple_history generates
    # its class, so its fields (history_date, history_user...) are known only at run time.
    record: Any
    kind: str
    changes: list[FieldChange]
    restorable: bool = True  # link events are undone by linking again, not restored


def tracked_model(label: str) -> type[models.Model]:
    """The model behind `app_label.model_name`, if its history is kept; else 404."""
    if label not in TRACKED:
        raise Http404("No history is kept for that kind of record.")
    return apps.get_model(label)


def history_of(label: str, pk: int, umbrella, *, user) -> models.QuerySet:
    """The object's historical rows, newest first, limited to this umbrella review; none if
    `user` may not read this record (the same answer as for a record that never existed)."""
    model = tracked_model(label)
    path = TRACKED[label]
    scope = {path: umbrella} if path else {"id": umbrella.pk}
    records = get_history_manager_for_model(model).filter(id=pk).filter(**scope)
    records = records.select_related("history_user").order_by("-history_date", "-history_id")
    newest = records.first()
    if newest is not None and not history_visible(label, user, umbrella, newest):
        return records.none()
    return records


def versions(records) -> list[Version]:
    """Each version with the fields it changed compared with the version before it.

    Queries do not grow with the number of versions: links of all versions are read at once.
    """
    ordered = list(records)
    if not ordered:
        return []
    m2m = list(getattr(ordered[0], "_history_m2m_fields", []))
    links = {field.name: link_snapshots(ordered, field) for field in m2m}
    names = {field.name: _names(field.related_model, links[field.name].values()) for field in m2m}
    result = []
    for newer, older in zip(ordered, [*ordered[1:], None], strict=True):
        changes = []
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=[f.name for f in m2m])
            changes = [
                FieldChange(
                    str(newer.instance_type._meta.get_field(change.field).verbose_name),
                    change.old,
                    change.new,
                )
                for change in delta.changes
            ]
            for field in m2m:
                before = links[field.name].get(older.history_id, frozenset())
                after = links[field.name].get(newer.history_id, frozenset())
                if before != after:
                    shown = names[field.name]
                    changes.append(
                        FieldChange(
                            str(field.verbose_name), _listed(before, shown), _listed(after, shown)
                        )
                    )
        result.append(Version(newer, KINDS.get(newer.history_type, "?"), changes))
    return result


def link_snapshots(records, field) -> dict[int, frozenset]:
    """history_id → ids linked in that version, for one many-to-many field."""
    snapshot = getattr(type(records[0]), field.name).model
    target = f"{field.m2m_reverse_field_name()}_id"
    found: dict[int, set] = {record.history_id: set() for record in records}
    rows = snapshot.objects.filter(history_id__in=list(found)).values_list("history_id", target)
    for history_id, linked in rows:
        found[history_id].add(linked)
    return {history_id: frozenset(ids) for history_id, ids in found.items()}


def _names(model, id_sets) -> dict[int, str]:
    ids = set().union(*id_sets) if id_sets else set()
    return {pk: str(obj) for pk, obj in model._base_manager.in_bulk(ids).items()}


def _listed(ids, names) -> str | None:
    return "; ".join(sorted(names.get(pk, f"(deleted, #{pk})") for pk in ids)) or None


def link_events(label: str, pk: int, *, umbrella, user) -> list[Version]:
    """Links of the object (e.g. a review's included studies) added, removed or re-pointed;
    only those of links `user` may read, where the link model has a visibility rule."""
    if label not in LINKS:
        return []
    link_label, own, other, title, plural = LINKS[label]
    history = apps.get_model(link_label).history
    link_ids = history.filter(**{f"{own}_id": pk}).values("id")
    records = list(
        history.filter(id__in=link_ids)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    if link_label in VISIBLE_IF:
        newest = {record.id: record for record in records}  # ordered oldest first per link
        hidden = {
            link
            for link, record in newest.items()
            if not history_visible(link_label, user, umbrella, record)
        }
        records = [record for record in records if record.id not in hidden]
    other_model = apps.get_model(link_label)._meta.get_field(other).related_model
    names = _names(other_model, [{getattr(r, f"{other}_id") for r in records}])
    events: list[Version] = []
    previous: dict[object, Any] = {}
    for record in records:
        before = previous.get(record.id)
        now = None if record.history_type == "-" else record
        previous[record.id] = now
        was = before is not None and getattr(before, f"{own}_id") == pk
        is_ = now is not None and getattr(now, f"{own}_id") == pk
        old = names.get(getattr(before, f"{other}_id")) if was else None
        new = names.get(getattr(now, f"{other}_id")) if is_ else None
        if old == new:
            continue  # saved without a change to this link
        change = "added" if not was else "removed" if not is_ else "changed"
        kind = f"{title} {change}"
        events.append(Version(record, kind, [FieldChange(plural, old, new)], False))
    return events


def timeline(label: str, pk: int, records, *, umbrella, user) -> list[Version]:
    """The object's versions and its link events (those `user` may read), newest first."""
    merged = versions(records) + link_events(label, pk, umbrella=umbrella, user=user)
    return sorted(merged, key=lambda v: v.record.history_date, reverse=True)
