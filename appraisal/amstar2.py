"""AMSTAR 2: its overall-confidence rule, adapted variants and rater agreement, over the
instrument held as data (answers, items, guidance texts) in `amstar2_items`.

Pure Python: no Django imports, so the rules can be tested and reused without a database.

Sources
-------
* Shea BJ, Reeves BC, Wells G, Thuku M, Hamel C, Moran J, et al. AMSTAR 2: a critical
  appraisal tool for systematic reviews that include randomised or non-randomised studies
  of healthcare interventions, or both. BMJ 2017;358:j4008. -- the 16 items, the answers
  each item offers, the critical items (2, 4, 7, 9, 11, 13, 15) and the overall-confidence
  rule (High / Moderate / Low / Critically low).
* Cooper et al. BMC Medicine 2024;22:72. -- the model for the adapted variants: scoping
  reviews not scored on the risk-of-bias item (9); reviews without a meta-analysis not
  scored on the meta-analysis items; adjusted guidance for scoping and qualitative reviews
  on items 1, 2, 8 and 9 (their Appendix 3).
* Tricco AC, Lillie E, Zarin W, et al. PRISMA Extension for Scoping Reviews (PRISMA-ScR):
  checklist and explanation. Ann Intern Med 2018;169:467-73. -- scoping-review protocol
  and reporting conventions used in the adapted guidance (critical appraisal is optional).
* Cohen J. A coefficient of agreement for nominal scales. Educ Psychol Meas 1960;20:37-46.
  -- Cohen's kappa.

The item questions and criteria below are our own paraphrases, not the instrument's wording;
the adapted guidance is our own wording, modelled on the kinds of adjustment Cooper et al.
describe. See docs/amstar2.md. The answers, items and guidance texts are tables in
`amstar2_items` (re-exported here); this module holds the rules that read them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

from reviews.registry.confidence import Confidence  # the scale published ratings use too

from .amstar2_items import (
    COOPER_2024,
    ITEMS,
    QUALITATIVE_GUIDANCE,
    SCOPING_GUIDANCE,
    SHEA_2017,
    TRICCO_2018,
    Answer,
    Item,
)

__all__ = [
    "CRITICAL_ITEMS",
    "ITEMS",
    "ITEM_NUMBERS",
    "REVIEW_TYPES",
    "SPLIT_ITEMS",
    "VARIANTS",
    "Answer",
    "Confidence",
    "Item",
    "Variant",
    "allowed_answers",
    "cohens_kappa",
    "combine_parts",
    "get_item",
    "overall_confidence",
    "percent_agreement",
    "variant_for",
    "weaknesses",
]


#: Review-type values of the reviews app, in the order the app lists them.
REVIEW_TYPES: tuple[str, ...] = (
    "sr_meta_analysis",
    "sr_no_meta_analysis",
    "sr_qualitative",
    "scoping",
    "realist",
    "other",
)

_ITEMS_BY_NUMBER: Mapping[int, Item] = MappingProxyType({item.number: item for item in ITEMS})

#: The item numbers, 1 to 16.
ITEM_NUMBERS: tuple[int, ...] = tuple(item.number for item in ITEMS)

#: Items whose weakness is a critical flaw (Shea et al. 2017, Box 1).
CRITICAL_ITEMS: frozenset[int] = frozenset(item.number for item in ITEMS if item.critical)

#: Items answered separately for RCTs and NRSI when a review includes both (see
#: :func:`combine_parts`).
SPLIT_ITEMS: frozenset[int] = frozenset(item.number for item in ITEMS if item.split_by_design)


def get_item(number: int) -> Item:
    """Return item ``number`` (1-16); raise ``ValueError`` for any other number."""
    if not _is_item_number(number):
        raise ValueError(f"unknown AMSTAR 2 item {number!r}: items are numbered 1 to 16")
    return _ITEMS_BY_NUMBER[number]


# --------------------------------------------------------------------------------------
# Variants
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Variant:
    """An adaptation of AMSTAR 2 to a kind of review, held as data.

    ``not_scored`` items never count towards the overall rating (any answer given to them is
    ignored, and they may be answered ``not_scored`` or left out). ``adapted_guidance`` maps
    item numbers to guidance that replaces or qualifies the standard criteria when the item
    is judged for this kind of review.
    """

    code: str
    name: str
    description: str
    source: str
    review_types: tuple[str, ...]
    not_scored: frozenset[int] = frozenset()
    adapted_guidance: Mapping[int, str] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )

    @property
    def adapted_items(self) -> frozenset[int]:
        """Items whose guidance this variant adapts."""
        return frozenset(self.adapted_guidance)

    def scores(self, item: int) -> bool:
        """Whether ``item`` counts towards the overall rating under this variant."""
        return item not in self.not_scored


_NO_MA_ITEMS = frozenset({11, 12, 15})

STANDARD = Variant(
    code="standard",
    name="Standard AMSTAR 2",
    description=(
        "The published instrument. Every item counts; items 11, 12 and 15 may be answered "
        "'no meta-analysis', which never counts as a weakness."
    ),
    source=SHEA_2017,
    review_types=("sr_meta_analysis", "realist", "other"),
)

NO_META_ANALYSIS = Variant(
    code="no_meta_analysis",
    name="Systematic review without meta-analysis",
    description=(
        "Reviews without a meta-analysis are not scored on the meta-analysis items (11, 12) "
        "or the publication-bias item (15)."
    ),
    source=f"{COOPER_2024} Built on {SHEA_2017}",
    review_types=("sr_no_meta_analysis",),
    not_scored=_NO_MA_ITEMS,
)

QUALITATIVE_SYNTHESIS = Variant(
    code="qualitative_synthesis",
    name="Qualitative evidence synthesis",
    description=(
        "Items 1, 2, 8 and 9 are judged with guidance adapted to qualitative evidence "
        "synthesis; items 11, 12 and 15 are not scored because there is no meta-analysis."
    ),
    source=f"{COOPER_2024} Built on {SHEA_2017}",
    review_types=("sr_qualitative",),
    not_scored=_NO_MA_ITEMS,
    adapted_guidance=QUALITATIVE_GUIDANCE,
)

SCOPING_REVIEW = Variant(
    code="scoping_review",
    name="Scoping review",
    description=(
        "Items 1, 2 and 8 are judged with guidance adapted to scoping reviews; item 9 (risk "
        "of bias) is not scored because scoping reviews map the literature regardless of "
        "risk of bias; items 11, 12 and 15 are not scored because there is no meta-analysis."
    ),
    source=f"{COOPER_2024} {TRICCO_2018} Built on {SHEA_2017}",
    review_types=("scoping",),
    not_scored=_NO_MA_ITEMS | {9},
    adapted_guidance=SCOPING_GUIDANCE,
)

#: All variants, by code.
VARIANTS: Mapping[str, Variant] = MappingProxyType(
    {v.code: v for v in (STANDARD, NO_META_ANALYSIS, QUALITATIVE_SYNTHESIS, SCOPING_REVIEW)}
)

_VARIANT_BY_REVIEW_TYPE: Mapping[str, Variant] = MappingProxyType(
    {review_type: variant for variant in VARIANTS.values() for review_type in variant.review_types}
)


def variant_for(review_type: str | None) -> Variant:
    """Return the variant that applies to a review of type ``review_type``.

    ``None``, ``"sr_meta_analysis"``, ``"realist"`` and ``"other"`` get the standard
    instrument; ``"sr_no_meta_analysis"`` the no-meta-analysis variant; ``"sr_qualitative"``
    the qualitative-synthesis variant; ``"scoping"`` the scoping-review variant. Any other
    value raises ``ValueError`` (a typo must not silently fall back to the standard rules).
    """
    if review_type is None:
        return STANDARD
    try:
        return _VARIANT_BY_REVIEW_TYPE[review_type]
    except (KeyError, TypeError):
        known = ", ".join(REVIEW_TYPES)
        raise ValueError(
            f"unknown review type {review_type!r}: expected None or one of {known}"
        ) from None


def allowed_answers(item: int, review_type: str | None = None) -> tuple[str, ...]:
    """Answers item ``item`` accepts for a review of type ``review_type``.

    The instrument's own answers for the item, plus ``"not_scored"`` where the review
    type's variant does not score the item.
    """
    answers: tuple[str, ...] = tuple(str(a) for a in get_item(item).answers)
    if not variant_for(review_type).scores(item):
        answers += (Answer.NOT_SCORED.value,)
    return answers


# --------------------------------------------------------------------------------------
# Items 9 and 11: RCT and NRSI parts
# --------------------------------------------------------------------------------------

_GRADE = {Answer.NO: 0, Answer.PARTIAL_YES: 1, Answer.YES: 2}


def combine_parts(rct: str | None, nrsi: str | None) -> str:
    """Combine the RCT and NRSI parts of item 9 or 11 into the item's single answer.

    ``None`` means the part does not apply (the review includes no studies of that design;
    the instrument's "includes only NRSI" / "includes only RCTs"). The result is the WORSE
    of the graded parts, ordered ``no`` < ``partial_yes`` < ``yes``.

    ``"no_meta_analysis"`` and ``"not_scored"`` parts carry no grade: they are ignored when
    the other part is graded (a review pooling its RCTs but not its NRSI is judged on the RCT
    pooling). When neither part is graded the result is ``"no_meta_analysis"`` if either part
    says so, else ``"not_scored"``.

    Raises ``ValueError`` when both parts are ``None`` or a part is not an answer string.
    Whether the combined answer is allowed for the item (e.g. ``partial_yes`` is not, for
    item 11) is checked by :func:`overall_confidence`, not here.
    """
    parts = []
    for name, value in (("rct", rct), ("nrsi", nrsi)):
        if value is None:
            continue
        try:
            parts.append(Answer(value))
        except ValueError:
            raise ValueError(
                f"{name} part {value!r} is not an AMSTAR 2 answer "
                f"({', '.join(a.value for a in Answer)})"
            ) from None
    if not parts:
        raise ValueError("at least one of the rct and nrsi parts must be given")
    graded = [p for p in parts if p in _GRADE]
    if graded:
        return min(graded, key=_GRADE.__getitem__).value
    if Answer.NO_META_ANALYSIS in parts:
        return Answer.NO_META_ANALYSIS.value
    return Answer.NOT_SCORED.value


# --------------------------------------------------------------------------------------
# Overall confidence
# --------------------------------------------------------------------------------------


def _is_item_number(key: object) -> bool:
    return isinstance(key, int) and not isinstance(key, bool) and key in _ITEMS_BY_NUMBER


def _validate(answers: Mapping[int, str], variant: Variant) -> None:
    """Raise one ``ValueError`` naming every missing item, unknown item and bad answer."""
    unknown = [key for key in answers if not _is_item_number(key)]
    missing = [n for n in ITEM_NUMBERS if n not in answers and variant.scores(n)]
    invalid: list[str] = []
    for number in ITEM_NUMBERS:
        if number not in answers:
            continue
        value = answers[number]
        allowed = tuple(str(a) for a in _ITEMS_BY_NUMBER[number].answers)
        if not variant.scores(number):
            allowed += (Answer.NOT_SCORED.value,)
        if not isinstance(value, str) or value not in allowed:
            invalid.append(f"item {number}: {value!r} (allowed: {', '.join(allowed)})")
    problems = []
    if missing:
        problems.append("missing items " + ", ".join(str(n) for n in missing))
    if unknown:
        problems.append("unknown items " + ", ".join(repr(k) for k in unknown))
    if invalid:
        problems.append("answers not allowed: " + "; ".join(invalid))
    if problems:
        raise ValueError(
            f"invalid AMSTAR 2 answers for variant {variant.code!r}: " + "; ".join(problems)
        )


def weaknesses(
    answers: Mapping[int, str], review_type: str | None = None
) -> tuple[frozenset[int], frozenset[int]]:
    """Return ``(critical_flaws, non_critical_weaknesses)`` as sets of item numbers.

    An item is a weakness when it is answered ``"no"`` and the review type's variant scores
    it; it is a critical flaw when the item is critical. ``"partial_yes"``,
    ``"no_meta_analysis"`` and ``"not_scored"`` are never weaknesses. ``answers`` is
    validated as in :func:`overall_confidence`.
    """
    variant = variant_for(review_type)
    _validate(answers, variant)
    flawed = {
        number for number, value in answers.items() if value == Answer.NO and variant.scores(number)
    }
    return frozenset(flawed & CRITICAL_ITEMS), frozenset(flawed - CRITICAL_ITEMS)


def overall_confidence(answers: Mapping[int, str], review_type: str | None = None) -> str:
    """Rate overall confidence in a review's results from its 16 AMSTAR 2 answers.

    Shea et al. 2017 (Box 2):

    * ``"high"`` -- no critical flaw and at most one non-critical weakness;
    * ``"moderate"`` -- no critical flaw and more than one non-critical weakness;
    * ``"low"`` -- exactly one critical flaw, with or without non-critical weaknesses;
    * ``"critically_low"`` -- more than one critical flaw.

    ``answers`` maps item numbers 1-16 to answer strings (see :class:`Answer`). Items the
    review type's variant does not score may be left out or answered ``"not_scored"``; any
    answer they carry is ignored. Every scored item must be present. Missing items, unknown
    item numbers and answers an item does not allow raise one ``ValueError`` naming all of
    them.
    """
    critical, non_critical = weaknesses(answers, review_type)
    if len(critical) > 1:
        return Confidence.CRITICALLY_LOW.value
    if len(critical) == 1:
        return Confidence.LOW.value
    if len(non_critical) > 1:
        return Confidence.MODERATE.value
    return Confidence.HIGH.value


# --------------------------------------------------------------------------------------
# Agreement between two raters
# --------------------------------------------------------------------------------------


def _check_pair(a: Sequence[str], b: Sequence[str]) -> int:
    if len(a) != len(b):
        raise ValueError(f"the raters judged different numbers of items ({len(a)} vs {len(b)})")
    if not a:
        raise ValueError("agreement needs at least one judged item")
    return len(a)


def percent_agreement(a: Sequence[str], b: Sequence[str]) -> float:
    """Per cent of positions where the two raters gave the same answer (0-100).

    ``a[i]`` and ``b[i]`` are the two raters' answers to the same item. Raises ``ValueError``
    when the sequences differ in length or are empty.
    """
    n = _check_pair(a, b)
    agreed = sum(1 for x, y in zip(a, b, strict=True) if x == y)
    return 100.0 * agreed / n


def cohens_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa for two raters (Cohen 1960).

    kappa = (p_o - p_e) / (1 - p_e), where p_o is the observed proportion of agreement and
    p_e = sum over categories k of p_a(k) * p_b(k), the agreement expected by chance from each
    rater's own marginal proportions. The categories are the union of both raters' answers.

    Returns ``None`` when p_e == 1 -- both raters used one and the same category for every
    item -- because kappa is then 0/0 and undefined (percent agreement is 100% in that case).
    Computed with exact fractions, so p_e == 1 is detected without rounding error. Raises
    ``ValueError`` when the sequences differ in length or are empty.
    """
    n = _check_pair(a, b)
    p_o = Fraction(sum(1 for x, y in zip(a, b, strict=True) if x == y), n)
    count_a, count_b = Counter(a), Counter(b)
    categories = set(count_a) | set(count_b)
    p_e = sum((Fraction(count_a[k] * count_b[k], n * n) for k in categories), Fraction(0))
    if p_e == 1:
        return None
    return float((p_o - p_e) / (1 - p_e))
