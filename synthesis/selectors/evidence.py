"""Read models of the evidence pages: the overview matrix, per-outcome groups, map cells.

Each function takes an already filtered queryset of results and reads it in a fixed number of
queries (one for the facts, one or two for labels), however many rows there are.
"""

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import QueryDict

from reviews.models import IncludedReview, Population, UmbrellaReview

from ..findings import EvidenceType, Finding
from ..models import Outcome, OutcomeDomain, OutcomeResult, Timepoint
from ..plots import MapCell, evidence_map
from ..summary import FINDING_ORDER, Counts, Fact, count_reviews, predominant_finding
from ..summary import summary_sentence as sentence
from .ratings import RATING

TIMEPOINT_ORDER = [Timepoint.POST, Timepoint.FOLLOW_UP, Timepoint.NOT_SPECIFIED]
FINDING_LABELS = {Finding.IMPROVEMENT: "Improvement", Finding.NO_EFFECT: "No effect",
                  Finding.MIXED: "Mixed", Finding.HARM: "Harm"}  # fmt: skip
EVIDENCE_LABELS = {EvidenceType.META_ANALYSIS: "Meta-analyses",
                   EvidenceType.NARRATIVE: "Narrative syntheses"}  # fmt: skip


def facts_by_outcome(results: QuerySet[OutcomeResult]) -> dict[int, list[Fact]]:
    """One query: every filtered row as a Fact (one per row), grouped by outcome id."""
    # The pk keeps a filter's DISTINCT from folding two rows into one fact.
    rows = results.order_by().values_list(
        "pk", "outcome_id", "review_id", "evidence_type", "finding", RATING
    )
    grouped: dict[int, list[Fact]] = defaultdict(list)
    for _, outcome_id, review_id, evidence_type, finding, rating in rows:
        grouped[outcome_id].append(Fact(review_id, evidence_type, finding, rating))
    return grouped


@dataclass(frozen=True)
class Cell:
    evidence_type: str
    finding: str
    count: int
    url: str

    @property
    def label(self) -> str:
        return FINDING_LABELS[Finding(self.finding)]


@dataclass(frozen=True)
class MatrixRow:
    outcome: Outcome
    meta: Counts
    narrative: Counts
    cells: list[Cell]
    summary: str


@dataclass(frozen=True)
class DomainGroup:
    domain: OutcomeDomain
    rows: list[MatrixRow]


def _query_without(query: QueryDict, *names: str) -> list[tuple[str, str]]:
    return [
        (key, value) for key in query if key not in names for value in query.getlist(key) if value
    ]


def evidence_matrix(
    umbrella: UmbrellaReview,
    results: QuerySet[OutcomeResult],
    query: QueryDict,
    facts: dict[int, list[Fact]] | None = None,
) -> list[DomainGroup]:
    """Outcomes by domain × counts of reviews per finding, meta-analytic and narrative apart.

    `query` holds the active filters (a QueryDict's lists); each cell links to the outcome's
    table filtered on the cell's evidence type and finding, keeping the other filters.
    `facts` (`facts_by_outcome(results)`) saves reading the rows again when the caller has them.
    """
    facts = facts_by_outcome(results) if facts is None else facts
    outcomes = Outcome.objects.filter(umbrella=umbrella, pk__in=facts).select_related(
        "domain", "umbrella"
    )
    keep = _query_without(query, "outcome", "finding", "evidence_type", "sort", "page")
    groups: dict[int, DomainGroup] = {}
    for outcome in outcomes:
        outcome_facts = facts[outcome.pk]
        by_type = {t: count_reviews(outcome_facts, t) for t in EVIDENCE_LABELS}
        cells = []
        for evidence_type, counts in by_type.items():
            for finding in FINDING_ORDER:
                params = [*keep, ("evidence_type", evidence_type), ("finding", finding)]
                url = f"{outcome.get_absolute_url()}?{urlencode(params)}"
                cells.append(Cell(evidence_type, finding, counts[finding], url))
        group = groups.setdefault(outcome.domain_id, DomainGroup(outcome.domain, []))
        group.rows.append(
            MatrixRow(
                outcome=outcome,
                meta=by_type[EvidenceType.META_ANALYSIS],
                narrative=by_type[EvidenceType.NARRATIVE],
                cells=cells,
                summary=sentence(outcome_facts),
            )
        )
    return sorted(groups.values(), key=lambda g: (g.domain.position, g.domain.name))


