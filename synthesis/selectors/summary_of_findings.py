"""Read model of the summary of findings: one row per outcome, its selected meta-analysis and why.

The page and its CSV/XLSX export call `summary_of_findings` with the request's parameters, so
they show the same rows. The rows come through the evidence tables' one FilterSet
(`OutcomeResultFilter`: research question, population, sensitivity switch…) with the ratings of
the one rating rule; the pure `selection.select` picks a meta-analysis per outcome by the
project's rule (or the reader's `?rule=`), and `wording.statement` words it.

A reader's view is compared with the project's: the project's rule and overrides, and no
sensitivity switch. Rows whose selected meta-analysis differs are marked `changed`.

Queries are fixed whatever the size: the rule, the rows (twice when the reader changed the
rule or the switch), the outcomes, the overrides, the selected results with their study rows,
and the inclusions for the overlap.

On a large project that computation takes seconds, and its answer changes only with the data.
So the page, its export and the releases' draft figures read `kept_summary_of_findings`: kept
per (project, data revision, parameters) like the other computed parts
(reviews.project.revisions), and made after each write by the background recomputation, which
renders the page (registered in synthesis.apps). A frozen release copy, another project or
another revision, each with its own id or revision in the key, never share an entry. The
API's resource reads it too, and the outcome page takes its outcome's row from it when kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, cast

from django.http import QueryDict

from reviews.models import Inclusion, UmbrellaReview
from reviews.overlap.cca import cca_from_counts
from reviews.overlap.selectors import band_or_blank
from reviews.project.revisions import cached_for_project, kept_for_project, query_parts
from reviews.registry.ratings import rating_label, with_ratings

from ..filters import OutcomeResultFilter
from ..findings import EvidenceType, Finding, null_value
from ..models import Outcome, OutcomeResult, SelectionOverride, SelectionRule
from ..selection import (
    DEFAULT_RULE,
    Candidate,
    Criterion,
    Discord,
    Reason,
    discordance,
    parse_rule,
    rule_text,
    select,
)
from ..summary import Fact, summary_sentence
from ..wording import Statement, size_of, statement
from .ratings import RATING, REVIEW_PATH
from .reanalysis import CredibilityCell, credibility_cell

FIELDS = ("pk", "outcome_id", "review_id", "review__label", "review__year", "evidence_type",
          "finding", RATING, "grade_certainty", "k", "n", "measure", "estimate", "ci_low",
          "ci_high")  # fmt: skip
DEFAULT_INTERVENTION = "the intervention"


@dataclass(frozen=True)
class Row:
    outcome: Outcome
    n_reviews: int
    n_meta_analyses: int
    summary: str  # "5 of 7 meta-analyses found an improvement; none from a review rated…"
    selected: OutcomeResult | None
    reason: str  # the deciding criterion or reason, in words
    override_reason: str
    rating: str  # the selected review's AMSTAR 2 rating, in words
    credibility: CredibilityCell | None
    cca_percent: float | None
    cca_band: str
    discord: list[Discord]
    statement: Statement | None
    changed: bool  # the reader's rule or switch picks another row than the project's
    project_choice: str  # the review the project's rule picks, when `changed`


@dataclass(frozen=True)
class SummaryOfFindings:
    rows: list[Row]
    rule: tuple[Criterion, ...]  # the rule in force for this view
    project_rule: tuple[Criterion, ...]
    rule_error: str  # a refused ?rule=, in words
    filter: OutcomeResultFilter
    intervention: str
    n_changed: int = field(default=0)

    @property
    def rule_labels(self) -> list[str]:
        return [c.label for c in self.rule]

    @property
    def reader_rule(self) -> bool:
        return self.rule != self.project_rule


def project_rule(umbrella: UmbrellaReview) -> SelectionRule | None:
    return SelectionRule.objects.filter(umbrella=umbrella).first()


def summary_filter(
    umbrella: UmbrellaReview, params: QueryDict, outcome: Outcome | None = None
) -> OutcomeResultFilter:
    """The evidence tables' FilterSet over the project's (or `outcome`'s) rated results."""
    results = OutcomeResult.objects.filter(review__umbrella=umbrella)
    if outcome is not None:
        results = results.filter(outcome=outcome)
    results = with_ratings(results, review_path=REVIEW_PATH)
    return OutcomeResultFilter(params or None, queryset=results, umbrella=umbrella)


def _rows(
    umbrella: UmbrellaReview, params: QueryDict, outcome: Outcome | None
) -> tuple[OutcomeResultFilter, list[dict]]:
    filterset = summary_filter(umbrella, params, outcome)
    rows = list(filterset.qs.order_by("review__label", "pk").values(*FIELDS))
    return filterset, rows


def _candidate(row: Mapping) -> Candidate:
    return Candidate(
        key=row["pk"], review=row["review_id"], rating=row[RATING] or "",
        grade=row["grade_certainty"], k=row["k"], n=row["n"], year=row["review__year"],
        measure=row["measure"], estimate=row["estimate"], ci_low=row["ci_low"],
        ci_high=row["ci_high"], null=null_value(row["measure"]),
    )  # fmt: skip


def _choices(
    rows: Iterable[Mapping], rule: tuple[Criterion, ...], overrides: Mapping[int, SelectionOverride]
) -> dict[int, tuple[int, str, str]]:
    """Outcome id → (selected result id, reason in words, override reason)."""
    candidates: dict[int, list[Candidate]] = defaultdict(list)
    for row in rows:
        if row["evidence_type"] == EvidenceType.META_ANALYSIS:
            candidates[row["outcome_id"]].append(_candidate(row))
    chosen = {}
    for outcome_id, pool in candidates.items():
        override = overrides.get(outcome_id)
        if override is not None and override.result_id in {c.key for c in pool}:
            chosen[outcome_id] = (override.result_id, Reason.OVERRIDE.label, override.reason)
            continue
        selection = select(pool, rule)
        if selection is not None:
            chosen[outcome_id] = (cast(int, selection.chosen.key), selection.label, "")
    return chosen


def _overlap(umbrella: UmbrellaReview, pooling: Mapping[int, set[int]]) -> dict[int, float | None]:
    """CCA (per cent) among the reviews meta-analysing each outcome, from one query."""
    review_ids = set().union(*pooling.values()) if pooling else set()
    studies: dict[int, set[int]] = defaultdict(set)
    pairs = Inclusion.objects.filter(
        review__umbrella=umbrella, review__in=review_ids, study__merged_into__isnull=True
    ).values_list("review_id", "study_id")
    for review_id, study_id in pairs:
        studies[review_id].add(study_id)
    overlap = {}
    for outcome_id, reviews in pooling.items():
        n = sum(len(studies[r]) for r in reviews)
        r = len(set().union(*(studies[r] for r in reviews)))
        overlap[outcome_id] = cca_from_counts(n, r, len(reviews), 0) if len(reviews) > 1 else None
    return overlap


def summary_of_findings(
    umbrella: UmbrellaReview, params: QueryDict, outcome: Outcome | None = None
) -> SummaryOfFindings:
    """Every outcome's row, or only `outcome`'s (the outcome page's first row)."""
    saved = project_rule(umbrella)
    base_rule = saved.rule if saved else DEFAULT_RULE
    intervention = (saved.intervention if saved else "") or DEFAULT_INTERVENTION
    rule, rule_error = base_rule, ""
    asked = params.get("rule")
    if isinstance(asked, str) and asked:
        try:
            rule = parse_rule(asked)
        except ValueError as error:
            rule_error = str(error)
    filterset, rows = _rows(umbrella, params, outcome)
    overrides = {
        o.outcome_id: o for o in SelectionOverride.objects.filter(outcome__umbrella=umbrella)
    }
    # Overrides are the project's choices under its own rule; a reader's rule shows its own.
    chosen = _choices(rows, rule, overrides if rule == base_rule else {})
    baseline = chosen
    if rule != base_rule or params.get("sensitivity"):
        project_params = params.copy()
        project_params.pop("sensitivity", None)
        baseline = _choices(_rows(umbrella, project_params, outcome)[1], base_rule, overrides)

    by_outcome: dict[int, list[Mapping]] = defaultdict(list)
    for row in rows:
        by_outcome[row["outcome_id"]].append(row)
    wanted = {pk for pk, _, _ in chosen.values()} | {pk for pk, _, _ in baseline.values()}
    selected = {
        r.pk: r
        for r in with_ratings(OutcomeResult.objects.filter(pk__in=wanted), review_path=REVIEW_PATH)
        .select_related("review", "outcome")
        .prefetch_related("study_effects")
    }
    pooling = {
        outcome_id: {r["review_id"] for r in group if r["evidence_type"] == "meta_analysis"}
        for outcome_id, group in by_outcome.items()
    }
    overlap = _overlap(umbrella, pooling)
    outcomes = Outcome.objects.filter(umbrella=umbrella, pk__in=by_outcome).select_related(
        "domain", "umbrella"
    )
    out = []
    for outcome in sorted(outcomes, key=lambda o: (o.domain.position, o.domain.name, o.name)):
        group = by_outcome[outcome.pk]
        facts = [Fact(r["review_id"], r["evidence_type"], r["finding"], r[RATING] or "")
                 for r in group]  # fmt: skip
        pick = chosen.get(outcome.pk)
        result = selected[pick[0]] if pick else None
        base = baseline.get(outcome.pk)
        changed = (pick[0] if pick else None) != (base[0] if base else None)
        meta = [_candidate(r) for r in group if r["evidence_type"] == "meta_analysis"]
        cca = overlap.get(outcome.pk)
        out.append(
            Row(
                outcome=outcome,
                n_reviews=len({r["review_id"] for r in group}),
                n_meta_analyses=len(pooling[outcome.pk]),
                summary=summary_sentence(facts),
                selected=result,
                reason=pick[1] if pick else "",
                override_reason=pick[2] if pick else "",
                rating=rating_label(getattr(result, RATING) or "") if result else "",
                credibility=credibility_cell(result, umbrella) if result else None,
                cca_percent=cca,
                cca_band=band_or_blank(cca),
                discord=discordance(meta),
                statement=_statement(result, outcome, intervention) if result else None,
                changed=changed,
                project_choice=selected[base[0]].review.label if changed and base else "",
            )
        )
    return SummaryOfFindings(
        rows=out, rule=rule, project_rule=base_rule, rule_error=rule_error, filter=filterset,
        intervention=intervention, n_changed=sum(r.changed for r in out),
    )  # fmt: skip


# What is kept of a summary: all but the request's FilterSet (a bound form, and a queryset that
# pickling would evaluate), which is built again for each request without a query.
_KEPT = tuple(f.name for f in fields(SummaryOfFindings) if f.name != "filter")
KEPT_NAME = "summary-of-findings"  # the name of the kept summaries (reviews.project.revisions)


def kept_summary_of_findings(umbrella: UmbrellaReview, params: QueryDict) -> SummaryOfFindings:
    """`summary_of_findings` of every outcome, kept per (project, data revision, parameters):
    one computation per revision for the page, its export and the releases' draft figures.

    Read at the revision the request shows (`figures_revision`, when the page shows the
    previous figures while a write's are recomputed), else at the current one."""

    def compute() -> dict[str, Any]:
        sof = summary_of_findings(umbrella, params)
        return {name: getattr(sof, name) for name in _KEPT}

    kept = cached_for_project(umbrella, KEPT_NAME, query_parts(params), compute)
    return SummaryOfFindings(filter=summary_filter(umbrella, params), **kept)


def outcome_rows(umbrella: UmbrellaReview, params: QueryDict, outcome: Outcome) -> list[Row]:
    """The outcome page's summary-of-findings row (none when the filters leave no result).

    An outcome's row depends only on its own results, so it is read from the whole summary
    when that is kept for the same parameters (the summary page's, made after each write by
    the background recomputation). Else the outcome's alone is computed, a fraction of the
    whole on a large project, and kept beside it."""
    parts = query_parts(params)
    whole = kept_for_project(umbrella, KEPT_NAME, parts)
    if isinstance(whole, dict):
        return [row for row in whole["rows"] if row.outcome.pk == outcome.pk]
    return cached_for_project(
        umbrella,
        "sof-outcome",
        f"{outcome.pk}?{parts}",
        lambda: summary_of_findings(umbrella, params, outcome).rows,
    )


def _statement(result: OutcomeResult, outcome: Outcome, intervention: str) -> Statement | None:
    size = size_of(
        measure=result.measure, estimate=result.estimate, ci_low=result.ci_low,
        ci_high=result.ci_high, null=null_value(result.measure), finding=result.finding,
    )  # fmt: skip
    return statement(
        certainty=result.grade_certainty, size=size, harmful=result.finding == Finding.HARM,
        intervention=intervention, outcome=outcome.name,
    )  # fmt: skip


__all__ = [
    "Row",
    "SummaryOfFindings",
    "kept_summary_of_findings",
    "outcome_rows",
    "project_rule",
    "rule_text",
    "summary_filter",
    "summary_of_findings",
]
