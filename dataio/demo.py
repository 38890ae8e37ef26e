"""The demo loader: a JSON fixture (the peer-support model case) checked object by object and
saved in one transaction (`load_demo`)."""

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, transaction

from reviews.project.revisions import changed_everywhere
from reviews.versioning import advance, is_versioned

PEER_SUPPORT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "peer_support.json"


class FixtureError(Exception):
    """A fixture that cannot be loaded; the message lists every problem found."""


@dataclass(frozen=True)
class LoadReport:
    created: int
    updated: int
    unchanged: int
    by_model: dict[str, int]


def _snapshot(instance) -> tuple:
    """Field values of a row, many-to-many ids included, to tell an update from a no-op."""
    concrete = tuple(f.value_from_object(instance) for f in instance._meta.concrete_fields)
    many = tuple(
        frozenset(getattr(instance, f.name).values_list("pk", flat=True))
        for f in instance._meta.many_to_many
        if f.remote_field.through._meta.auto_created
    )
    return concrete + many


def _describe(deserialized) -> str:
    instance = deserialized.object
    key = instance.natural_key() if hasattr(instance, "natural_key") else instance.pk
    return f"{instance._meta.label} {key}"


def _stop_at_dangling_reference(objects, problems: list[str], name: str):
    """Stop at an object that refers to one already rejected, and say so, instead of crashing.

    Deserializing resolves natural keys as it goes, so an object pointing at a rejected row
    (say, an outcome result of a review with a bad year) cannot even be read.
    """
    try:
        yield from objects
    except DeserializationError as error:
        if not problems:
            raise
        problems.append(f"{name}: stopped at an object that refers to a rejected one ({error}).")


def load_fixture(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> LoadReport:
    """Validate every object of a JSON fixture, then save them all in one transaction.

    Unlike `loaddata`, each object goes through the model's full validation first, so a bad
    row is reported by object, field and reason, and nothing is written unless all are valid.
    Objects are matched on their natural keys: loading the same file twice changes nothing.
    """
    counts: Counter[str] = Counter()
    by_model: Counter[str] = Counter()
    problems: list[str] = []
    with transaction.atomic(using=using), path.open(encoding="utf-8") as handle:
        objects = _stop_at_dangling_reference(
            serializers.deserialize("json", handle, using=using), problems, path.name
        )
        for position, deserialized in enumerate(objects, start=1):
            instance = deserialized.object
            model = type(instance)
            existing = model._base_manager.filter(pk=instance.pk).first() if instance.pk else None
            # A row found by its natural key is an update: uniqueness checks must skip itself.
            instance._state.adding = existing is None
            try:
                instance.full_clean()
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        problems.append(
                            f"{path.name}, object {position} ({_describe(deserialized)}), "
                            f"field '{field}': {message}"
                        )
                continue
            versioned = is_versioned(model)
            if existing is not None and versioned:
                # A reload never moves a version back (forms opened since would pass again).
                instance.version = existing.version
            before = _snapshot(existing) if existing else None
            deserialized.save(using=using)
            if before is None:
                counts["created"] += 1
            elif before != _snapshot(model._base_manager.get(pk=instance.pk)):
                counts["updated"] += 1
                if versioned:
                    advance(model, instance.pk, loaded_version=None)
            else:
                counts["unchanged"] += 1
            by_model[instance._meta.label] += 1
        if problems:
            # Leaving the block by an exception rolls back whatever was saved before.
            raise FixtureError("\n".join(problems))
        changed_everywhere()  # the fixture may hold any project's rows: retire cached pages
    return LoadReport(
        created=counts["created"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        by_model=dict(by_model),
    )
