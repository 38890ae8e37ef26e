"""Picking one meta-analysis per outcome when several reviews pooled it, and flagging discord.

Pure Python, no Django imports. A project's selection rule is an ordered list of criteria
(`Criterion`); `select` applies them in order to plain `Candidate` rows and returns the chosen
row together with the criterion that decided it, so every row of the summary of findings says
why it was picked. Choosing one review per outcome among overlapping reviews is one of the
inclusion decisions Pollock et al. compare (Syst Rev 2019;8:29, doi:10.1186/s13643-018-0768-8):
usually the higher-quality review, then the more comprehensive one (more primary studies or
participants), then the most recent. Discordant reviews are those Jadad et al. set out to
interpret (CMAJ 1997;156:1411-6). The order of the criteria is the project's, written down
with it, so a reader can see and change it.

- A candidate with a pooled estimate and its 95% CI is always preferred to one without (a
  row without figures cannot be reported as an effect); this comes before the rule.
- Each criterion keeps the candidates with the best value; a missing value (no k, no rating,
  no GRADE) is worse than any value. The criterion that leaves one review decides (a review
  may have several rows of an outcome, e.g. per timepoint: its first is taken).
- Candidates still tied after every criterion are taken in their given order (the caller
  passes them sorted by review label, so the choice is reproducible); the reason says so.

`discordance` flags candidates whose pooled estimates lie on opposite sides of the null, or
whose 95% CIs do not overlap (compared on the same measure only).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from reviews.labels import LabelledEnum
from reviews.registry.confidence import RATING_ORDER

from .findings import Grade

# Best first, as the GRADE scale declares its levels.
GRADE_ORDER: tuple[str, ...] = tuple(Grade)


class Criterion(LabelledEnum):
    RATING = "rating", "Highest AMSTAR 2 rating"
    GRADE = "grade", "Highest GRADE certainty"
    K = "k", "Most primary studies (k)"
    N = "n", "Most participants (n)"
    YEAR = "year", "Most recent review"


DEFAULT_RULE: tuple[Criterion, ...] = (Criterion.RATING, Criterion.K, Criterion.N, Criterion.YEAR)


class Reason(LabelledEnum):
    """Why a row was selected when no single criterion of the rule decided it."""

    ONLY = "only", "The only review with a meta-analysis"
    POOLED = "pooled", "The only review with a pooled estimate"
    TIE = "tie", "Tied on every criterion: first by review label"
    OVERRIDE = "override", "Chosen by the project (override)"


@dataclass(frozen=True)
class Candidate:
    """One meta-analytic result of an outcome, reduced to what selection needs."""

    key: Hashable  # the result's id
    review: Hashable
    rating: str = ""  # AMSTAR 2 rating value ('' when not rated)
    grade: str = ""  # GRADE certainty value ('' when not assessed)
    k: int | None = None
    n: int | None = None
    year: int | None = None
    measure: str = ""
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    null: float | None = None  # 0 for differences, 1 for ratios, None when unknown

    @property
    def has_estimate(self) -> bool:
        return None not in (self.estimate, self.ci_low, self.ci_high)


@dataclass(frozen=True)
class Selection:
    chosen: Candidate
    reason: Criterion | Reason

    @property
    def label(self) -> str:
        return self.reason.label


def _rank(value: str, order: Sequence[str]) -> int:
    """Higher is better; a value outside the order (unrated, not assessed) is worst."""
    return len(order) - order.index(value) if value in order else -1


def value_of(candidate: Candidate, criterion: Criterion) -> float:
    """The candidate's value on a criterion, higher better, missing as minus infinity."""
    if criterion == Criterion.RATING:
        return _rank(candidate.rating, RATING_ORDER)
    if criterion == Criterion.GRADE:
        return _rank(candidate.grade, GRADE_ORDER)
    raw = {Criterion.K: candidate.k, Criterion.N: candidate.n, Criterion.YEAR: candidate.year}
    number = raw[criterion]
    return float("-inf") if number is None else number


def _one_review(pool: Sequence[Candidate]) -> bool:
    return len({c.review for c in pool}) == 1


