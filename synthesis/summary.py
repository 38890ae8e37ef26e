"""Counts and summary sentences over extracted findings. Pure Python, no Django imports.

The unit counted is the *review*, not the row: a review with two rows for one outcome (say,
post-intervention and follow-up) counts once per finding it reports, and once in the total.
That is how the model case counts ("5 of 7 meta-analyses found an improvement"), so the rules
here reproduce the umbrella paper's statements from the rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from .findings import EvidenceType, Finding

HIGH_OR_MODERATE = frozenset({"high", "moderate"})
FINDING_ORDER = (Finding.IMPROVEMENT, Finding.NO_EFFECT, Finding.MIXED, Finding.HARM)


@dataclass(frozen=True)
class Fact:
    """One row reduced to what counting needs; `review` is any key naming the review."""

    review: Hashable
    evidence_type: str
    finding: str
    rating: str = ""


@dataclass(frozen=True)
class Counts:
    """Distinct reviews per finding, and in total, for one evidence type."""

    total: int
    by_finding: dict[str, int]

    def __getitem__(self, finding: str) -> int:
        return self.by_finding.get(finding, 0)


def count_reviews(facts: Iterable[Fact], evidence_type: str) -> Counts:
    reviews: set[Hashable] = set()
    by_finding: dict[str, set[Hashable]] = defaultdict(set)
    for fact in facts:
        if fact.evidence_type != evidence_type:
            continue
        reviews.add(fact.review)
        by_finding[fact.finding].add(fact.review)
    return Counts(
        total=len(reviews),
        by_finding={finding: len(by_finding[finding]) for finding in FINDING_ORDER},
    )


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _sentence(facts: Sequence[Fact], evidence_type: str) -> str:
    counts = count_reviews(facts, evidence_type)
    if not counts.total:
        return ""
    if evidence_type == EvidenceType.META_ANALYSIS:
        noun = _plural(counts.total, "meta-analysis", "meta-analyses")
        verb = "found"
    else:
        noun = _plural(counts.total, "narrative synthesis", "narrative syntheses")
        verb = "reported"
    improved = counts[Finding.IMPROVEMENT]
    text = f"{improved} of {counts.total} {noun} {verb} an improvement"
    if improved:
        strong = {
            f.review
            for f in facts
            if f.evidence_type == evidence_type
            and f.finding == Finding.IMPROVEMENT
            and f.rating in HIGH_OR_MODERATE
        }
        if strong:
            text += f"; {len(strong)} from a review rated high or moderate"
        else:
            text += "; none from a review rated high or moderate"
    if counts[Finding.HARM]:
        text += f"; {counts[Finding.HARM]} {verb} harm"
    return text


def summary_sentence(facts: Sequence[Fact]) -> str:
    """'5 of 7 meta-analyses found an improvement; none from a review rated high or moderate.'

    One clause for meta-analyses, one for narrative syntheses, each only when there are any.
    """
    parts = [
        _sentence(facts, evidence_type)
        for evidence_type in (EvidenceType.META_ANALYSIS, EvidenceType.NARRATIVE)
    ]
    parts = [part for part in parts if part]
    if not parts:
        return "No results recorded."
    return ". ".join(part[0].upper() + part[1:] for part in parts) + "."


def predominant_finding(facts: Iterable[Fact]) -> Finding | None:
    """The finding most reviews report; a tie between different findings counts as 'mixed'."""
    by_finding: dict[str, set[Hashable]] = defaultdict(set)
    for fact in facts:
        by_finding[fact.finding].add(fact.review)
    if not by_finding:
        return None
    top = max(len(reviews) for reviews in by_finding.values())
    leaders = [Finding(f) for f in FINDING_ORDER if len(by_finding.get(f, ())) == top]
    return leaders[0] if len(leaders) == 1 else Finding.MIXED
