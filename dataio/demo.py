"""The demo loader: a JSON fixture (the peer-support model case) checked object by object and
saved in one transaction (`load_fixture`, behind `manage.py load_demo`).

It keeps the audit trail: a row it creates gets its first version ("demo fixture load"), so a
later edit shows what it changed and can be restored. Loading again leaves rows that already
exist alone — edits made on the site since are kept, and `make run`, which loads on every
start, writes nothing — unless asked to `update`: then rows that differ from the fixture are
reset to it, each with a version recorded ("demo fixture reload"). A row that exists without
any history (loaded by `loaddata`, or before the loader kept it) gets its first version once.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from reviews.project.revisions import changed_everywhere
from reviews.versioning import advance, is_versioned

from .workbook.bulk import record_history

PEER_SUPPORT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "peer_support.json"
LOAD_REASON = "demo fixture load"
RELOAD_REASON = "demo fixture reload"


class FixtureError(Exception):
    """A fixture that cannot be loaded; the message lists every problem found."""


@dataclass(frozen=True)
class LoadReport:
    created: int
    updated: int
    unchanged: int
    by_model: dict[str, int]
    differing: int = 0  # rows that differ from the fixture, left as they are (no update)


def _differs(existing, deserialized, given: set[str]) -> bool:
    """Does the stored row differ from the fixture's object in a value the fixture gives?

    Only the fields the fixture names count: the others (its version, timestamps) keep
    what the database has either way.
    """
    instance = deserialized.object
    for field in instance._meta.concrete_fields:
        if field.name in given and field.value_from_object(instance) != field.value_from_object(
            existing
        ):
            return True
    for name, wanted in (deserialized.m2m_data or {}).items():
        stored = getattr(existing, name).values_list("pk", flat=True)
        if {int(pk) for pk in wanted} != set(stored):
            return True
    return False


def _recorded(model, pks: list) -> set:
    """Those of `pks` that have a version in their history already."""
    history = getattr(model, "history", None)
    if history is None:
        return set(pks)
    return set(history.filter(id__in=pks).values_list("id", flat=True).distinct())


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


def load_fixture(path: Path, *, update: bool = False, using: str = DEFAULT_DB_ALIAS) -> LoadReport:
    """Validate the fixture's new (with `update`, also its changed) objects, then save them
    all in one transaction, each with a version in its history.

    Unlike `loaddata`, each object written goes through the model's full validation first, so
    a bad row is reported by object, field and reason, and nothing is written unless all are
    valid. Objects are matched on their natural keys: a row that exists is left as it is
    (counted unchanged, or differing) unless `update` is set.
    """
    counts: Counter[str] = Counter()
    by_model: Counter[str] = Counter()
    problems: list[str] = []
    written: dict[tuple[type, str], list] = defaultdict(list)  # (model, "+"/"~") → pks
    kept: dict[type, list] = defaultdict(list)  # rows that exist, left as they are
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FixtureError(f"{path.name} is not a JSON fixture: {error}") from None
    with transaction.atomic(using=using):
        objects = _stop_at_dangling_reference(
            serializers.deserialize("python", raw, using=using), problems, path.name
        )
        for position, deserialized in enumerate(objects, start=1):
            instance = deserialized.object
            model = type(instance)
            by_model[instance._meta.label] += 1
            existing = model._base_manager.filter(pk=instance.pk).first() if instance.pk else None
            if existing is not None:
                if not _differs(existing, deserialized, set(raw[position - 1]["fields"])):
                    counts["unchanged"] += 1
                    kept[model].append(instance.pk)
                    continue
                if not update:
                    counts["differing"] += 1  # edited since it was loaded: left alone
                    kept[model].append(instance.pk)
                    continue
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
            if existing is not None and is_versioned(model):
                # A reload never moves a version back (forms opened since would pass again).
                instance.version = existing.version
            deserialized.save(using=using)
            if existing is None:
                counts["created"] += 1
                written[(model, "+")].append(instance.pk)
            else:
                counts["updated"] += 1
                if is_versioned(model):
                    advance(model, instance.pk, loaded_version=None)
                written[(model, "~")].append(instance.pk)
        if problems:
            # Leaving the block by an exception rolls back whatever was saved before.
            raise FixtureError("\n".join(problems))
        # Raw fixture saves send no history; each row written gets its version here, as
        # stored (links included), dated now, by nobody ("an import or the system").
        when = timezone.now()
        for (model, kind), pks in written.items():
            reason = LOAD_REASON if kind == "+" else RELOAD_REASON
            record_history(model, pks, history_type=kind, when=when, user_id=None, reason=reason)
        # Rows loaded before the loader kept history (or by `loaddata`) get their first
        # version now, once: a later edit then shows what it changed and can be undone.
        for model, pks in kept.items():
            missing = set(pks) - _recorded(model, pks)
            record_history(
                model, missing, history_type="+", when=when, user_id=None, reason=LOAD_REASON
            )
        if written:
            changed_everywhere()  # the fixture may hold any project's rows: retire cached pages
    return LoadReport(
        created=counts["created"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        by_model=dict(by_model),
        differing=counts["differing"],
    )
