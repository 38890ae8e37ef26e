"""Tests for appraisal.amstar2 (plain pytest, no database)."""

from __future__ import annotations

import dataclasses
import re

import pytest

from appraisal.amstar2 import (
    CRITICAL_ITEMS,
    ITEM_NUMBERS,
    ITEMS,
    REVIEW_TYPES,
    SPLIT_ITEMS,
    VARIANTS,
    Answer,
    Confidence,
    Variant,
    allowed_answers,
    cohens_kappa,
    combine_parts,
    get_item,
    overall_confidence,
    percent_agreement,
    variant_for,
    weaknesses,
)

NON_CRITICAL_ITEMS = sorted(set(ITEM_NUMBERS) - CRITICAL_ITEMS)
CRITICAL = sorted(CRITICAL_ITEMS)


def all_yes(**overrides: str) -> dict[int, str]:
    """Sixteen "yes" answers, with ``item_<n>=answer`` overrides."""
    answers = dict.fromkeys(ITEM_NUMBERS, "yes")
    for key, value in overrides.items():
        answers[int(key.removeprefix("item_"))] = value
    return answers


def with_no(*items: int, base: dict[int, str] | None = None) -> dict[int, str]:
    answers = dict(base or all_yes())
    for item in items:
        answers[item] = "no"
    return answers


# --------------------------------------------------------------------------------------
# The instrument as data (Shea et al. 2017)
# --------------------------------------------------------------------------------------


def test_sixteen_items_numbered_in_order() -> None:
    assert tuple(range(1, 17)) == ITEM_NUMBERS
    assert [item.number for item in ITEMS] == list(range(1, 17))


def test_critical_items_are_2_4_7_9_11_13_15() -> None:
    assert frozenset({2, 4, 7, 9, 11, 13, 15}) == CRITICAL_ITEMS
    assert {item.number for item in ITEMS if item.critical} == CRITICAL_ITEMS


def test_partial_yes_only_on_items_2_4_7_8_9() -> None:
    assert {item.number for item in ITEMS if item.allows_partial_yes} == {2, 4, 7, 8, 9}
    for item in ITEMS:
        assert bool(item.partial_yes_criteria) == item.allows_partial_yes, item.number


def test_no_meta_analysis_only_on_items_11_12_15() -> None:
    assert {item.number for item in ITEMS if Answer.NO_META_ANALYSIS in item.answers} == {
        11,
        12,
        15,
    }


def test_no_item_offers_not_scored_in_the_published_instrument() -> None:
    assert all(Answer.NOT_SCORED not in item.answers for item in ITEMS)


def test_items_9_and_11_are_split_by_design() -> None:
    assert frozenset({9, 11}) == SPLIT_ITEMS
    for number in SPLIT_ITEMS:
        item = get_item(number)
        assert any(c.startswith("RCT: ") for c in item.yes_criteria)
        assert any(c.startswith("NRSI: ") for c in item.yes_criteria)


def test_every_item_has_question_label_and_yes_criteria() -> None:
    for item in ITEMS:
        assert item.question.endswith("?")
        assert item.label
        assert item.yes_criteria


def test_questions_are_paraphrased_not_the_instrument_stem() -> None:
    # Most published AMSTAR 2 questions open "Did the review authors ..." or "If
    # meta-analysis was performed ..."; ours must not copy that wording.
    for item in ITEMS:
        assert not item.question.startswith("Did the review authors"), item.number
        assert not item.question.startswith("If meta-analysis was performed"), item.number
    assert "include the components of PICO" not in get_item(1).question


@pytest.mark.parametrize("bad", [0, 17, -1, True, "1", 1.0])
def test_get_item_rejects_unknown_numbers(bad: object) -> None:
    with pytest.raises(ValueError, match="unknown AMSTAR 2 item"):
        get_item(bad)  # type: ignore[arg-type]


def test_items_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ITEMS[0].critical = True  # type: ignore[misc]


# --------------------------------------------------------------------------------------
# The overall-confidence rule, standard instrument
# --------------------------------------------------------------------------------------


def test_all_yes_is_high() -> None:
    assert overall_confidence(all_yes()) == "high"


@pytest.mark.parametrize("item", NON_CRITICAL_ITEMS)
def test_one_non_critical_no_is_high(item: int) -> None:
    assert overall_confidence(with_no(item)) == "high"