def summary_sentence(results: QuerySet[OutcomeResult]) -> str:
    facts = [fact for group in facts_by_outcome(results).values() for fact in group]
    return sentence(facts)


def ordered_results(results: QuerySet[OutcomeResult]) -> QuerySet[OutcomeResult]:
    """Rows with everything a table shows, in two queries at most."""
    return results.select_related(
        "review__umbrella", "outcome__umbrella", "outcome__domain", "checked_by"
    )


def table_order(results: QuerySet[OutcomeResult]) -> QuerySet[OutcomeResult]:
    """`ordered_results` in table order, so that pages can be cut in SQL: timepoint groups in
    TIMEPOINT_ORDER, inside each the filter's sort (by default the review's label), then pk."""
    sort = list(results.query.order_by) or ["review__label"]
    return (
        ordered_results(results)
        .order_by(timepoint_rank(), *sort, "pk")
        .prefetch_related("study_effects")
    )


def timepoint_rank() -> Case:
    whens = [When(timepoint=t, then=Value(i)) for i, t in enumerate(TIMEPOINT_ORDER)]
    return Case(*whens, default=Value(len(TIMEPOINT_ORDER)), output_field=IntegerField())


@dataclass(frozen=True)
class TimepointGroup:
    label: str
    results: list[OutcomeResult]


def group_by_timepoint(results: list[OutcomeResult]) -> list[TimepointGroup]:
    """Keep the table's sort order inside each timepoint group; groups in TIMEPOINT_ORDER."""
    grouped: dict[str, list[OutcomeResult]] = defaultdict(list)
    for result in results:
        grouped[result.timepoint].append(result)
    return [
        TimepointGroup(Timepoint(t).label, grouped[t]) for t in TIMEPOINT_ORDER if grouped.get(t)
    ]


def map_cells(
    umbrella: UmbrellaReview,
    results: QuerySet[OutcomeResult],
    facts: dict[int, list[Fact]] | None = None,
) -> list[MapCell]:
    """Outcomes × review population categories: reviews per cell and their predominant finding.

    A review counts in every population category it covers (a review may cover several).
    """
    facts = facts_by_outcome(results) if facts is None else facts
    links = IncludedReview.populations.through.objects.filter(
        includedreview__umbrella=umbrella
    ).values_list("includedreview_id", "population_id")
    populations_of: dict[Hashable, list[int]] = defaultdict(list)
    for review_id, population_id in links:
        populations_of[review_id].append(population_id)
    population_names = dict(Population.objects.filter(umbrella=umbrella).values_list("pk", "name"))
    outcome_names = dict(Outcome.objects.filter(pk__in=facts).values_list("pk", "name"))
    cells = []
    for outcome_id, outcome_facts in facts.items():
        by_population: dict[int, list[Fact]] = defaultdict(list)
        for fact in outcome_facts:
            for population_id in populations_of.get(fact.review, []):
                by_population[population_id].append(fact)
        for population_id, cell_facts in by_population.items():
            cells.append(
                MapCell(
                    outcome=outcome_names[outcome_id],
                    population=population_names[population_id],
                    n_reviews=len({fact.review for fact in cell_facts}),
                    finding=str(predominant_finding(cell_facts)),
                )
            )
    order = {name: i for i, name in enumerate(population_names.values())}
    return sorted(cells, key=lambda c: (order[c.population], c.outcome))


class LazyOverview:
    """The evidence overview's matrix and map, computed on first use (see EvidenceOverviewView)."""

    def __init__(self, umbrella: UmbrellaReview, results: QuerySet[OutcomeResult], query):
        self.umbrella, self.results, self.query = umbrella, results, query

    @cached_property
    def facts(self) -> dict[int, list[Fact]]:
        return facts_by_outcome(self.results)

    @cached_property
    def groups(self) -> list[DomainGroup]:
        return evidence_matrix(self.umbrella, self.results, self.query, self.facts)

    @cached_property
    def n_outcomes(self) -> int:
        return sum(len(group.rows) for group in self.groups)

    @cached_property
    def map_cells(self) -> list[MapCell]:
        return map_cells(self.umbrella, self.results, self.facts)

    @cached_property
    def map_figure(self):
        return evidence_map(self.map_cells) if self.map_cells else None
