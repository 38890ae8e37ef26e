"""The one rule by which a background job (an import, a publish) moves from state to state.

A job's row is shared by the page that started it, the owner who may cancel it and the task
worker that runs it — perhaps twice, after a worker died. Each move is one conditional UPDATE
(`… SET status = <new> WHERE pk = … AND status IN <expected>`), so when two of them race, the
database decides: one updates the row, the other updates nothing and learns it lost. Reading
the state first and writing it afterwards would let both win. Used by `dataio.jobs`
(`ImportJob`) and `releases.jobs` (`PublishJob`); any model with a `status` field fits.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypeVar

from django.db import models

J = TypeVar("J", bound=models.Model)


def move(job: J, expected: Collection[str], status: str, **fields: Any) -> bool:
    """Move `job` to `status`, writing `fields` with it, if its row is still in one of the
    `expected` states; False (and nothing written) when someone else moved it first.

    After a move the job in hand shows the row as written: the new values are copied onto it,
    or, when one is computed by the database (an expression such as `F()` or `Now()`), the
    row is read again."""
    rows = type(job)._default_manager.filter(pk=job.pk, status__in=list(expected))
    if not rows.update(status=status, **fields):
        return False
    if any(hasattr(value, "resolve_expression") for value in fields.values()):
        job.refresh_from_db()
        return True
    for name, value in {"status": status, **fields}.items():
        setattr(job, name, value)
    return True