@pytest.mark.parametrize(
    "items",
    [(1, 3), (5, 16), (12, 14), (1, 3, 5, 6, 8, 10, 12, 14, 16)],
)
def test_more_than_one_non_critical_no_is_moderate(items: tuple[int, ...]) -> None:
    assert overall_confidence(with_no(*items)) == "moderate"


@pytest.mark.parametrize("item", CRITICAL)
def test_one_critical_no_is_low(item: int) -> None:
    assert overall_confidence(with_no(item)) == "low"


@pytest.mark.parametrize("item", CRITICAL)
def test_one_critical_no_with_non_critical_weaknesses_is_still_low(item: int) -> None:
    assert overall_confidence(with_no(item, *NON_CRITICAL_ITEMS)) == "low"


@pytest.mark.parametrize("items", [(2, 4), (7, 15), (9, 11), (2, 4, 7, 9, 11, 13, 15)])
def test_more_than_one_critical_no_is_critically_low(items: tuple[int, ...]) -> None:
    assert overall_confidence(with_no(*items)) == "critically_low"
    assert overall_confidence(with_no(*items, 1, 3)) == "critically_low"


def test_partial_yes_never_counts() -> None:
    answers = all_yes()
    for item in ITEMS:
        if item.allows_partial_yes:
            answers[item.number] = "partial_yes"
    assert overall_confidence(answers) == "high"
    assert weaknesses(answers) == (frozenset(), frozenset())


def test_no_meta_analysis_never_counts() -> None:
    answers = all_yes(item_11="no_meta_analysis", item_12="no_meta_analysis")
    answers[15] = "no_meta_analysis"
    assert overall_confidence(answers) == "high"
    assert overall_confidence(answers, "sr_meta_analysis") == "high"


def test_result_values_are_the_confidence_strings() -> None:
    assert {c.value for c in Confidence} == {"high", "moderate", "low", "critically_low"}
    assert type(overall_confidence(all_yes())) is str


def test_answer_enum_members_are_accepted() -> None:
    answers: dict[int, str] = dict.fromkeys(ITEM_NUMBERS, Answer.YES)
    answers[2] = Answer.NO
    assert overall_confidence(answers) == Confidence.LOW


def test_weaknesses_split_critical_and_non_critical() -> None:
    answers = with_no(2, 13, 1, 10)
    answers[4] = "partial_yes"
    assert weaknesses(answers) == (frozenset({2, 13}), frozenset({1, 10}))


# --------------------------------------------------------------------------------------
# Validation: every problem named in one message
# --------------------------------------------------------------------------------------


def test_missing_items_raise_naming_them() -> None:
    answers = all_yes()
    del answers[3], answers[11]
    with pytest.raises(ValueError, match=r"missing items 3, 11") as info:
        overall_confidence(answers)
    assert "unknown" not in str(info.value)


def test_unknown_items_raise_naming_them() -> None:
    answers: dict[object, str] = dict(all_yes())
    answers[0] = "yes"
    answers[17] = "no"
    answers["4"] = "yes"
    with pytest.raises(ValueError, match=r"unknown items 0, 17, '4'"):
        overall_confidence(answers)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("item", "answer"),
    [
        (1, "partial_yes"),  # item 1 offers Yes/No only
        (11, "partial_yes"),
        (3, "no_meta_analysis"),  # only 11, 12, 15 offer it
        (13, "no_meta_analysis"),
        (11, "not_scored"),  # the standard instrument scores every item
        (5, "Yes"),  # answers are lower-case codes
        (6, "maybe"),
        (7, None),
    ],
)
def test_answers_an_item_does_not_allow_raise(item: int, answer: object) -> None:
    answers: dict[int, object] = dict(all_yes())
    answers[item] = answer
    with pytest.raises(ValueError, match=rf"item {item}: {re.escape(repr(answer))}"):
        overall_confidence(answers)  # type: ignore[arg-type]


def test_all_problems_reported_together() -> None:
    answers: dict[object, object] = dict(all_yes())
    del answers[16]
    answers[1] = "partial_yes"
    answers[12] = "sometimes"
    answers[99] = "yes"
    with pytest.raises(ValueError, match="invalid AMSTAR 2 answers") as info:
        overall_confidence(answers)  # type: ignore[arg-type]
    message = str(info.value)
    for fragment in (
        "missing items 16",
        "unknown items 99",
        "item 1: 'partial_yes'",
        "item 12: 'sometimes'",
    ):
        assert fragment in message


