"""The two extractions of a review side by side: rows matched by outcome, timepoint and
effect measure, each value compared, and the agreement figures over the matched pairs.

Rows that match on the outcome but not on the timepoint or measure are left unmatched on both
sides, each with a hint naming the other, so the reconciler decides whether they are one
result read two ways (reconcile them together) or two results. An unmatched row is shown as
"only in extraction 1/2" with its values, not compared value by value (it has nothing to be
compared with), and the agreement figures count matched pairs only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import models

from ..models import ENTERED_FIELDS, NUMBER_FIELDS, ExtractedResult, OutcomeResult
from .agreement import FieldAgreement, field_agreement, overall_percent, values_agree

MATCH_ON = ("outcome", "timepoint", "measure")


def _field(name: str) -> models.Field[Any, Any]:
    return cast(models.Field[Any, Any], OutcomeResult._meta.get_field(name))


# Free text is compared and shown, but left out of the agreement figures: two wordings of one
# note do not disagree on the data.
TEXT_FIELDS = [
    name
    for name in ENTERED_FIELDS
    if isinstance(_field(name), models.CharField | models.TextField) and not _field(name).choices
]
CATEGORICAL_FIELDS = [
    name for name in ENTERED_FIELDS if name not in NUMBER_FIELDS and name not in TEXT_FIELDS
]
AGREEMENT_FIELDS = [n for n in ENTERED_FIELDS if n not in TEXT_FIELDS and n not in MATCH_ON]


def _label(name: str) -> str:
    return str(_field(name).verbose_name)


def shown(row: ExtractedResult | None, name: str) -> str:
    """A value as the comparison prints it: choices by label, numbers without trailing zeros."""
    if row is None:
        return ""
    value = getattr(row, name)
    if value is None or value == "":
        return "–"
    if name == "outcome":
        return str(value)
    display = getattr(row, f"get_{name}_display", None)
    if display is not None:
        return str(display())
    return f"{value:g}" if isinstance(value, float) else str(value)


def _raw(row: ExtractedResult, name: str) -> Any:
    return getattr(row, f"{name}_id") if name == "outcome" else getattr(row, name)


@dataclass(frozen=True)
class Cell:
    name: str
    label: str
    first: str
    second: str
    agree: bool


@dataclass
class Pair:
    """A matched pair, or one row left unmatched (the other side None)."""

    first: ExtractedResult | None
    second: ExtractedResult | None
    cells: list[Cell] = field(default_factory=list)  # a matched pair's values, compared
    hint: ExtractedResult | None = None  # the other side's row of the same outcome, unmatched

    @property
    def matched(self) -> bool:
        return self.first is not None and self.second is not None

    @property
    def only_in(self) -> int | None:
        """The extraction (1 or 2) an unmatched row comes from; None for a matched pair."""
        if self.matched:
            return None
        return 1 if self.first is not None else 2

    @property
    def entered(self) -> list[tuple[str, str]]:
        """An unmatched row's values as (label, value), the blank ones left out."""
        if self.matched:
            return []
        row = self.rows[0]
        values = ((_label(name), shown(row, name)) for name in ENTERED_FIELDS)
        return [(label, value) for label, value in values if value != "–"]

    @property
    def differences(self) -> list[Cell]:
        return [cell for cell in self.cells if not cell.agree]

    @property
    def rows(self) -> list[ExtractedResult]:
        return [row for row in (self.first, self.second) if row is not None]

    @property
    def final(self) -> OutcomeResult | None:
        finals = {row.final_id for row in self.rows}
        return self.rows[0].final if len(finals) == 1 and None not in finals else None


def cells(first: ExtractedResult | None, second: ExtractedResult | None) -> list[Cell]:
    """Every entered value of the pair; a value of one side only never agrees."""
    out = []
    for name in ENTERED_FIELDS:
        agree = (
            first is not None
            and second is not None
            and values_agree(_raw(first, name), _raw(second, name), numeric=name in NUMBER_FIELDS)
        )
        out.append(Cell(name, _label(name), shown(first, name), shown(second, name), agree))
    return out


def _key(row: ExtractedResult) -> tuple[Any, ...]:
    return tuple(_raw(row, name) for name in MATCH_ON)


def match(first: Sequence[ExtractedResult], second: Sequence[ExtractedResult]) -> list[Pair]:
    """Pairs in the first extraction's order (equal keys paired in order of entry), then the
    second's unmatched rows; unmatched rows of one outcome on both sides hint at each other."""
    waiting: dict[tuple[Any, ...], list[ExtractedResult]] = {}
    for row in second:
        waiting.setdefault(_key(row), []).append(row)
    pairs = []
    for row in first:
        partners = waiting.get(_key(row))
        pairs.append(Pair(row, partners.pop(0) if partners else None))
    pairs += [Pair(None, row) for rows in waiting.values() for row in rows]
    lonely_first = [p.first for p in pairs if p.second is None and p.first is not None]
    lonely_second = [p.second for p in pairs if p.first is None and p.second is not None]
    for pair in pairs:
        if pair.matched:
            pair.cells = cells(pair.first, pair.second)
        else:
            own = pair.rows[0]
            others = lonely_second if pair.first is not None else lonely_first
            pair.hint = next((o for o in others if o.outcome_id == own.outcome_id), None)
    return pairs


@dataclass(frozen=True)
class ExtractionAgreement:
    n_pairs: int  # matched pairs the figures are over
    n_unmatched: int  # rows of either side left unmatched
    fields: list[FieldAgreement]
    percent: float | None  # all compared values pooled

    @property
    def categorical(self) -> list[FieldAgreement]:
        return [f for f in self.fields if not f.numeric and f.n_pairs]

    @property
    def numbers(self) -> list[FieldAgreement]:
        return [f for f in self.fields if f.numeric and f.n_pairs]


def agreement(pairs: Iterable[Pair]) -> ExtractionAgreement:
    """Per value: percent agreement and (categorical) Cohen's kappa over the matched pairs."""
    pairs = list(pairs)
    matched = [(p.first, p.second) for p in pairs if p.first is not None and p.second is not None]
    fields = [
        field_agreement(
            name,
            _label(name),
            [(_raw(a, name), _raw(b, name)) for a, b in matched],
            numeric=name in NUMBER_FIELDS,
        )
        for name in AGREEMENT_FIELDS
    ]
    return ExtractionAgreement(
        n_pairs=len(matched),
        n_unmatched=sum(1 for p in pairs if not p.matched),
        fields=fields,
        percent=overall_percent(fields),
    )


def project_agreement(rows: Iterable[ExtractedResult]) -> tuple[ExtractionAgreement, int]:
    """Agreement pooled over the reviews whose two extractions are both submitted, from the
    project's extracted rows (extraction and outcome loaded); with how many reviews."""
    by_review: dict[int, dict[str, list[ExtractedResult]]] = {}
    submitted: dict[int, set[str]] = {}
    for row in rows:
        review = row.extraction.review_id
        by_review.setdefault(review, {"first": [], "second": []})[row.extraction.slot].append(row)
        if row.extraction.status == "submitted":
            submitted.setdefault(review, set()).add(row.extraction.slot)
    pairs = [
        pair
        for review, sides in by_review.items()
        if len(submitted.get(review, ())) == 2
        for pair in match(sides["first"], sides["second"])
    ]
    n_reviews = sum(1 for review in by_review if len(submitted.get(review, ())) == 2)
    return agreement(pairs), n_reviews
