"""Writes of study-level rows: optimistic locking, deletion, and all-or-nothing paste import.

Saves and deletes go through the one locking helper (`reviews.versioning`); every write here
retires the project's cached pages once it commits.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction

from reviews.project.revisions import changed
from reviews.versioning import delete_versioned, save_versioned

from .models import STUDY_DATA_FIELDS, OutcomeResult, StudyEffect
from .study_rows import Kind


def save_study_effect(
    effect: StudyEffect,
    *,
    expected_version: int | None,
    user: User | AnonymousUser,
) -> StudyEffect:
    """Create or update a validated row; refuse the update if the row moved on meanwhile."""
    if effect.pk is None:
        effect.entered_by = user if user.is_authenticated else None
    return save_versioned(effect, loaded_version=expected_version).instance


def delete_study_effect(effect: StudyEffect, *, expected_version: int | None) -> None:
    """Delete the row unless it changed since the page was opened (already gone: done)."""
    delete_versioned(effect, loaded_version=expected_version)


def set_reanalysis_method(result: OutcomeResult, method: str) -> None:
    """The method is an analysis setting, not an extracted figure: no version bump."""
    OutcomeResult.objects.filter(pk=result.pk).update(reanalysis_method=method)
    result.reanalysis_method = method
    changed(result.review.umbrella_id)


# -- paste / CSV import ------------------------------------------------------------------------

PASTE_COLUMNS = ("label", "kind", *STUDY_DATA_FIELDS)
KIND_ALIASES = {
    "binary": Kind.BINARY,
    "counts": Kind.BINARY,
    "continuous": Kind.CONTINUOUS,
    "means": Kind.CONTINUOUS,
    "estimate": Kind.ESTIMATE,
    "ci": Kind.ESTIMATE,
}
TEXT_FIELDS = {"reported_measure"}
INTEGER_FIELDS = {"events1", "n1", "events2", "n2"}


@dataclass(frozen=True)
class PasteResult:
    created: list[StudyEffect]
    errors: list[str]  # "row 3 (Smith 2001): events1: ..." — nothing saved when non-empty


def _infer_kind(header: list[str]) -> str:
    if "events1" in header:
        return Kind.BINARY
    if "mean1" in header:
        return Kind.CONTINUOUS
    return Kind.ESTIMATE


def _number(name: str, text: str) -> float | int | str | None:
    text = text.strip()
    if name in TEXT_FIELDS:  # a measure's code, checked by the row's rules
        return text.lower()
    if not text:
        return None
    value = float(text)  # ValueError names nothing; the caller adds the field
    if name in INTEGER_FIELDS:
        if value != int(value) or value < 0:
            raise ValueError("must be a whole number ≥ 0")
        return int(value)
    return value


def import_study_rows(
    result: OutcomeResult, text: str, *, user: User | AnonymousUser
) -> PasteResult:
    """Rows pasted as CSV (comma or tab separated) with a header naming the columns.

    Columns: label, optional kind (binary/continuous/estimate; inferred from the header when
    absent), then the fields of that kind (events1, n1, events2, n2 / mean1, sd1, n1, mean2,
    sd2, n2 / estimate with ci_low, ci_high or se, optional n1, n2 and reported_measure).
    Every row is validated like the form; any error
    and nothing is saved.
    """
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 2:
        return PasteResult([], ["Paste a header row and at least one data row."])
    delimiter = "\t" if "\t" in lines[0] else ","
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader)]
    unknown = [name for name in header if name not in PASTE_COLUMNS]
    if unknown or "label" not in header:
        problem = f"unknown column(s) {', '.join(unknown)}" if unknown else "no label column"
        return PasteResult([], [f"Header: {problem}. Columns: {', '.join(PASTE_COLUMNS)}."])
    default_kind = _infer_kind(header)
    existing = set(result.study_effects.values_list("label", flat=True))
    effects: list[StudyEffect] = []
    errors: list[str] = []
    seen: set[str] = set()
    for number, cells in enumerate(reader, start=2):
        values = dict(zip(header, cells, strict=False))
        label = values.get("label", "").strip()
        where = f"row {number} ({label or 'no label'})"
        if len(cells) != len(header):
            errors.append(f"{where}: {len(cells)} cells for {len(header)} columns.")
            continue
        kind = KIND_ALIASES.get(values.get("kind", "").strip().lower() or default_kind)
        if kind is None:
            errors.append(f"{where}: kind: use binary, continuous or estimate.")
            continue
        effect = StudyEffect(outcome_result=result, label=label, kind=kind)
        bad = False
        for name in STUDY_DATA_FIELDS:
            if name in values:
                try:
                    setattr(effect, name, _number(name, values[name]))
                except ValueError as error:
                    detail = str(error) if "whole" in str(error) else "not a number"
                    errors.append(f"{where}: {name}: {detail} ({values[name].strip()!r}).")
                    bad = True
        if bad:
            continue
        if label in seen or label in existing:
            errors.append(f"{where}: label: a study with this label is already entered.")
            continue
        seen.add(label)
        try:
            effect.full_clean(exclude=["study"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.extend(f"{where}: {name}: {message}" for message in messages)
            continue
        effects.append(effect)
    if errors:
        return PasteResult([], errors)
    with transaction.atomic():
        for effect in effects:
            effect.entered_by = user if user.is_authenticated else None
            save_versioned(effect, loaded_version=None)
    return PasteResult(effects, [])
