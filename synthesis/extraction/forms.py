"""The extractor's form for one extracted row (the outcome result's form on another model),
and the reconciler's form for the final result, prefilled with what the two agree on."""

from __future__ import annotations

from typing import Any

from ..forms import OutcomeResultForm
from ..models import ExtractedResult, Extraction
from .compare import Pair


class ExtractedResultForm(OutcomeResultForm):
    class Meta(OutcomeResultForm.Meta):
        model = ExtractedResult  # type: ignore[assignment]  # the same fields, another model

    def __init__(self, *args: Any, extraction: Extraction, **kwargs: Any) -> None:
        super().__init__(
            *args, umbrella=extraction.review.umbrella, review=extraction.review, **kwargs
        )
        self.instance.extraction = extraction


def agreed_initial(pair: Pair) -> dict[str, Any]:
    """The values both extractors entered alike (or the one extractor's, for a lone row)."""
    rows = pair.rows
    initial: dict[str, Any] = {}
    for cell in pair.cells:
        if pair.matched and not cell.agree:
            continue
        name = cell.name
        value = getattr(rows[0], f"{name}_id" if name == "outcome" else name)
        if value not in (None, ""):
            initial[name] = value
    return initial


class ReconcileForm(OutcomeResultForm):
    """The final result. Each field says what the two extractors entered; the values they
    disagree on start blank, so each is decided rather than taken over unseen."""

    def __init__(self, *args: Any, pair: Pair, **kwargs: Any) -> None:
        new = kwargs["instance"].pk is None
        if new:
            kwargs["initial"] = agreed_initial(pair)
        super().__init__(*args, **kwargs)
        for cell in pair.cells:
            field = self.fields[cell.name]
            if new and pair.matched and not cell.agree:
                # Not the model's default either: the reconciler picks each differing value.
                self.initial[cell.name] = None
                choices = getattr(field, "choices", None)
                if choices is not None and not any(value == "" for value, _ in choices):
                    # A ChoiceField (it has choices), typed as plain Field by the stubs.
                    field.choices = [("", "— decide —"), *choices]  # type: ignore[attr-defined]
            if pair.matched:
                field.help_text = (
                    f"Both: {cell.first}"
                    if cell.agree
                    else f"Differ – extraction 1: {cell.first}; extraction 2: {cell.second}"
                )
            else:
                field.help_text = f"Extracted: {cell.first or cell.second}"


def parse_rows(text: str) -> list[tuple[int, int]]:
    """'12:3,14:1' (row id: the version the reconciler saw) → [(12, 3), (14, 1)]."""
    out = []
    for part in text.split(","):
        pk, _, version = part.partition(":")
        if not (pk.isdigit() and version.isdigit()) or len(pk) > 9 or len(version) > 9:
            raise ValueError(f"Not a row and version: {part!r}.")
        out.append((int(pk), int(version)))
    return out
