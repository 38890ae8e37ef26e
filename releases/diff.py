"""What changed between two releases, from their stored figures alone. No Django imports.

`diff(before, after)` compares two documents of `releases.figures.reader_figures` (plain JSON)
section by section: reviews added, removed or re-rated; per outcome the finding, the selected
meta-analysis, its pooled estimate and CI, certainty, credibility class and CCA; the project's
overlap; factors, subthemes, key-finding narratives and PRISMA counts. `change_log` words it as
the plain-language notes a release is published with (editable before publishing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ADDED, REMOVED, CHANGED = "added", "removed", "changed"

# The words a value is shown with, on the change page and in the change log.
LABELS = {
    "title": "title",
    "year": "year",
    "rating": "AMSTAR 2 rating",
    "outcome_domain": "domain",
    "category": "key-findings category",
    "reviews": "reviews",
    "meta_analyses": "meta-analyses",
    "summary": "finding",
    "selected_review": "selected meta-analysis",
    "measure": "measure",
    "estimate": "pooled estimate",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "k": "studies (k)",
    "n": "participants (n)",
    "grade_certainty": "GRADE certainty",
    "credibility": "credibility class",
    "n_studies": "primary studies",
    "n_inclusions": "inclusions",
    "cca_percent": "CCA (%)",
    "cca_band": "overlap band",
    "amstar2_rating": "selected review's AMSTAR 2 rating",
    "cca_adjusted_percent": "CCA adjusted (%)",
    "domain": "CFIR domain",
    "statement": "statement",
    "valence": "valence",
    "n_reviews": "reviews",
    "theme": "theme",
    "narrative": "narrative",
}

# Sections of keyed entries: (key in the figures, heading, singular noun).
KEYED_SECTIONS = (
    ("reviews", "Included reviews", "review"),
    ("outcomes", "Outcomes", "outcome"),
    ("factors", "Implementation factors", "factor"),
    ("themes", "Experience subthemes", "subtheme"),
)


@dataclass(frozen=True)
class Change:
    """One value, before and after (None: absent or not reported)."""

    field: str
    before: Any
    after: Any

    @property
    def label(self) -> str:
        return LABELS.get(self.field, self.field.replace("_", " "))


@dataclass(frozen=True)
class Entry:
    """A review, outcome, factor or subtheme that was added, removed or changed."""

    key: str
    status: str  # ADDED, REMOVED or CHANGED
    changes: tuple[Change, ...]  # for CHANGED: the values that differ; else every value


@dataclass(frozen=True)
class Section:
    name: str
    heading: str
    noun: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class ReleaseDiff:
    sections: tuple[Section, ...]
    overlap: tuple[Change, ...]
    key_findings: tuple[Change, ...]  # field: the research question's code
    prisma: tuple[Change, ...]  # field: the count's label

    @property
    def is_empty(self) -> bool:
        entries = any(s.entries for s in self.sections)
        return not (entries or self.overlap or self.key_findings or self.prisma)

    def section(self, name: str) -> Section:
        return next(s for s in self.sections if s.name == name)


ORDER = {name: position for position, name in enumerate(LABELS)}


def _same(before: Any, after: Any) -> bool:
    # Blank text and a missing value both read "not reported": no change between them.
    return before == after or (before in (None, "") and after in (None, ""))


def _order(name: str) -> tuple[int, str]:
    # LABELS' order, whatever order the stored figures come back in (PostgreSQL's jsonb
    # keeps keys sorted its own way, not as written).
    return (ORDER.get(name, len(ORDER)), name)


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[Change, ...]:
    names = sorted(before.keys() | after.keys(), key=_order)
    return tuple(
        Change(name, before.get(name), after.get(name))
        for name in names
        if not _same(before.get(name), after.get(name))
    )


def _entries(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[Entry, ...]:
    entries = []
    for key in sorted(before.keys() | after.keys()):
        if key not in before:
            entries.append(Entry(key, ADDED, _changes({}, after[key])))
        elif key not in after:
            entries.append(Entry(key, REMOVED, _changes(before[key], {})))
        elif changes := _changes(before[key], after[key]):
            entries.append(Entry(key, CHANGED, changes))
    return tuple(entries)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> ReleaseDiff:
    """The changes from the figures `before` to the figures `after`."""
    return ReleaseDiff(
        sections=tuple(
            Section(name, heading, noun, _entries(before.get(name, {}), after.get(name, {})))
            for name, heading, noun in KEYED_SECTIONS
        ),
        overlap=_changes(before.get("overlap", {}), after.get("overlap", {})),
        key_findings=_changes(before.get("key_findings", {}), after.get("key_findings", {})),
        prisma=_changes(before.get("prisma", {}), after.get("prisma", {})),
    )


def shown(value: Any) -> str:
    """A value as the change log writes it."""
    if value is None or value == "":
        return "not reported"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, str) and " " in value:
        return f"“{value}”"  # a sentence or a label of several words, quoted
    return str(value)


def _moves(changes: tuple[Change, ...]) -> str:
    return "; ".join(f"{c.label} {shown(c.before)} → {shown(c.after)}" for c in changes)


def change_log(changes: ReleaseDiff) -> str:
    """The change in plain language, one line per change ("No changes." if none)."""
    lines = []
    for section in changes.sections:
        for status in (ADDED, REMOVED):
            keys = [e.key for e in section.entries if e.status == status]
            if keys:
                lines.append(f"{section.noun.capitalize()}s {status}: {', '.join(keys)}.")
        for entry in section.entries:
            if entry.status == CHANGED:
                lines.append(f"{section.noun.capitalize()} {entry.key}: {_moves(entry.changes)}.")
    if changes.overlap:
        lines.append(f"Overlap of primary studies: {_moves(changes.overlap)}.")
    for change in changes.key_findings:
        lines.append(f"Key-findings narrative of research question {change.field} was revised.")
    if changes.prisma:
        lines.append(f"PRISMA counts: {_moves(changes.prisma)}.")
    return "\n".join(f"- {line}" for line in lines) if lines else "No changes."
