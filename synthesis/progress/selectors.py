"""Each review × task of a project with its assignee and status, computed from the data in a
fixed number of queries whatever the project's size (docs/extraction.md, "Progress").

Statuses: not started, in progress, submitted (the person's part is in, the step after it is
not), done. Per task:

- studies entry: done once the review has primary studies linked;
- AMSTAR 2 rater 1/2: their appraisal a draft (in progress) or submitted; done once the
  consensus is submitted. Consensus: draft, then done when submitted;
- dual extraction 1/2: their extraction a draft or submitted; done once every extracted row
  of the review is reconciled. Reconciliation: open once both submitted; in progress while
  some rows are reconciled; done when all are (or there were none);
- single entry: extraction submitted once results are entered, done once all are checked;
  the check in progress while some are checked, done when all are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Count

from appraisal.models import Appraisal
from reviews.assignments.models import Task, tasks_for
from reviews.models import IncludedReview, Inclusion, UmbrellaReview

from ..models import ExtractedResult, Extraction, OutcomeResult


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    DONE = "done"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Cell:
    review: IncludedReview
    task: Task
    person: Any  # the assigned account, or None
    status: Status


@dataclass(frozen=True)
class ReviewProgress:
    review: IncludedReview
    cells: list[Cell]


def _draft_or_submitted(status: str | None, done: bool) -> Status:
    if status is None:
        return Status.NOT_STARTED
    if status != "submitted":
        return Status.IN_PROGRESS
    return Status.DONE if done else Status.SUBMITTED


@dataclass
class _Facts:
    """What the statuses are computed from, for every review of the project (one query each)."""

    studies: set[int]
    appraisals: dict[tuple[int, str], str]
    extractions: dict[tuple[int, str], str]
    rows: dict[int, tuple[int, int]]  # review → (extracted rows, reconciled rows)
    results: dict[int, tuple[int, int]]  # review → (results, checked results)

    @classmethod
    def of(cls, umbrella: UmbrellaReview) -> _Facts:
        in_project = {"review__umbrella": umbrella}
        rows = (
            ExtractedResult.objects.filter(extraction__review__umbrella=umbrella)
            .values_list("extraction__review_id")
            .annotate(total=Count("pk"), final=Count("final"))
        )
        results = (
            OutcomeResult.objects.filter(**in_project)
            .values_list("review_id")
            .annotate(total=Count("pk"), checked=Count("checked_by"))
        )
        return cls(
            studies=set(Inclusion.objects.filter(**in_project).values_list("review_id", flat=True)),
            appraisals={
                (review, role): status
                for review, role, status in Appraisal.objects.filter(**in_project).values_list(
                    "review_id", "role", "status"
                )
            },
            extractions={
                (review, slot): status
                for review, slot, status in Extraction.objects.filter(**in_project).values_list(
                    "review_id", "slot", "status"
                )
            },
            rows={review: (total, final) for review, total, final in rows},
            results={review: (total, checked) for review, total, checked in results},
        )

    def status(self, review_id: int, task: str, dual: bool) -> Status:
        appraisal = self.appraisals.get
        consensus_done = appraisal((review_id, "consensus")) == "submitted"
        total, final = self.rows.get(review_id, (0, 0))
        both = all(self.extractions.get((review_id, s)) == "submitted" for s in Extraction.Slot)
        reconciled = both and final == total
        n_results, n_checked = self.results.get(review_id, (0, 0))
        if task == "studies_by":
            return Status.DONE if review_id in self.studies else Status.NOT_STARTED
        if task in ("rater1", "rater2"):
            role = "first" if task == "rater1" else "second"
            return _draft_or_submitted(appraisal((review_id, role)), consensus_done)
        if task == "consensus_by":
            return _draft_or_submitted(appraisal((review_id, "consensus")), True)
        if task in ("extractor1", "extractor2") and dual:
            slot = "first" if task == "extractor1" else "second"
            return _draft_or_submitted(self.extractions.get((review_id, slot)), reconciled)
        if task == "extractor1":  # single entry
            if not n_results:
                return Status.NOT_STARTED
            return Status.DONE if n_checked == n_results else Status.SUBMITTED
        if task == "reconciler":
            if not both:
                return Status.NOT_STARTED
            return (
                Status.DONE if reconciled else Status.IN_PROGRESS if final else Status.NOT_STARTED
            )
        # the check of single entry
        if n_results and n_checked == n_results:
            return Status.DONE
        return Status.IN_PROGRESS if n_checked else Status.NOT_STARTED


def progress(umbrella: UmbrellaReview) -> list[ReviewProgress]:
    """Every review × task that applies to the project's extraction mode (six queries)."""
    dual = umbrella.dual_extraction
    tasks = tasks_for(dual)
    reviews = (
        IncludedReview.objects.filter(umbrella=umbrella)
        .select_related("assignment", *(f"assignment__{t.field}" for t in tasks))
        .order_by("label")
    )
    facts = _Facts.of(umbrella)
    out = []
    for review in reviews:
        review.umbrella = umbrella  # for the links, without a query per review
        assignment = getattr(review, "assignment", None)
        cells = [
            Cell(
                review,
                task,
                getattr(assignment, task.field) if assignment is not None else None,
                facts.status(review.pk, task.field, dual),
            )
            for task in tasks
        ]
        out.append(ReviewProgress(review, cells))
    return out


def matches(cell: Cell, *, person_id: int | None, status: str) -> bool:
    if person_id is not None and getattr(cell.person, "pk", None) != person_id:
        return False
    return not status or cell.status == status


def filtered(
    rows: Iterable[ReviewProgress], *, person_id: int | None, status: str
) -> list[ReviewProgress]:
    """The reviews with at least one task cell of that person and status."""
    if person_id is None and not status:
        return list(rows)
    return [
        row
        for row in rows
        if any(matches(c, person_id=person_id, status=status) for c in row.cells)
    ]


@dataclass(frozen=True)
class TaskCount:
    task: Task
    counts: dict[Status, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def percent_done(self) -> float | None:
        return 100 * self.counts[Status.DONE] / self.total if self.total else None


def counts(rows: Iterable[ReviewProgress], *, person_id: int | None = None) -> list[TaskCount]:
    """Per task: how many cells in each status (of one person's cells, if given)."""
    tally: dict[str, Counter[Status]] = {}
    tasks: dict[str, Task] = {}
    for row in rows:
        for cell in row.cells:
            tasks.setdefault(cell.task.field, cell.task)
            counter = tally.setdefault(cell.task.field, Counter())
            if matches(cell, person_id=person_id, status=""):
                counter[cell.status] += 1
    return [
        TaskCount(tasks[field], {status: tally[field][status] for status in Status})
        for field in tasks
    ]


def percent_done(task_counts: Iterable[TaskCount]) -> float | None:
    task_counts = list(task_counts)
    total = sum(t.total for t in task_counts)
    done = sum(t.counts[Status.DONE] for t in task_counts)
    return 100 * done / total if total else None
