"""Importing a metaumbrella CSV into a project: read and check every row, match the rows to the
project's reviews, outcomes and outcome results, and (unless a dry run) write them all in one
transaction — or nothing, if any row has a problem.

Matching (docs/exchange.md): `meta_review` is an included review's label, `factor` an outcome
(by name; "Outcome (Review)" or "Outcome (Review, id)" as the export writes it), and each
factor one outcome result of that review. Reviews, outcomes and outcome results that do not
exist yet are created; study rows already entered are refused, never overwritten.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from reviews import csvfiles
from reviews.models import IncludedReview, UmbrellaReview
from reviews.project.revisions import changed
from reviews.registry.ratings import with_ratings
from synthesis.models import Outcome, OutcomeDomain, OutcomeResult, StudyEffect
from synthesis.models.study_effects import STUDY_DATA_FIELDS

from ..workbook import bulk
from ..workbook.read import Problem
from ..workbook.write import Checked, Counts
from .columns import AMSTAR_CODES, MEASURES, parse_factor
from .read import StudyLine, read_metaumbrella

SHEETS = ("included_reviews", "outcomes", "outcome_results", "study_effects")
NEW_RESULT_NOTE = (
    "Created by a metaumbrella import, which holds the studies' data but not the review's "
    "pooled result: enter the reported estimate, CI and finding."
)
NEW_DOMAIN = "Other"  # where outcomes first named by an import go (moved on the settings page)


@dataclass
class MetaumbrellaImport(Checked):
    name: str
    project: str
    dry_run: bool
    ignored: dict[str, int] = field(default_factory=dict)  # column → values not stored


@dataclass
class _Target:
    """Where the rows of one factor go: an existing outcome result, or one to create."""

    review: str
    outcome: str
    extraction_id: str
    measure: str
    result: OutcomeResult | None = None
    lines: list[StudyLine] = field(default_factory=list)


class _Plan:
    """The rows matched against the project, with every problem found on the way."""

    def __init__(self, umbrella: UmbrellaReview, lines: list[StudyLine], name: str):
        self.umbrella, self.name = umbrella, name
        self.problems: list[Problem] = []
        reviews = with_ratings(IncludedReview.objects.filter(umbrella=umbrella))
        self.reviews = {review.label: review for review in reviews}
        self.outcomes = {o.name: o for o in Outcome.objects.filter(umbrella=umbrella)}
        # The project's results by (review, outcome name) and (review, extraction id), and
        # the study labels entered for each: two queries, whatever the size of the file.
        self.by_outcome: dict[tuple[int, str], list[OutcomeResult]] = defaultdict(list)
        self.by_id: dict[tuple[int, str], list[OutcomeResult]] = defaultdict(list)
        for result in OutcomeResult.objects.filter(review__umbrella=umbrella).select_related(
            "outcome"
        ):
            self.by_outcome[(result.review_id, result.outcome.name)].append(result)
            self.by_id[(result.review_id, result.extraction_id)].append(result)
        self.entered: dict[int, set[str]] = defaultdict(set)
        for result_id, label in StudyEffect.objects.filter(
            outcome_result__review__umbrella=umbrella
        ).values_list("outcome_result_id", "label"):
            self.entered[result_id].add(label)
        self.targets: dict[tuple[str, str], _Target] = {}
        for line in lines:
            key = (line.meta_review, line.factor)
            if key not in self.targets:
                outcome, extraction_id = parse_factor(line.factor, line.meta_review)
                self.targets[key] = _Target(line.meta_review, outcome, extraction_id, line.measure)
            self.targets[key].lines.append(line)
        self._ratings(lines)
        for target in self.targets.values():
            self._match(target)

    def problem(self, line: StudyLine, column: str, value: str, reason: str) -> None:
        self.problems.append(Problem(self.name, line.number, column, value, reason))

    def _ratings(self, lines: Iterable[StudyLine]) -> None:
        """A review already in the project keeps its rating: the file must agree with it (one
        problem per review, on its first row: the reader has checked the rows agree)."""
        checked: set[str] = set()
        for line in lines:
            review = self.reviews.get(line.meta_review)
            if review is None or not line.amstar or line.meta_review in checked:
                continue
            checked.add(line.meta_review)
            rating = getattr(review, "rating", None) or ""  # consensus, else published
            if line.amstar != rating:
                shown = AMSTAR_CODES.get(line.amstar)
                self.problem(
                    line,
                    "amstar",
                    f"{shown:g}",
                    f"Review '{review.label}' is rated "
                    f"'{rating or 'not rated'}' in the project; an import does not "
                    "change AMSTAR 2 ratings.",
                )

    def _match(self, target: _Target) -> None:
        first = target.lines[0]
        review = self.reviews.get(target.review)
        if review is None:
            return  # a new review: its results are new too
        index, key = (
            (self.by_id, target.extraction_id)
            if target.extraction_id
            else (self.by_outcome, target.outcome)
        )
        candidates = index.get((review.pk, key), [])
        if len(candidates) > 1:
            self.problem(
                first,
                "factor",
                first.factor,
                f"Review '{target.review}' has "
                f"{len(candidates)} results for '{target.outcome}'; name one as "
                f"'{target.outcome} ({target.review}, <extraction id>)'.",
            )
            return
        if not candidates:
            return  # a new outcome result
        result = target.result = candidates[0]
        if result.measure != target.measure:
            self.problem(
                first,
                "measure",
                MEASURES[target.measure],
                f"The outcome result "
                f"{result.extraction_id} uses {result.get_measure_display() or 'no measure'}.",
            )
        entered = self.entered[result.pk]
        for line in target.lines:
            if line.label in entered:
                self.problem(
                    line,
                    "author",
                    line.label,
                    f"'{line.label}' is already entered "
                    f"for the outcome result {result.extraction_id}.",
                )


class _Writer:
    def __init__(self, plan: _Plan, user: Any, source: str):
        self.plan = plan
        self.user = user if user is not None and user.is_authenticated else None
        self.reason = f"metaumbrella import {source}".strip()
        self.when = timezone.now()
        self.counts = {name: Counts() for name in SHEETS}

    def _save(self, instance, sheet: str, clean: bool = True):
        instance._change_reason = self.reason
        instance._history_user = self.user
        instance._history_date = self.when
        if clean:
            instance.full_clean(validate_unique=False)
        instance.save()
        self.counts[sheet].created += 1
        return instance

    def _review(self, label: str, rating: str) -> IncludedReview:
        review = self.plan.reviews.get(label)
        if review is None:
            review = self.plan.reviews[label] = self._save(
                IncludedReview(
                    umbrella=self.plan.umbrella,
                    label=label,
                    title=label,
                    review_type="sr_meta_analysis",
                    published_rating=rating,
                ),
                "included_reviews",
            )
        return review

    def _outcome(self, name: str) -> Outcome:
        outcome = self.plan.outcomes.get(name)
        if outcome is None:
            domain, _ = OutcomeDomain.objects.get_or_create(
                umbrella=self.plan.umbrella, name=NEW_DOMAIN
            )
            outcome = self.plan.outcomes[name] = self._save(
                Outcome(umbrella=self.plan.umbrella, name=name, domain=domain), "outcomes"
            )
        return outcome

    def write(self) -> dict[str, Counts]:
        rows: list[dict[str, Any]] = []
        for target in self.plan.targets.values():
            review = self._review(target.review, target.lines[0].amstar)
            result = target.result
            if result is None:
                result = self._save(
                    OutcomeResult(
                        review=review,
                        outcome=self._outcome(target.outcome),
                        extraction_id=target.extraction_id,
                        evidence_type="meta_analysis",
                        measure=target.measure,
                        note=NEW_RESULT_NOTE,
                    ),
                    "outcome_results",
                    # No pooled figures, so no finding yet: clean() would ask for one.
                    clean=False,
                )
            else:
                self.counts["outcome_results"].unchanged += 1
            for line in target.lines:
                values = {name: getattr(line.row, name) for name in STUDY_DATA_FIELDS}
                rows.append(
                    {
                        "outcome_result_id": result.pk,
                        "label": line.label,
                        "kind": line.row.kind,
                        "entered_by_id": getattr(self.user, "pk", None),
                        **values,
                    }
                )
        pks = bulk.insert(StudyEffect, rows)
        bulk.record_history(
            StudyEffect,
            pks,
            history_type="+",
            when=self.when,
            user_id=getattr(self.user, "pk", None),
            reason=self.reason,
        )
        self.counts["study_effects"].created = len(pks)
        changed(self.plan.umbrella)  # retire the project's cached pages once this commits
        return self.counts


def import_metaumbrella(
    path: Path, *, umbrella: UmbrellaReview, dry_run: bool = False, user: Any = None, name: str = ""
) -> MetaumbrellaImport:
    """Import the CSV at `path` into `umbrella`: every problem is reported, and nothing is
    written unless there are none. A dry run writes in a transaction it rolls back, so its
    counts are exactly what the import would do."""
    name = name or Path(path).name
    report = MetaumbrellaImport(name, umbrella.slug, dry_run)
    try:
        text = csvfiles.read_text(path)
    except UnicodeDecodeError as error:
        report.problems.append(Problem(name, None, "", "", f"Not UTF-8 text ({error.reason})."))
        return report
    read = read_metaumbrella(text, name=name)
    report.rows, report.problems, report.ignored = read.rows, read.problems, read.ignored
    if report.problems:
        return report
    with transaction.atomic():
        plan = _Plan(umbrella, read.lines, name)
        report.problems = plan.problems
        if plan.problems:
            return report
        report.counts = _Writer(plan, user, name).write()
        if dry_run:
            transaction.set_rollback(True)
    return report
