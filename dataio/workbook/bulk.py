"""Bulk statements for the workbook writer: inserting checked rows, and their history.

`insert` writes rows that the validator has already checked in full. On PostgreSQL it uses
COPY into the table, with primary keys taken from the table's own sequence first, which is
several times faster than `bulk_create` (Django prepares every field of every object in
Python, and INSERT parses every value again); elsewhere it is `bulk_create`. Both run inside
the caller's transaction, so an error anywhere still rolls everything back.

`record_history` is what django-simple-history would have written had each row been saved
one by one (bulk statements send no signals): one historical row per row, copied inside the
database by INSERT … SELECT from the row as stored, plus the snapshot of its many-to-many
links where the model keeps them in its history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone
from simple_history.models import HistoricalRecords

BATCH = 5000
CHUNK = 900  # primary keys per `IN (…)` where a list cannot be one parameter (SQLite)

# Types psycopg adapts exactly as Django would prepare them; others go through the field.
_AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}
HISTORY_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _default(field: models.Field, now: dt.datetime) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now.date() if type(field) is models.DateField else now
    return field.get_default()


def insert(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert `rows` (attname → value; fields left out take their defaults); their new pks."""
    if not rows:
        return []
    meta = model._meta
    # Field.has_db_default (Django 5.0) is missing from django-stubs 5.2.
    special = any(f.generated or f.has_db_default() for f in meta.concrete_fields)  # type: ignore[attr-defined]
    special |= not meta.pk.get_internal_type().endswith("AutoField")  # keys from a sequence
    if connection.vendor != "postgresql" or special:  # COPY gives every column a value
        objs = [model(**row) for row in rows]
        model._default_manager.bulk_create(objs, batch_size=BATCH)
        return [obj.pk for obj in objs]
    return _copy(model, rows)


def _copy(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> list[int]:
    meta = model._meta
    now = timezone.now()
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    given = set().union(*(row.keys() for row in rows[:1]))
    plan = []  # (attname, constant default or None, needs the field's own preparation)
    for f in fields:
        constant = f.attname not in given and not (f.has_default() and callable(f.default))
        default = _default(f, now) if constant else None
        plan.append((f, f.attname, constant, default, f.get_internal_type() not in _AS_IS))
    table, pk = meta.db_table, meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        names = ", ".join(_qn(c) for c in [pk, *(f.column for f in fields)])
        with cursor.cursor.copy(f"COPY {_qn(table)} ({names}) FROM STDIN") as copy:
            for new_id, row in zip(ids, rows, strict=True):
                values = [new_id]
                for f, attname, constant, default, prepare in plan:
                    if constant and attname not in row:
                        value = default
                    else:
                        value = row[attname] if attname in row else _default(f, now)
                    if prepare:
                        value = f.get_db_prep_save(value, connection)
                    values.append(value)
                copy.write_row(values)
    return ids


def _pk_filters(pks: list[int]) -> Iterable[tuple[str, list]]:
    """`WHERE` clauses naming the rows `pks`, with their parameters."""
    if connection.vendor == "postgresql":
        yield "= ANY(%s)", [pks]
        return
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        yield f"IN ({', '.join(['%s'] * len(chunk))})", chunk


def record_history(
    model: type[models.Model],
    pks: Iterable[int],
    *,
    history_type: str,
    when: dt.datetime,
    user_id: int | None,
    reason: str,
) -> int:
    """One historical row per row in `pks`, as stored now; how many were written."""
    pks = sorted(set(pks))
    history = getattr(model, "history", None)
    if not pks or history is None:
        return 0
    history_model = history.model
    source = [f.column for f in model._meta.concrete_fields]
    extra = {f.column for f in history_model._meta.concrete_fields} - set(source)
    if extra - HISTORY_FIELDS:  # a history field this copy would leave out: fail loudly
        raise NotImplementedError(f"{history_model.__name__} has fields {extra - HISTORY_FIELDS}")
    reason = reason[: history_model._meta.get_field("history_change_reason").max_length]
    date = history_model._meta.get_field("history_date").get_db_prep_save(when, connection)
    table, pk = _qn(model._meta.db_table), _qn(model._meta.pk.column)
    history_table = _qn(history_model._meta.db_table)
    columns = ", ".join(_qn(c) for c in source)
    stamp = ", ".join(_qn(c) for c in sorted(HISTORY_FIELDS - {"history_id"}))
    # sorted: history_change_reason, history_date, history_type, history_user_id
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(history_id), 0) FROM {history_table}")
        (before,) = cursor.fetchone()
        for where, params in _pk_filters(pks):
            cursor.execute(
                f"INSERT INTO {history_table} ({columns}, {stamp}) "
                f"SELECT {columns}, %s, %s, %s, %s FROM {table} WHERE {pk} {where}",
                [reason, date, history_type, user_id, *params],
            )
        for field in getattr(history_model, "_history_m2m_fields", ()):
            _record_links(cursor, model, field, HistoricalRecords.m2m_models[field], before, date)
    return len(pks)


def _record_links(cursor, model, field, m2m_history_model, before: int, date) -> None:
    """Snapshot the links of the historical rows written after `before` (simple-history's
    `m2m_fields`: each historical row keeps the links its row had)."""
    through = field.remote_field.through
    owner = field.m2m_column_name()
    columns = [f.column for f in through._meta.concrete_fields]
    history_table = _qn(model.history.model._meta.db_table)
    pk = _qn(model._meta.pk.column)
    names = ", ".join(_qn(c) for c in columns)
    cursor.execute(
        f"INSERT INTO {_qn(m2m_history_model._meta.db_table)} ({names}, history_id) "
        f"SELECT {', '.join('t.' + _qn(c) for c in columns)}, h.history_id "
        f"FROM {_qn(through._meta.db_table)} t JOIN {history_table} h ON h.{pk} = t.{_qn(owner)} "
        "WHERE h.history_id > %s AND h.history_date = %s",
        [before, date],
    )
