"""Bulk inserts for the synthetic generators: no per-row saves, a few thousand rows a statement."""

from typing import TypeVar

from django.db import models

BATCH = 5_000  # rows per INSERT (and per UPDATE of `bulk_update`)

M = TypeVar("M", bound=models.Model)


def bulk(model: type[M], objects: list[M]) -> list[M]:
    """Insert the rows in batches; returns them with their primary keys."""
    return model._default_manager.bulk_create(objects, batch_size=BATCH)
