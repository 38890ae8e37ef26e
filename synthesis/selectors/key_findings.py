"""The key-findings page: one section per research question, composed from the recorded data.

Effectiveness reuses the evidence matrix (`evidence.evidence_matrix`) and its review counts, so
an outcome's category can never disagree with the evidence tables; implementation lists the
factors backed by most reviews per CFIR domain; experiences lists each theme with its
best-supported subthemes. Researchers add a narrative per section; the computed
parts stay computed.

The sections are kept per data revision (`cached_key_findings`): the page, the headlines of the
overview and home pages, the API and the releases' draft figures (`kept_with_effectiveness`)
read one computation. A release's frozen copy computes its own in the publish
(`with_effectiveness`), outside the cache.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count
from django.http import QueryDict

from reviews.models import (
    CfirDomain,
    ExperienceSubtheme,
    ExperienceTheme,
    ImplementationFactor,
    KeyFindingNarrative,
    ResearchQuestion,
    UmbrellaReview,
)
from reviews.project.revisions import cached_for_project
from reviews.registry.ratings import RATING_ORDER, rating_label, with_ratings

from ..findings import Finding
from ..models import OutcomeResult
from ..summary import Counts
from . import evidence
from .ratings import REVIEW_PATH

TOP_FACTORS = 3  # per domain (more when tied on the number of reviews)
TOP_SUBTHEMES = 5  # per theme

CONSISTENT_IMPROVEMENT = "Consistent improvement"
MIXED = "Mixed findings"
NO_EFFECT = "No evidence of an effect"
HARM = "Consistent harm"
CATEGORY_ORDER = [CONSISTENT_IMPROVEMENT, MIXED, NO_EFFECT, HARM]


def effect_category(meta: Counts, narrative: Counts) -> str:
    """Consistent when every review of the outcome (either evidence type) reports the same
    finding, improvement, no effect or harm; anything else, including 'mixed', is mixed."""
    reported = {
        finding for counts in (meta, narrative) for finding, n in counts.by_finding.items() if n
    }
    if reported == {Finding.IMPROVEMENT}:
        return CONSISTENT_IMPROVEMENT
    if reported == {Finding.NO_EFFECT}:
        return NO_EFFECT
    if reported == {Finding.HARM}:
        return HARM
    return MIXED


@dataclass(frozen=True)
class OutcomeFinding:
    outcome: object  # synthesis.models.Outcome
    domain: str
    category: str
    n_reviews: int
    ratings: list[tuple[str, int]]  # (rating label, reviews) best first
    summary: str


@dataclass(frozen=True)
class CategoryGroup:
    category: str
    outcomes: list[OutcomeFinding]


def effectiveness(umbrella: UmbrellaReview) -> list[CategoryGroup]:
    """Outcomes grouped by category, each with its number of reviews and their ratings."""
    results = OutcomeResult.objects.filter(review__umbrella=umbrella)
    results = with_ratings(results, review_path=REVIEW_PATH)
    facts = evidence.facts_by_outcome(results)
    groups: dict[str, list[OutcomeFinding]] = defaultdict(list)
    for domain in evidence.evidence_matrix(umbrella, results, QueryDict(), facts):
        for row in domain.rows:
            outcome_facts = facts[row.outcome.pk]
            rating_of = {fact.review: fact.rating for fact in outcome_facts}
            by_rating = Counter(rating_of.values())
            ratings = [(rating_label(r), by_rating[r]) for r in RATING_ORDER if by_rating[r]]
            if by_rating[""]:
                ratings.append((rating_label(""), by_rating[""]))
            category = effect_category(row.meta, row.narrative)
            groups[category].append(
                OutcomeFinding(
                    row.outcome, domain.domain.name, category, len(rating_of), ratings, row.summary
                )
            )
    return [
        CategoryGroup(
            category, sorted(groups[category], key=lambda o: (-o.n_reviews, str(o.outcome)))
        )
        for category in CATEGORY_ORDER
        if groups[category]
    ]


@dataclass(frozen=True)
class DomainHighlights:
    label: str
    factors: list[ImplementationFactor]  # annotated with n_reviews


def implementation(umbrella: UmbrellaReview) -> list[DomainHighlights]:
    """Per CFIR domain, the factors backed by most reviews (ties at the cut-off kept)."""
    factors = (
        ImplementationFactor.objects.filter(umbrella=umbrella)
        .annotate(n_reviews=Count("reviews"))
        .filter(n_reviews__gt=0)
        .order_by("-n_reviews", "position", "code")
    )
    # Factors annotated with `n_reviews`, which the model class does not declare.
    by_domain: dict[str, list[Any]] = defaultdict(list)
    for factor in factors:
        by_domain[factor.domain].append(factor)
    highlights = []
    for value, label in CfirDomain.choices:
        ranked = by_domain.get(value, [])
        if not ranked:
            continue
        cut = ranked[min(TOP_FACTORS, len(ranked)) - 1].n_reviews
        highlights.append(DomainHighlights(label, [f for f in ranked if f.n_reviews >= cut]))
    return highlights


@dataclass
class ThemeHighlights:
    theme: ExperienceTheme
    subthemes: list[ExperienceSubtheme] = field(default_factory=list)  # annotated n_reviews
    n_subthemes: int = 0

    @property
    def n_more(self) -> int:
        return self.n_subthemes - len(self.subthemes)


def experiences(umbrella: UmbrellaReview) -> list[ThemeHighlights]:
    """Each theme with its subthemes backed by most reviews."""
    themes = {t.pk: ThemeHighlights(t) for t in ExperienceTheme.objects.filter(umbrella=umbrella)}
    subthemes = (
        ExperienceSubtheme.objects.filter(theme__umbrella=umbrella)
        .annotate(n_reviews=Count("reviews"))
        .order_by("-n_reviews", "position", "code")
    )
    for subtheme in subthemes:
        highlight = themes[subtheme.theme_id]
        highlight.n_subthemes += 1
        if len(highlight.subthemes) < TOP_SUBTHEMES:
            highlight.subthemes.append(subtheme)
    return [h for h in themes.values() if h.n_subthemes]


@dataclass(frozen=True)
class Section:
    question: ResearchQuestion
    narrative: KeyFindingNarrative | None
    computed: object  # the kind's list above, or None for "other" questions


COMPOSERS: dict[str, Callable[[UmbrellaReview], object]] = {
    ResearchQuestion.Kind.EFFECTIVENESS: effectiveness,
    ResearchQuestion.Kind.IMPLEMENTATION: implementation,
    ResearchQuestion.Kind.EXPERIENCES: experiences,
}


def key_findings(umbrella: UmbrellaReview) -> list[Section]:
    narratives = {
        n.research_question_id: n for n in KeyFindingNarrative.objects.filter(umbrella=umbrella)
    }
    sections = []
    composed: dict[str, object] = {}  # per kind: two questions of one kind share the project's
    for question in ResearchQuestion.objects.filter(umbrella=umbrella).order_by("code"):
        composer = COMPOSERS.get(question.kind)
        if composer and question.kind not in composed:
            composed[question.kind] = composer(umbrella)
        sections.append(Section(question, narratives.get(question.pk), composed.get(question.kind)))
    return sections


def cached_key_findings(umbrella: UmbrellaReview) -> list[Section]:
    """`key_findings`, kept per data revision: the key-findings page and the headlines of the
    overview and home pages read the same sections, computed once."""
    return cached_for_project(umbrella, "key-findings", "", lambda: key_findings(umbrella))


def _effectiveness_of(sections: list[Section]) -> list[CategoryGroup] | None:
    """The grouping an effectiveness question's section holds (None: the project asks none)."""
    for section in sections:
        if section.question.kind == ResearchQuestion.Kind.EFFECTIVENESS:
            return cast(list[CategoryGroup], section.computed)
    return None


def with_effectiveness(umbrella: UmbrellaReview) -> tuple[list[Section], list[CategoryGroup]]:
    """The sections and the effectiveness grouping (a release's figures group outcomes whatever
    the questions), computed once: the effectiveness section's own when there is one."""
    sections = key_findings(umbrella)
    groups = _effectiveness_of(sections)
    return sections, effectiveness(umbrella) if groups is None else groups


def kept_with_effectiveness(umbrella: UmbrellaReview) -> tuple[list[Section], list[CategoryGroup]]:
    """`with_effectiveness` read from what the key-findings page keeps per data revision (so
    a warm page serves the releases' draft figures without a query of its own); a project with
    no effectiveness question keeps its grouping beside it."""
    sections = cached_key_findings(umbrella)
    groups = _effectiveness_of(sections)
    if groups is None:
        groups = cached_for_project(umbrella, "effectiveness", "", lambda: effectiveness(umbrella))
    return sections, groups
