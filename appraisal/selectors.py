"""The project's AMSTAR 2 table: one row per review, its consensus answers and its rating.

A review's rating is computed from its submitted consensus appraisal; where there is none, the
rating the umbrella review published is shown instead and labelled as such (the one rule of
`reviews.registry.ratings`, to which `consensus_join` is plugged in by `apps.AppraisalConfig`).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, FilteredRelation, Prefetch, Q, QuerySet

from reviews.models import IncludedReview
from reviews.registry.ratings import RATING_LABELS, RATING_ORDER

from . import amstar2
from .models import Appraisal, ItemAnswer


def submitted_consensus():
    return Appraisal.objects.filter(
        role=Appraisal.Role.CONSENSUS, status=Appraisal.Status.SUBMITTED
    )


def consensus_join(path: str = "") -> FilteredRelation:
    """A LEFT JOIN to the submitted consensus appraisal of a review (`path` leads from the
    queried model to the review, e.g. "review__"). A join, not a correlated subquery: one
    review has at most one consensus (unique per role), and PostgreSQL plans a join over
    100,000 rows in milliseconds where the subquery runs once per row."""
    return FilteredRelation(
        f"{path}appraisals",
        condition=Q(
            **{
                f"{path}appraisals__role": Appraisal.Role.CONSENSUS,
                f"{path}appraisals__status": Appraisal.Status.SUBMITTED,
            }
        ),
    )


@dataclass
class AppraisalRow:
    review: IncludedReview
    answers: dict[int, str] = field(default_factory=dict)
    variant: amstar2.Variant | None = None
    rating: str = ""
    rating_source: str = ""  # "computed", "published" or ""

    @property
    def rating_label(self) -> str:
        return RATING_LABELS.get(self.rating, "")

    def cells(self) -> list[tuple[int, str, bool]]:
        """(item, answer, scored) for the 16 columns."""
        return [
            (n, self.answers.get(n, ""), self.variant.scores(n) if self.variant else True)
            for n in amstar2.ITEM_NUMBERS
        ]


def appraisal_rows(reviews: QuerySet[IncludedReview]) -> list[AppraisalRow]:
    """Rows of the AMSTAR 2 table in three queries (reviews, consensus, answers)."""
    consensus = Prefetch(
        "appraisals",
        queryset=submitted_consensus().prefetch_related("answers"),
        to_attr="consensus_list",
    )
    rows = []
    for review in reviews.prefetch_related(consensus):
        row = AppraisalRow(review=review)
        if review.consensus_list:
            appraisal = review.consensus_list[0]
            row.answers = {a.item: a.answer for a in appraisal.answers.all() if a.answer}
            row.variant = appraisal.variant_rules
            row.rating, row.rating_source = appraisal.overall, "computed"
        elif review.published_rating:
            row.rating, row.rating_source = review.published_rating, "published"
        rows.append(row)
    return rows


def rating_counts(reviews: QuerySet[IncludedReview]) -> list[tuple[str, str, int]]:
    """(value, label, count) in rating order, then the unrated; `reviews` from with_ratings."""
    # "rating" is with_ratings' annotation, which django-stubs cannot see on the QuerySet type.
    tallies = reviews.order_by().values("rating").annotate(n=Count("pk"))  # type: ignore[misc]
    counts = Counter({tally["rating"] or "": tally["n"] for tally in tallies})
    table = [(value, RATING_LABELS[value], counts[value]) for value in RATING_ORDER]
    return [*table, ("", "Not rated", counts[""])]


@dataclass(frozen=True)
class Weakness:
    item: amstar2.Item
    eligible: int  # reviews with a consensus whose variant scores this item
    weak: int  # of those, answered "no"

    @property
    def percent(self) -> float | None:
        return 100 * self.weak / self.eligible if self.eligible else None


@dataclass(frozen=True)
class AnswerTallies:
    variants: Counter  # rule-set code → consensus appraisals
    answers: Counter  # (item, answer, rule-set code) → answers


def answer_tallies(reviews: QuerySet[IncludedReview]) -> AnswerTallies:
    """Consensus appraisals by rule set, and their answers by (item, answer, rule set)."""
    consensus = submitted_consensus().filter(review__in=reviews.order_by().values("pk"))
    variants = Counter(
        {row["variant"]: row["n"] for row in consensus.values("variant").annotate(n=Count("pk"))}
    )
    answers = ItemAnswer.objects.filter(appraisal__in=consensus).exclude(answer="")
    rows = answers.values("item", "answer", "appraisal__variant").annotate(n=Count("pk"))
    return AnswerTallies(
        variants, Counter({(r["item"], r["answer"], r["appraisal__variant"]): r["n"] for r in rows})
    )


def weakness_counts(tallies: AnswerTallies) -> list[Weakness]:
    """For each item, how many eligible reviews had a weakness there (most common first).

    Eligible: the review has a consensus appraisal whose rule set scores the item. Counted in
    the database, so the cost does not grow with the number of rows shown.
    """
    variants, answers = tallies.variants, tallies.answers
    weaknesses = []
    for item in amstar2.ITEMS:
        scoring = [code for code in variants if amstar2.VARIANTS[code].scores(item.number)]
        eligible = sum(variants[code] for code in scoring)
        weak = sum(answers[(item.number, amstar2.Answer.NO.value, code)] for code in scoring)
        weaknesses.append(Weakness(item, eligible, weak))
    return sorted(weaknesses, key=lambda w: (-w.weak, w.item.number))


def answer_counts(tallies: AnswerTallies) -> dict[int, Counter]:
    """Per item, how often each answer was given in the consensus appraisals; an answer to an
    item the review's rule set does not score counts as "not scored"."""
    variants, answers = tallies.variants, tallies.answers
    counts: dict[int, Counter[str]] = {n: Counter() for n in amstar2.ITEM_NUMBERS}
    for (item, answer, code), n in answers.items():
        scored = amstar2.VARIANTS[code].scores(item)
        counts[item][answer if scored else amstar2.Answer.NOT_SCORED.value] += n
    for counter in counts.values():
        # Unscored items may be left unanswered: they still belong in the "not scored" bar.
        counter[amstar2.Answer.NOT_SCORED.value] += sum(variants.values()) - sum(counter.values())
    return counts
