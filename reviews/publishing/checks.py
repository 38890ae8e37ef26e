"""The checklist shown before publishing: what a reader might miss, counted from the data.

Each check is a function of the umbrella review that returns a `CheckResult` in a fixed
number of queries, so the checklist's cost does not grow with the project. The checks are
warnings, never blockers: an owner may publish a project that is still incomplete, knowing it.

This app registers its own checks below (ratings, overlap, PRISMA); the apps above it register
theirs from their `AppConfig.ready()` with `register_check` (results not checked, appraisals
without consensus), so this module names no model of theirs (see `reviews/__init__.py`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, QuerySet, Window
from django.urls import reverse

from ..models import IncludedReview, PrismaFlow, UmbrellaReview
from ..prisma import flow
from ..registry.ratings import with_ratings

SHOWN = 5  # items named under a warning; the count says how many there are in all


@dataclass(frozen=True)
class CheckResult:
    """One line of the checklist: `count` things that need a look (0: nothing to do)."""

    label: str
    count: int
    url: str = ""  # where to look at them
    examples: tuple[str, ...] = ()  # the first few, by name

    @property
    def ok(self) -> bool:
        return self.count == 0


Check = Callable[[UmbrellaReview], CheckResult]
_checks: dict[str, Check] = {}


def register_check(key: str, check: Check) -> None:
    """Add a check to the checklist (from an app's ready(); the same key replaces it)."""
    _checks[key] = check


def run_checks(umbrella: UmbrellaReview) -> list[CheckResult]:
    """Every registered check, in the order they were registered."""
    return [check(umbrella) for check in _checks.values()]


def counted(label: str, rows: QuerySet, *, url: str, name_field: str = "label") -> CheckResult:
    """A result from an ordered queryset of the things to look at, in one query whatever its
    size: the first few names, each with the count of all (a window over the whole set)."""
    firsts = list(rows.annotate(total=Window(Count("pk"))).values_list(name_field, "total")[:SHOWN])
    count = firsts[0][1] if firsts else 0
    return CheckResult(label, count, url, tuple(str(name) for name, _ in firsts))


def reviews_without_rating(umbrella: UmbrellaReview) -> CheckResult:
    reviews = with_ratings(IncludedReview.objects.filter(umbrella=umbrella))
    return counted(
        "Included reviews without an AMSTAR 2 rating",
        reviews.filter(rating__isnull=True).order_by("label"),
        url=reverse("appraisal:appraisal-table", kwargs={"slug": umbrella.slug}),
    )


def overlap_not_entered(umbrella: UmbrellaReview) -> CheckResult:
    """Reviews with no primary study listed, unless the project reports its overlap as a
    frequency table instead (the registry then stays empty on purpose)."""
    reviews = IncludedReview.objects.filter(umbrella=umbrella, inclusions__isnull=True)
    if umbrella.reported_frequencies.exists():
        reviews = reviews.none()
    return counted(
        "Included reviews without their primary studies (overlap not entered)",
        reviews.order_by("label"),
        url=reverse("reviews:overlap", kwargs={"slug": umbrella.slug}),
    )


def prisma_problems(umbrella: UmbrellaReview) -> CheckResult:
    url = reverse("reviews:prisma-edit", kwargs={"slug": umbrella.slug})
    label = "PRISMA flow counts that do not add up"
    saved = PrismaFlow.objects.filter(umbrella=umbrella).select_related("umbrella").first()
    if saved is None:
        return CheckResult("PRISMA flow not entered", 1, url)
    problems = flow.check(saved.counts())
    return CheckResult(label, len(problems), url, tuple(problems[:SHOWN]))


register_check("reviews-without-rating", reviews_without_rating)
register_check("overlap-not-entered", overlap_not_entered)
register_check("prisma", prisma_problems)
