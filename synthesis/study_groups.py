"""One study's several rows in one meta-analysis as the one study that is pooled (pure).

A row says what it is among its study's rows, as metaumbrella's ``multiple_es`` column does
(R metaumbrella 1.0, R/functions_multilevel.R ``.agg_subgroups``, ``.agg_outcomes``; 1.1.0
aggregates through ``.agg_mcv``, whose printed ``df.OR.multi`` cases these rules reproduce):

* **groups** -- independent groups of the study (other participants): their fixed-effect
  (inverse-variance) mean (:func:`synthesis.stats.combine_subgroups`); their cases and arm
  sizes add up (``.agg_subgroups``: ``n_cases = sum(x$n_cases)``).
* **outcomes** -- dependent outcomes or time points of the same participants: Borenstein's
  composite at the project's correlation r (:func:`synthesis.stats.combine_dependent_outcomes`);
  the participants are counted once: the largest cases and the largest arms of its rows, as
  1.1.0's printed cases for ``df.OR.multi`` show (1.0's ``.agg_outcomes`` took the counts of
  one row, its largest, which need not have the most cases).

A study with rows of both kinds: its groups are combined first, and their mean then counts as
one outcome among the others (groups are parts of the participants whom each outcome
measures). metaumbrella 1.0's ``.agg_data`` would take such a study's groups and outcomes as
two studies; 1.1.0's handling of it is not checked. The same rules apply under our
conventions and metaumbrella's, so that a project's number of cases never depends on which
of a study's rows is listed first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import stats
from .study_rows import BINARY, CONTINUOUS, GROUPS, StudyRow, _numbers


@dataclass(frozen=True)
class Counts:
    """What one row, or one combined study, counts; None where it is not known."""

    cases: float | None  # events in both arms (counts), the intervention arm's n (means)
    n1: float | None
    n2: float | None

    def arms(self) -> tuple[float, float]:
        """Both arm sizes, for a study of means (whose rows all have them)."""
        if self.n1 is None or self.n2 is None:
            raise ValueError("this study's arm sizes are not known")
        return self.n1, self.n2


FIELDS = ("cases", "n1", "n2")


def row_counts(row: StudyRow) -> Counts:
    """Cases as docs/methods.md section 8 counts them: events (counts), n1 (means); an
    estimate row has arm sizes at most, and no count of cases."""
    if row.kind == BINARY:
        e1, n1, e2, n2 = _numbers(row, ("events1", "n1", "events2", "n2"))
        return Counts(e1 + e2, n1, n2)
    if row.kind == CONTINUOUS:
        n1, n2 = _numbers(row, ("n1", "n2"))
        return Counts(n1, n1, n2)
    return Counts(None, row.n1, row.n2)


def _total(values: Sequence[float | None]) -> float | None:
    return None if None in values else float(sum(v for v in values if v is not None))


def _largest(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def study_counts(members: Sequence[StudyRow]) -> tuple[Counts, bool]:
    """One study's counts and whether its cases are complete (False: a lower bound, as when
    one of its outcomes is an estimate without counts)."""
    groups = [row_counts(row) for row in members if row.multiple_es == GROUPS]
    units = [row_counts(row) for row in members if row.multiple_es != GROUPS]
    if groups:
        units.append(Counts(*(_total([getattr(c, name) for c in groups]) for name in FIELDS)))
    complete = all(unit.cases is not None for unit in units)
    return Counts(*(_largest([getattr(u, name) for u in units]) for name in FIELDS)), complete


def combine_study(
    members: Sequence[StudyRow], effects: Sequence[tuple[float, float]], r: float
) -> tuple[float, float]:
    """``(yi, vi)`` of one study from its rows' effects: groups by their fixed-effect mean,
    then that mean with the outcomes by the composite at correlation ``r``."""
    groups = [e for row, e in zip(members, effects, strict=True) if row.multiple_es == GROUPS]
    units = [e for row, e in zip(members, effects, strict=True) if row.multiple_es != GROUPS]
    if groups:
        units.append(stats.combine_subgroups([y for y, _ in groups], [v for _, v in groups]))
    if len(units) == 1:
        return units[0]
    return stats.combine_dependent_outcomes([y for y, _ in units], [v for _, v in units], r)


def combined_label(members: Sequence[StudyRow]) -> str:
    """How the study table names a study whose rows were combined."""
    if len(members) == 1:
        return members[0].label
    groups = sum(row.multiple_es == GROUPS for row in members)
    parts = [
        f"{n} {word}{'s' if n > 1 else ''}"
        for n, word in ((len(members) - groups, "outcome"), (groups, "group"))
        if n
    ]
    return f"{members[0].label} ({' and '.join(parts)} of one study combined)"
