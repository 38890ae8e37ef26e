"""Agreement between the two blinded raters, per review and over a whole project."""

from collections.abc import Iterable
from dataclasses import dataclass

from . import amstar2
from .models import Appraisal


@dataclass(frozen=True)
class Agreement:
    n_items: int
    percent: float
    kappa: float | None  # None when undefined (both raters used one answer throughout)


@dataclass(frozen=True)
class ItemComparison:
    item: amstar2.Item
    first: str
    second: str
    first_justification: str = ""
    second_justification: str = ""

    @property
    def agree(self) -> bool:
        return self.first == self.second


def compare(first: Appraisal, second: Appraisal) -> list[ItemComparison]:
    """Each item's two answers, with each rater's justification (answers prefetched)."""
    a = {answer.item: answer for answer in first.answers.all()}
    b = {answer.item: answer for answer in second.answers.all()}
    return [
        ItemComparison(
            item,
            getattr(a.get(item.number), "answer", ""),
            getattr(b.get(item.number), "answer", ""),
            getattr(a.get(item.number), "justification", ""),
            getattr(b.get(item.number), "justification", ""),
        )
        for item in amstar2.ITEMS
    ]


def agreement(comparisons: Iterable[ItemComparison]) -> Agreement | None:
    """Percent agreement and Cohen's kappa over the items both raters answered."""
    pairs = [(c.first, c.second) for c in comparisons if c.first and c.second]
    if not pairs:
        return None
    first, second = zip(*pairs, strict=True)
    return Agreement(
        n_items=len(pairs),
        percent=amstar2.percent_agreement(first, second),
        kappa=amstar2.cohens_kappa(first, second),
    )


def project_agreement(appraisals: Iterable[Appraisal]) -> tuple[Agreement | None, int]:
    """Agreement over all items of all reviews whose two raters have both submitted.

    Takes the project's first- and second-rater appraisals (answers prefetched) and returns
    the pooled agreement with the number of double-rated reviews behind it.
    """
    by_review: dict[int, dict[str, Appraisal]] = {}
    for appraisal in appraisals:
        if appraisal.is_submitted:
            by_review.setdefault(appraisal.review_id, {})[appraisal.role] = appraisal
    pairs = [
        pair
        for pair in by_review.values()
        if Appraisal.Role.FIRST in pair and Appraisal.Role.SECOND in pair
    ]
    comparisons = [
        c
        for pair in pairs
        for c in compare(pair[Appraisal.Role.FIRST], pair[Appraisal.Role.SECOND])
    ]
    return agreement(comparisons), len(pairs)
