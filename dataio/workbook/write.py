"""Writing a checked workbook: one transaction, bulk statements, rows matched on natural keys.

Rows whose natural key is new are created; rows that match are compared field by field (and
list by list) and counted unchanged, or — with `update=True` — updated, else counted as
skipped. Nothing is ever deleted. Any exception, including a lost database connection,
leaves the block by raising, so the transaction rolls back and nothing is half-written.
New rows go in through `bulk.insert` (COPY on PostgreSQL), and every row created or updated
gets its historical record (`bulk.record_history`), since bulk statements send no signals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db import models, transaction
from django.utils import timezone

from reviews.models import UmbrellaReview
from reviews.project.revisions import changed
from reviews.versioning import save_versioned, update_values

from ..relations import concrete_field, many_to_many
from .bulk import insert, record_history
from .columns import REF, REFS, Column, Sheet
from .read import Problem, Table
from .spec import sheets
from .validate import Plan, _existing_keys, row_key

BATCH = 2000


class ImportRefused(Exception):
    """The workbook has problems; nothing was written."""

    def __init__(self, plan: Plan):
        self.plan = plan
        super().__init__(f"{len(plan.problems)} problem(s); nothing was written.")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # differs from the database, left as it is (no --update)
    skipped_rows: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(kw_only=True)
class Checked:
    """What checking (and maybe writing) one file found: shared by every importer of the
    Import data page (workbook, metaumbrella, citation matrix)."""

    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Writer:
    def __init__(self, plan: Plan, update: bool, progress, user=None, source: str = ""):
        self.plan = plan
        self.update = update
        self.user = user if user is not None and user.is_authenticated else None
        self.reason = f"workbook import {source}".strip()
        self.when = timezone.now()
        self.progress = progress or (lambda *_: None)
        self.keys = {name: dict(keys) for name, keys in plan.existing.items()}
        self.counts: dict[str, Counts] = {}

    def project(self) -> UmbrellaReview:
        table = self.plan.tables.get("project")
        counts = self.counts["project"] = Counts()
        rows = table.rows if table else []
        values = rows[0].values if rows else {}
        umbrella = self.plan.umbrella
        if umbrella is None:
            umbrella = UmbrellaReview(slug=self.plan.slug, **values)
            self._stamp(umbrella)
            save_versioned(umbrella, loaded_version=None)
            counts.created = 1
        elif values:
            differs = {k: v for k, v in values.items() if getattr(umbrella, k) != v}
            if not differs:
                counts.unchanged = 1
            elif self.update:
                for name, value in differs.items():
                    setattr(umbrella, name, value)
                self._stamp(umbrella)
                # An import holds no edit of its own: it takes the next version unchecked.
                save_versioned(umbrella, loaded_version=None, update_fields=list(differs))
                counts.updated = 1
            else:
                counts.skipped, counts.skipped_rows = 1, [rows[0].number]
        return umbrella

    def _stamp(self, instance) -> None:
        """What simple-history records with the project row it saves itself."""
        instance._change_reason = self.reason
        instance._history_user = self.user
        instance._history_date = self.when

    def sheet(self, sheet: Sheet, table: Table, umbrella: UmbrellaReview) -> None:
        counts = self.counts[sheet.name] = Counts()
        meta = sheet.model._meta
        present = [sheet.column(name) for name in table.columns]
        plain = [c for c in present if c.field and c.kind not in (REF, REFS)]
        refs = [c for c in present if c.field and c.kind == REF]
        lists = [c for c in present if c.kind == REFS]
        attnames = [c.field for c in plain] + [
            concrete_field(sheet.model, c.field).attname for c in refs
        ]
        attnames += list(sheet.computed)
        if sheet.link:
            attnames.append(concrete_field(sheet.model, sheet.link.field).attname)
        attnames = list(dict.fromkeys(attnames))
        scoped = "umbrella" in {f.name for f in meta.fields}
        keys = self.keys[sheet.name]

        stored = {}
        if keys:
            rows = sheet.model._default_manager.filter(**{sheet.scope: umbrella})
            stored = {pk: rest for pk, *rest in rows.values_list("pk", *attnames).iterator(5000)}
        stored_lists = (
            {c.name: self._stored_links(sheet, c, umbrella) for c in lists} if keys else {}
        )

        create: list[dict] = []
        create_keys, changes = [], []
        wanted_links: dict[str, dict] = {c.name: {} for c in lists}
        for row in table.rows:
            values = row.values
            attrs = {c.field: values[c.name] for c in plain}
            for c in refs:
                target = values.get(c.name)
                attrs[concrete_field(sheet.model, c.field).attname] = (
                    self.keys[c.ref][(target,)] if target else None
                )
            for name in sheet.computed:
                attrs[name] = values[name]
            if sheet.link:
                link_key = tuple(values[n] for n in sheet.link.columns)
                attrs[concrete_field(sheet.model, sheet.link.field).attname] = self.keys[
                    sheet.link.sheet
                ][link_key]
            links = {
                c.name: frozenset(self.keys[c.ref][(name,)] for name in values[c.name])
                for c in lists
            }
            key = row_key(sheet, values)
            pk = keys.get(key)
            if pk is None:
                if scoped:
                    attrs["umbrella_id"] = umbrella.pk
                create.append(attrs)
                create_keys.append((key, links))
                continue
            before = dict(zip(attnames, stored[pk], strict=True))
            differs = {n for n in attnames if before[n] != attrs[n]}
            list_differs = {
                n for n, ids in links.items() if stored_lists[n].get(pk, frozenset()) != ids
            }
            if not differs and not list_differs:
                counts.unchanged += 1
            elif not self.update:
                counts.skipped += 1
                counts.skipped_rows.append(row.number)
            else:
                counts.updated += 1
                changes.append((pk, attrs, differs))
                for name in list_differs:
                    wanted_links[name][pk] = links[name]

        created = insert(sheet.model, create)
        counts.created = len(create)
        if None in created:  # a backend without RETURNING
            self.keys[sheet.name] = keys = _existing_keys(sheet, umbrella)[0]
        for pk, (key, links) in zip(created, create_keys, strict=True):
            pk = pk or keys[key]
            keys[key] = pk
            for name, ids in links.items():
                if ids:
                    wanted_links[name][pk] = ids
        self._apply_updates(sheet, changes)
        for column in lists:
            self._replace_links(sheet, column, wanted_links[column.name])
        created = [keys[key] for key, _ in create_keys]
        self.history(sheet.model, created, "+")
        self.history(sheet.model, [pk for pk, _, _ in changes], "~")
        self.progress(sheet.name, len(table.rows), len(table.rows))

    def history(self, model, pks: list[int], history_type: str) -> None:
        """Record what bulk statements wrote, as simple-history does for a saved row."""
        record_history(
            model,
            pks,
            history_type=history_type,
            when=self.when,
            user_id=self.user.pk if self.user else None,
            reason=self.reason,
        )

    def _apply_updates(self, sheet: Sheet, changes: list) -> None:
        """Write changed values; every updated row (links-only changes too) also takes what
        the model says an update writes — its next version and its resets — so an edit form
        opened before the import is refused, not allowed to overwrite it."""
        also = update_values(sheet.model)
        by_fields: dict[frozenset, list] = defaultdict(list)
        for pk, attrs, differs in changes:
            extra = {name: value for name, value in also.items() if name not in differs}
            names = frozenset(differs) | frozenset(extra)
            if names:
                by_fields[names].append(
                    sheet.model(pk=pk, **{n: attrs[n] for n in differs}, **extra)
                )
        for names, objs in by_fields.items():
            sheet.model._default_manager.bulk_update(objs, sorted(names), batch_size=BATCH)

    @staticmethod
    def _m2m(sheet: Sheet, column: Column) -> tuple[type[models.Model], str, str]:
        m2m = many_to_many(sheet.model, column.field)
        return m2m.through, f"{m2m.source}_id", f"{m2m.target}_id"

    def _stored_links(self, sheet: Sheet, column, umbrella) -> dict[int, frozenset]:
        through, source, target = self._m2m(sheet, column)
        rows = through._default_manager.filter(**{f"{source[:-3]}__{sheet.scope}": umbrella})
        found: dict[int, set] = defaultdict(set)
        for owner, term in rows.values_list(source, target):
            found[owner].add(term)
        return {owner: frozenset(terms) for owner, terms in found.items()}

    def _replace_links(self, sheet: Sheet, column, wanted: dict[int, frozenset]) -> None:
        if not wanted:
            return
        through, source, target = self._m2m(sheet, column)
        through._default_manager.filter(**{f"{source}__in": list(wanted)}).delete()
        through._default_manager.bulk_create(
            [
                through(**{source: owner, target: term})
                for owner, ids in wanted.items()
                for term in ids
            ],
            batch_size=BATCH,
        )


def write(
    plan: Plan,
    *,
    update: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    user=None,
    source: str = "",
) -> dict[str, Counts]:
    """Write a plan without problems in one transaction; counts by sheet.

    Every row created or updated gets a historical record dated now, by `user` (None from the
    command line), with the reason "workbook import <source>"."""
    if plan.problems:
        raise ImportRefused(plan)
    writer = _Writer(plan, update, progress, user=user, source=source)
    with transaction.atomic():
        umbrella = writer.project()
        for sheet in sheets():
            if sheet.name != "project" and sheet.name in plan.tables:
                writer.sheet(sheet, plan.tables[sheet.name], umbrella)
        changed(umbrella)  # retire its cached pages once the import commits
    return writer.counts
