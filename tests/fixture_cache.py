"""Load a fixture once per test run and copy its rows into each later test's database.

`loaddata` resolves every natural key with a query and saves objects one by one (about 2,100
queries for the peer-support fixture); seventy-odd tests need that fixture, so the suites spent
minutes on it. The first load here is a real `loaddata`; its rows are then read back once and,
for every later test, inserted again model by model in a few multi-row INSERTs — the same
column values, as raw as `loaddata` writes them (no signals, no history, no `auto_now`).

The copies get their primary keys shifted by `OFFSET` (and every foreign key or link to another
copied row with them), so that they never collide with rows a test created before asking for the
fixture; the database's id sequences are then moved past them, as `loaddata` does.
"""

from collections.abc import Callable

from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Model
from django.db.models.signals import post_save

OFFSET = 1_000_000

Rows = list[tuple[type[Model], bool, list[dict]]]  # model, with its own pk?, column values


def loader(fixture: str) -> Callable[[], None]:
    """A function that loads `fixture` into the current test's database, quickly after the first."""
    captured: Rows = []

    def load() -> None:
        if captured:
            _insert(captured)
        else:
            captured.extend(_load_and_capture(fixture))

    return load


def _load_and_capture(fixture: str) -> Rows:
    loaded: dict[type[Model], list] = {}

    def collect(sender, instance, raw, **kwargs):
        if raw:
            loaded.setdefault(sender, []).append(instance.pk)

    post_save.connect(collect, weak=False, dispatch_uid="fixture_cache_collect")
    try:
        call_command("loaddata", fixture, verbosity=0)
    finally:
        post_save.disconnect(dispatch_uid="fixture_cache_collect")

    pks = {model: set(ids) for model, ids in loaded.items()}

    def shifted(field, value):
        if field.primary_key and field.model in pks:
            return value + OFFSET
        target = field.related_model if field.is_relation else None
        return value + OFFSET if target in pks and value in pks[target] else value

    rows: Rows = []
    for model, ids in loaded.items():
        fields = model._meta.local_concrete_fields
        rows.append(
            (
                model,
                True,
                [
                    {f.attname: shifted(f, getattr(obj, f.attname)) for f in fields}
                    for obj in model._base_manager.filter(pk__in=ids).order_by("pk")
                ],
            )
        )
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            links = through._base_manager.filter(**{f"{m2m.m2m_field_name()}__in": ids})
            link_fields = [f for f in through._meta.local_concrete_fields if not f.primary_key]
            values = [{f.attname: shifted(f, getattr(link, f.attname)) for f in link_fields}
                      for link in links.order_by("pk")]  # fmt: skip
            rows.append((through, False, values))
    return rows


def _insert(rows: Rows) -> None:
    for model, with_pk, values in rows:
        if not values:
            continue
        fields = [f for f in model._meta.local_concrete_fields if with_pk or not f.primary_key]
        objs = [model(**row) for row in values]
        # What `loaddata` does per object (a raw save), for all of them in one INSERT.
        model._base_manager._insert(objs, fields=fields, raw=True, using=connection.alias)
    sequences = connection.ops.sequence_reset_sql(no_style(), [model for model, *_ in rows])
    with connection.cursor() as cursor:
        for sql in sequences:
            cursor.execute(sql)