def test_weaknesses_validates_too() -> None:
    with pytest.raises(ValueError, match="missing items"):
        weaknesses({1: "yes"})


# --------------------------------------------------------------------------------------
# Variants (Cooper et al. 2024 model)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("review_type", "code"),
    [
        (None, "standard"),
        ("sr_meta_analysis", "standard"),
        ("realist", "standard"),
        ("other", "standard"),
        ("sr_no_meta_analysis", "no_meta_analysis"),
        ("sr_qualitative", "qualitative_synthesis"),
        ("scoping", "scoping_review"),
    ],
)
def test_variant_for_review_types(review_type: str | None, code: str) -> None:
    assert variant_for(review_type).code == code
    assert variant_for(review_type) is VARIANTS[code]


def test_every_review_type_has_a_variant() -> None:
    for review_type in REVIEW_TYPES:
        assert isinstance(variant_for(review_type), Variant)


@pytest.mark.parametrize("bad", ["scoping review", "SR_META_ANALYSIS", "", 3])
def test_unknown_review_type_raises(bad: object) -> None:
    with pytest.raises(ValueError, match="unknown review type"):
        variant_for(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown review type"):
        overall_confidence(all_yes(), bad)  # type: ignore[arg-type]


def test_variants_are_data() -> None:
    scoping = VARIANTS["scoping_review"]
    qualitative = VARIANTS["qualitative_synthesis"]
    no_ma = VARIANTS["no_meta_analysis"]
    standard = VARIANTS["standard"]
    assert standard.not_scored == frozenset()
    assert standard.adapted_items == frozenset()
    assert no_ma.not_scored == frozenset({11, 12, 15})
    assert no_ma.adapted_items == frozenset()
    assert qualitative.not_scored == frozenset({11, 12, 15})
    assert qualitative.adapted_items == frozenset({1, 2, 8, 9})
    assert scoping.not_scored == frozenset({9, 11, 12, 15})
    assert scoping.adapted_items == frozenset({1, 2, 8, 9})
    assert "PCC" in scoping.adapted_guidance[1]
    assert "PICo" in qualitative.adapted_guidance[1]
    assert "CASP" in qualitative.adapted_guidance[9]
    for variant in (scoping, qualitative, no_ma):
        assert "Cooper" in variant.source
        assert "Shea" in variant.source
    assert "Tricco" in scoping.source
    with pytest.raises(dataclasses.FrozenInstanceError):
        scoping.not_scored = frozenset()  # type: ignore[misc]
    with pytest.raises(TypeError):
        scoping.adapted_guidance[3] = "x"  # type: ignore[index]
    assert hash(scoping) == hash(VARIANTS["scoping_review"])


VARIANT_UNSCORED = [
    ("scoping", 9),
    ("scoping", 11),
    ("scoping", 12),
    ("scoping", 15),
    ("sr_qualitative", 11),
    ("sr_qualitative", 12),
    ("sr_qualitative", 15),
    ("sr_no_meta_analysis", 11),
    ("sr_no_meta_analysis", 12),
    ("sr_no_meta_analysis", 15),
]


@pytest.mark.parametrize(("review_type", "item"), VARIANT_UNSCORED)
def test_no_on_an_unscored_item_never_counts(review_type: str, item: int) -> None:
    assert overall_confidence(with_no(item), review_type) == "high"
    assert weaknesses(with_no(item), review_type) == (frozenset(), frozenset())


@pytest.mark.parametrize(("review_type", "item"), VARIANT_UNSCORED)
def test_unscored_item_may_be_not_scored_or_missing(review_type: str, item: int) -> None:
    assert overall_confidence(all_yes(**{f"item_{item}": "not_scored"}), review_type) == "high"
    answers = all_yes()
    del answers[item]
    assert overall_confidence(answers, review_type) == "high"


@pytest.mark.parametrize("review_type", ["scoping", "sr_qualitative", "sr_no_meta_analysis"])
def test_all_unscored_items_no_together_still_high(review_type: str) -> None:
    unscored = variant_for(review_type).not_scored
    assert overall_confidence(with_no(*unscored), review_type) == "high"
    # ...and the scored critical items still decide the rating.
    assert overall_confidence(with_no(*unscored, 2), review_type) == "low"
    assert overall_confidence(with_no(*unscored, 2, 13), review_type) == "critically_low"
    assert overall_confidence(with_no(*unscored, 1, 3), review_type) == "moderate"


def test_item_9_is_scored_for_qualitative_syntheses_but_not_scoping_reviews() -> None:
    assert overall_confidence(with_no(9), "sr_qualitative") == "low"
    assert overall_confidence(with_no(9), "scoping") == "high"
    assert overall_confidence(with_no(9), None) == "low"


def test_meta_analysis_items_count_in_the_standard_instrument() -> None:
    assert overall_confidence(with_no(11, 15), "sr_meta_analysis") == "critically_low"
    assert overall_confidence(with_no(11, 15), "sr_no_meta_analysis") == "high"


def test_not_scored_on_a_scored_item_raises() -> None:
    with pytest.raises(ValueError, match=r"item 2: 'not_scored'"):
        overall_confidence(all_yes(item_2="not_scored"), "scoping")
    with pytest.raises(ValueError, match=r"item 9: 'not_scored'"):
        overall_confidence(all_yes(item_9="not_scored"), "sr_qualitative")


def test_missing_scored_item_still_raises_under_a_variant() -> None:
    answers = all_yes()
    del answers[9], answers[13]
    with pytest.raises(ValueError, match=r"missing items 13\b") as info:
        overall_confidence(answers, "scoping")  # 9 is unscored for scoping: not missing
    assert "missing items 13" in str(info.value)
    assert "9," not in str(info.value)


def test_invalid_answer_on_unscored_item_still_raises() -> None:
    with pytest.raises(ValueError, match=r"item 9: 'dunno'"):
        overall_confidence(all_yes(item_9="dunno"), "scoping")


@pytest.mark.parametrize(
    ("item", "review_type", "expected"),
    [
        (1, None, ("yes", "no")),
        (2, None, ("yes", "partial_yes", "no")),
        (8, None, ("yes", "partial_yes", "no")),
        (11, None, ("yes", "no", "no_meta_analysis")),
        (11, "sr_no_meta_analysis", ("yes", "no", "no_meta_analysis", "not_scored")),
        (9, "scoping", ("yes", "partial_yes", "no", "not_scored")),
        (9, "sr_qualitative", ("yes", "partial_yes", "no")),
        (16, "scoping", ("yes", "no")),
    ],
)
def test_allowed_answers(item: int, review_type: str | None, expected: tuple[str, ...]) -> None:
    assert allowed_answers(item, review_type) == expected


def test_allowed_answers_rejects_unknown_item_and_type() -> None:
    with pytest.raises(ValueError, match="unknown AMSTAR 2 item"):
        allowed_answers(17)
    with pytest.raises(ValueError, match="unknown review type"):
        allowed_answers(1, "umbrella")


# --------------------------------------------------------------------------------------
# Items 9 and 11: combining the RCT and NRSI parts
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rct", "nrsi", "expected"),
    [
        ("yes", "yes", "yes"),
        ("yes", "partial_yes", "partial_yes"),
        ("partial_yes", "yes", "partial_yes"),
        ("yes", "no", "no"),
        ("no", "partial_yes", "no"),
        ("partial_yes", "partial_yes", "partial_yes"),
        ("yes", None, "yes"),  # review includes only RCTs
        (None, "no", "no"),  # review includes only NRSI
        ("yes", "no_meta_analysis", "yes"),  # RCTs pooled, NRSI not
        ("no_meta_analysis", "no", "no"),
        ("no_meta_analysis", "no_meta_analysis", "no_meta_analysis"),
        ("no_meta_analysis", None, "no_meta_analysis"),
        ("not_scored", "not_scored", "not_scored"),
        ("not_scored", None, "not_scored"),
        ("not_scored", "no_meta_analysis", "no_meta_analysis"),
        ("not_scored", "partial_yes", "partial_yes"),
    ],
)
def test_combine_parts(rct: str | None, nrsi: str | None, expected: str) -> None:
    assert combine_parts(rct, nrsi) == expected


