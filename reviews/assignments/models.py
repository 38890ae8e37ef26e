"""Who does what on each included review: one row per review, one account per task.

The tasks are the steps of an umbrella review's data work (docs/extraction.md): entering the
review's primary studies, the two blinded AMSTAR 2 raters and their consensus, the outcome
results (two blinded extractors and a reconciler in dual mode, one extractor and a checker in
single mode). The paired tasks go to two different people: the database refuses otherwise.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import F, Q

from ..fields import Versioned, account_link
from ..registry.models import IncludedReview


@dataclass(frozen=True)
class Task:
    field: str  # the ReviewAssignment field holding the account
    label: str
    dual_only: bool = False  # a task of dual extraction only
    single_only: bool = False  # a task of single entry only

    def applies(self, dual: bool) -> bool:
        return not (self.dual_only and not dual) and not (self.single_only and dual)


# Every task in the order the work goes; the dashboard, the assignment form and the CSV list
# them so.
TASKS = (
    Task("studies_by", "Studies entry"),
    Task("rater1", "AMSTAR 2 rater 1"),
    Task("rater2", "AMSTAR 2 rater 2"),
    Task("consensus_by", "AMSTAR 2 consensus"),
    Task("extractor1", "Extraction 1"),
    Task("extractor2", "Extraction 2", dual_only=True),
    Task("reconciler", "Reconciliation", dual_only=True),
    Task("checker", "Check of results", single_only=True),
)
TASK_FIELDS = [task.field for task in TASKS]
# The tasks two different people must hold on one review.
PAIRS = (("rater1", "rater2"), ("extractor1", "extractor2"))


def tasks_for(dual: bool) -> list[Task]:
    return [task for task in TASKS if task.applies(dual)]


def _differ(a: str, b: str, what: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{a}__isnull": True}) | Q(**{f"{b}__isnull": True}) | ~Q(**{a: F(b)}),
        name=f"assignment_two_{what}",
        violation_error_message=f"The two {what} of a review must be different people.",
    )


class ReviewAssignment(Versioned):
    review = models.OneToOneField(
        IncludedReview, on_delete=models.CASCADE, related_name="assignment"
    )
    studies_by = account_link(related_name="+", verbose_name="studies entry")
    rater1 = account_link(related_name="+", verbose_name="AMSTAR 2 rater 1")
    rater2 = account_link(related_name="+", verbose_name="AMSTAR 2 rater 2")
    consensus_by = account_link(related_name="+", verbose_name="AMSTAR 2 consensus")
    extractor1 = account_link(related_name="+", verbose_name="extraction 1")
    extractor2 = account_link(related_name="+", verbose_name="extraction 2")
    reconciler = account_link(related_name="+", verbose_name="reconciliation")
    checker = account_link(related_name="+", verbose_name="check of results")

    class Meta:
        ordering = ["review__label"]
        constraints = [_differ("rater1", "rater2", "raters"),
                       _differ("extractor1", "extractor2", "extractors")]  # fmt: skip

    def __str__(self) -> str:
        return f"Assignments of {self.review}"
