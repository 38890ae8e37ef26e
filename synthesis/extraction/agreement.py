"""Agreement between two extractors over the results both extracted. No Django imports.

- A **categorical** value (evidence type, comparator, model, GRADE, finding) gets the percent
  agreement and Cohen's kappa (Cohen 1960), the one implementation in `appraisal.amstar2`.
- A **number** gets the exact-match rate *within rounding*: two printed figures agree when
  they are equal once both are rounded (half up) to the fewer decimals either was printed
  with, so 0.86 and 0.855 agree (both 0.86), 0.5 and 0.53 agree (both 0.5), 0.86 and 0.87 do
  not. Decimals are read as `synthesis.findings.decimals_of` reads them.

Pairs where neither extractor entered the value are left out (they say nothing); a value one
extractor entered and the other left blank is a disagreement. Formulas: docs/extraction.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from appraisal.amstar2 import cohens_kappa, percent_agreement

from ..findings import decimals_of

Value = str | float | int | None


def _blank(value: Value) -> bool:
    return value is None or value == ""


def numbers_agree(a: float, b: float) -> bool:
    """Equal after rounding both to the fewer decimals printed (half up)."""
    places = Decimal(1).scaleb(-min(decimals_of(a), decimals_of(b)))
    return Decimal(str(a)).quantize(places, ROUND_HALF_UP) == Decimal(str(b)).quantize(
        places, ROUND_HALF_UP
    )


def values_agree(a: Value, b: Value, *, numeric: bool) -> bool:
    """One value as the two extractors entered it: blank agrees only with blank."""
    if _blank(a) or _blank(b):
        return _blank(a) and _blank(b)
    if numeric:  # a numeric field's values are numbers (Value also covers the text fields')
        return numbers_agree(float(a), float(b))  # type: ignore[arg-type]
    return a == b


@dataclass(frozen=True)
class FieldAgreement:
    """One value's agreement over the matched pairs that have it."""

    name: str
    label: str
    numeric: bool
    n_pairs: int
    percent: float | None  # None when no pair has the value
    kappa: float | None  # categorical values only; None when undefined (one category only)


def field_agreement(
    name: str, label: str, pairs: Sequence[tuple[Value, Value]], *, numeric: bool
) -> FieldAgreement:
    """Percent agreement (and, for a categorical value, Cohen's kappa) over `pairs`."""
    entered = [(a, b) for a, b in pairs if not (_blank(a) and _blank(b))]
    if not entered:
        return FieldAgreement(name, label, numeric, 0, None, None)
    if numeric:
        agreed = sum(values_agree(a, b, numeric=True) for a, b in entered)
        return FieldAgreement(name, label, numeric, len(entered), 100 * agreed / len(entered), None)
    first = ["" if _blank(a) else str(a) for a, _ in entered]
    second = ["" if _blank(b) else str(b) for _, b in entered]
    return FieldAgreement(
        name,
        label,
        numeric,
        len(entered),
        percent_agreement(first, second),
        cohens_kappa(first, second),
    )


def overall_percent(fields: Sequence[FieldAgreement]) -> float | None:
    """Per cent of all compared values that agree, pooled over the fields (weighted by pairs)."""
    total = sum(f.n_pairs for f in fields if f.percent is not None)
    if not total:
        return None
    return sum(f.percent * f.n_pairs for f in fields if f.percent is not None) / total