def test_combine_parts_needs_a_part_and_valid_answers() -> None:
    with pytest.raises(ValueError, match="at least one"):
        combine_parts(None, None)
    with pytest.raises(ValueError, match=r"nrsi part 'maybe'"):
        combine_parts("yes", "maybe")


def test_combined_answer_feeds_the_rating() -> None:
    answers = all_yes(
        item_9=combine_parts("yes", "partial_yes"), item_11=combine_parts("yes", "no")
    )
    assert answers[9] == "partial_yes"
    assert overall_confidence(answers) == "low"


# --------------------------------------------------------------------------------------
# Agreement between two raters
# --------------------------------------------------------------------------------------


def test_kappa_published_example_fifty_grant_proposals() -> None:
    # Classic textbook example (e.g. Wikipedia "Cohen's kappa"; howcodex.com statistics
    # tutorial): two readers judge 50 grant proposals Yes/No.
    #               B yes  B no
    #     A yes       20     5     A: 25 yes (50%)
    #     A no        10    15     B: 30 yes (60%)
    # p_o = (20 + 15) / 50 = 0.70
    # p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.50
    # kappa = (0.70 - 0.50) / (1 - 0.50) = 0.40  (published value)
    a = ["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert percent_agreement(a, b) == pytest.approx(70.0)
    assert cohens_kappa(a, b) == pytest.approx(0.40)


def test_kappa_hand_worked_sixteen_items_three_categories() -> None:
    # Two raters answer the 16 AMSTAR 2 items of one review (Y = yes, P = partial_yes,
    # N = no). Cross-tabulation, rows rater A, columns rater B:
    #              B:Y  B:P  B:N | A total
    #     A:Y       6    1    1  |   8
    #     A:P       1    2    0  |   3
    #     A:N       0    1    4  |   5
    #     B total   7    4    5  |  16
    # p_o = (6 + 2 + 4) / 16 = 12/16 = 0.75  -> 75 % agreement
    # p_e = (8*7 + 3*4 + 5*5) / 16^2 = (56 + 12 + 25) / 256 = 93/256
    # kappa = (192/256 - 93/256) / (1 - 93/256) = 99/163 = 0.607362...
    pairs = (
        [("yes", "yes")] * 6
        + [("yes", "partial_yes")]
        + [("yes", "no")]
        + [("partial_yes", "yes")]
        + [("partial_yes", "partial_yes")] * 2
        + [("no", "partial_yes")]
        + [("no", "no")] * 4
    )
    assert len(pairs) == 16
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    assert percent_agreement(a, b) == 75.0
    assert cohens_kappa(a, b) == pytest.approx(99 / 163)
    # Kappa is symmetric in the two raters.
    assert cohens_kappa(b, a) == pytest.approx(99 / 163)


def test_kappa_categories_are_the_union_of_both_raters() -> None:
    # A uses only "yes"; B uses "yes" and "no" (4 items).
    # p_o = 2/4; p_e = 1 * 2/4 + 0 * 2/4 = 1/2 -> kappa = 0
    assert cohens_kappa(["yes"] * 4, ["yes", "yes", "no", "no"]) == pytest.approx(0.0)


def test_kappa_perfect_and_worse_than_chance() -> None:
    assert cohens_kappa(["yes", "no", "yes"], ["yes", "no", "yes"]) == pytest.approx(1.0)
    # Complete disagreement on a balanced 2x2: p_o = 0, p_e = 0.5 -> kappa = -1
    assert cohens_kappa(["yes", "no"], ["no", "yes"]) == pytest.approx(-1.0)


def test_kappa_undefined_when_both_raters_use_one_category() -> None:
    # p_e = 1 * 1 = 1 -> (p_o - p_e) / (1 - p_e) = 0/0
    a = ["yes"] * 16
    assert cohens_kappa(a, list(a)) is None
    assert percent_agreement(a, list(a)) == 100.0


@pytest.mark.parametrize("func", [percent_agreement, cohens_kappa])
def test_agreement_rejects_unequal_or_empty_sequences(func: object) -> None:
    with pytest.raises(ValueError, match="different numbers"):
        func(["yes"], ["yes", "no"])  # type: ignore[operator]
    with pytest.raises(ValueError, match="at least one"):
        func([], [])  # type: ignore[operator]