def select(candidates: Sequence[Candidate], rule: Sequence[Criterion]) -> Selection | None:
    """The candidate the rule picks and why; None when there is no candidate.

    The rule chooses between reviews: once the candidates left are one review's rows (say,
    post-intervention and follow-up), the criterion that got there decides, and the review's
    first row in the given order is taken.
    """
    pool = list(candidates)
    if not pool:
        return None
    if _one_review(pool):
        return Selection(pool[0], Reason.ONLY)
    pooled = [c for c in pool if c.has_estimate]
    if pooled and len(pooled) < len(pool):
        pool = pooled
        if _one_review(pool):
            return Selection(pool[0], Reason.POOLED)
    for criterion in rule:
        best = max(value_of(c, criterion) for c in pool)
        pool = [c for c in pool if value_of(c, criterion) == best]
        if _one_review(pool):
            return Selection(pool[0], criterion)
    return Selection(pool[0], Reason.TIE)


def parse_rule(text: str) -> tuple[Criterion, ...]:
    """A rule from its comma-separated values ('rating,k,n,year'); ValueError naming the
    first unknown or repeated criterion."""
    rule: list[Criterion] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            criterion = Criterion(part)
        except ValueError:
            known = ", ".join(c.value for c in Criterion)
            raise ValueError(f"Unknown criterion {part!r}; use {known}.") from None
        if criterion in rule:
            raise ValueError(f"The criterion {part!r} appears twice.")
        rule.append(criterion)
    if not rule:
        raise ValueError("A rule needs at least one criterion.")
    return tuple(rule)


def rule_text(rule: Iterable[Criterion]) -> str:
    return ",".join(c.value for c in rule)


class Discord(LabelledEnum):
    OPPOSITE_SIDES = "opposite_sides", "Pooled estimates on opposite sides of the null"
    NO_CI_OVERLAP = "no_ci_overlap", "95% CIs that do not overlap"


def _figures(c: Candidate) -> tuple[float, float, float] | None:
    if c.estimate is None or c.ci_low is None or c.ci_high is None:
        return None
    return c.estimate, c.ci_low, c.ci_high


def discordance(candidates: Iterable[Candidate]) -> list[Discord]:
    """Which kinds of discord there are among candidates of one measure (pairwise).

    Decided per measure from extremes rather than over every pair: an outcome of a large
    project has thousands of meta-analyses, millions of pairs (over a second in Python).
    """
    found: set[Discord] = set()
    by_measure: dict[str, list[tuple[Candidate, tuple[float, float, float]]]] = {}
    for c in candidates:
        if (f := _figures(c)) is not None:
            by_measure.setdefault(c.measure, []).append((c, f))
    for figures in by_measure.values():
        found |= _opposite_sides(figures) | _ci_gap(figures)
    return [d for d in Discord if d in found]


def _opposite_sides(figures: list[tuple[Candidate, tuple[float, float, float]]]) -> set[Discord]:
    """Estimates on both sides of the null: a pair's null is its first candidate's."""
    nulls = {c.null for c, _ in figures}
    if len(nulls) > 1:  # mixed nulls within a measure: compare each with every later one
        pairs = combinations(figures, 2)
        hit = any(
            a.null is not None and (fa[0] - a.null) * (fb[0] - a.null) < 0
            for (a, fa), (_, fb) in pairs
        )
    else:
        null = nulls.pop() if nulls else None
        estimates = [f[0] for _, f in figures]
        hit = null is not None and min(estimates) < null < max(estimates)
    return {Discord.OPPOSITE_SIDES} if hit else set()


def _ci_gap(figures: list[tuple[Candidate, tuple[float, float, float]]]) -> set[Discord]:
    """Two different candidates whose CIs do not meet: one's upper limit below another's lower."""
    if len(figures) < 2:
        return set()
    lows = [f[1] for _, f in figures]
    highs = [f[2] for _, f in figures]
    top = max(range(len(lows)), key=lows.__getitem__)  # the highest lower limit
    other_highs = highs[:top] + highs[top + 1 :]
    other_lows = lows[:top] + lows[top + 1 :]
    hit = min(other_highs) < lows[top] or highs[top] < max(other_lows)
    return {Discord.NO_CI_OVERLAP} if hit else set()
