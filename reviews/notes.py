"""Public notes and internal notes: which parts of a note readers may see. No Django imports.

Curators' notes about where a value was found in their working files ("seed.txt line 149")
are for the project's members only; readers see the rest. Used by the migrations that moved the
existing notes (reviews 0011, synthesis 0008) and by scripts/build_peer_support_fixture.py, so
the fixture and a migrated database agree (`load_demo` reports nothing changed).
"""

import re
from typing import Any

# A mention of the curators' working files: the seed extract, a text file, a line number.
INTERNAL = re.compile(r"\bseed\b|\.txt\b|\bline \d", re.IGNORECASE)
# A parenthesis that mentions them, e.g. "Results (seed line 123)".
_PARENTHESIS = re.compile(r"\s*\(([^()]*)\)")
# Sentence ends (full stop or semicolon before a capital or digit), not after "et al." or "i.e.".
_SENTENCE_END = re.compile(r"(?<!al\.)(?<!e\.g\.)(?<!i\.e\.)(?<=[.;])\s+(?=[A-Z0-9])")


def split_note(text: str) -> tuple[str, str]:
    """(public, internal): parentheses and then sentences that mention working files move to
    the internal part; the rest stays public, word for word."""
    internal: list[str] = []

    def take(match: re.Match[str]) -> str:
        if INTERNAL.search(match.group(1)):
            internal.append(match.group(1).strip())
            return ""
        return match.group(0)

    public: list[str] = []
    for sentence in _SENTENCE_END.split(_PARENTHESIS.sub(take, text).strip()):
        (internal if INTERNAL.search(sentence) else public).append(sentence)
    kept = " ".join(public)
    if kept.endswith(";"):
        kept = kept[:-1] + "."
    return kept, " ".join(internal)


def join_notes(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def split_internal_notes(apps: Any, app_label: str, moved: dict[str, list[str]]) -> None:
    """For a data migration: in each model of `moved` (name → fields), the internal parts of
    those fields move to the model's `internal_note` (`apps` is the migration's app registry)."""
    for model_name, fields in moved.items():
        for row in apps.get_model(app_label, model_name).objects.all():
            parts = [split_note(getattr(row, field)) for field in fields]
            if not any(internal for _, internal in parts):
                continue
            for field, (public, _) in zip(fields, parts, strict=True):
                setattr(row, field, public)
            row.internal_note = join_notes(row.internal_note, *(internal for _, internal in parts))
            row.save(update_fields=[*fields, "internal_note"])
