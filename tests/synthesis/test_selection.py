"""The selection rule (pure): a constructed outcome with exact expected rows for each rule."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.registry.ratings import RATING_ORDER
from synthesis.selection import (
    DEFAULT_RULE,
    Candidate,
    Criterion,
    Discord,
    Reason,
    discordance,
    parse_rule,
    rule_text,
    select,
)

# Four meta-analyses of one outcome, given in review-label order (as the selector passes them).
ADAMS = Candidate("A", "Adams 2018", rating="high", grade="low", k=5, n=400, year=2018,
                  measure="smd", estimate=0.3, ci_low=0.1, ci_high=0.5, null=0.0)  # fmt: skip
BAKER = Candidate("B", "Baker 2021", rating="moderate", grade="moderate", k=12, n=900, year=2021,
                  measure="smd", estimate=0.2, ci_low=0.05, ci_high=0.35, null=0.0)  # fmt: skip
CHEN = Candidate("C", "Chen 2019", rating="moderate", grade="moderate", k=12, n=1500, year=2019,
                 measure="smd", estimate=0.25, ci_low=0.1, ci_high=0.4, null=0.0)  # fmt: skip
DIAZ = Candidate("D", "Diaz 2023", rating="critically_low", k=20, n=1500, year=2023,
                 measure="smd", estimate=0.6, ci_low=0.45, ci_high=0.75, null=0.0)  # fmt: skip
OUTCOME = [ADAMS, BAKER, CHEN, DIAZ]


@pytest.mark.parametrize(
    ("rule", "chosen", "reason"),
    [
        ("rating,k,n,year", "A", Criterion.RATING),  # the only review rated high
        ("k,n,year,rating", "D", Criterion.K),  # 20 studies
        ("n,rating", "C", Criterion.RATING),  # C and D tie on n = 1500; C rated higher
        ("n,year", "D", Criterion.YEAR),  # C and D tie on n; D is newer
        ("year", "D", Criterion.YEAR),
        ("grade,k", "B", Reason.TIE),  # B and C tie on GRADE and k: first by label
        ("grade,k,n", "C", Criterion.N),
    ],
)
def test_each_rule_picks_its_row_and_names_the_deciding_criterion(rule, chosen, reason):
    selection = select(OUTCOME, parse_rule(rule))
    assert (selection.chosen.key, selection.reason) == (chosen, reason)


def test_leaving_out_critically_low_changes_the_row_a_rule_picks():
    rule = parse_rule("k,n,year,rating")
    without = [c for c in OUTCOME if c.rating != "critically_low"]
    assert select(without, rule).chosen.key == "C"  # B and C tie on k = 12; C has more n
    assert select(without, rule).reason == Criterion.N


def test_the_default_rule_is_rating_then_k_then_n_then_year():
    assert rule_text(DEFAULT_RULE) == "rating,k,n,year"
    assert select(OUTCOME, DEFAULT_RULE).chosen == ADAMS


def test_a_row_with_a_pooled_estimate_comes_before_the_rule():
    no_figures = Candidate("E", "Evans 2024", rating="high", k=40, n=5000, year=2024)
    selection = select([no_figures, DIAZ], DEFAULT_RULE)
    assert (selection.chosen.key, selection.reason) == ("D", Reason.POOLED)


def test_rows_without_figures_are_still_ranked_by_the_rule():
    first = Candidate("E", "Evans 2024", rating="low")
    second = Candidate("F", "Fox 2020", rating="high")
    assert select([first, second], DEFAULT_RULE) == select([second, first], DEFAULT_RULE)
    assert select([first, second], DEFAULT_RULE).chosen.key == "F"


def test_one_candidate_is_the_only_one_and_none_is_no_selection():
    assert select([BAKER], DEFAULT_RULE).reason == Reason.ONLY
    assert select([], DEFAULT_RULE) is None


def test_a_missing_value_loses_to_any_value():
    unknown_k = Candidate("E", "Evans 2024", rating="high", k=None, n=10)
    small_k = Candidate("F", "Fox 2020", rating="high", k=2, n=5)
    assert select([unknown_k, small_k], parse_rule("k")).chosen.key == "F"
    unrated = Candidate("G", "Gray 2020", rating="")
    lowest = Candidate("H", "Hill 2020", rating="critically_low")
    assert select([unrated, lowest], parse_rule("rating")).chosen.key == "H"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rating,size", "Unknown criterion 'size'; use rating, grade, k, n, year."),
        ("k,rating,k", "The criterion 'k' appears twice."),
        (" , ", "A rule needs at least one criterion."),
    ],
)
def test_a_bad_rule_is_refused_with_its_reason(text, message):
    with pytest.raises(ValueError, match=f"^{message}$".replace("(", r"\(").replace(")", r"\)")):
        parse_rule(text)


def test_the_rating_order_is_the_registry_order():
    from synthesis.selection import RATING_ORDER as PURE_ORDER

    assert list(PURE_ORDER) == [str(r) for r in RATING_ORDER]


def test_the_grade_order_is_the_result_fields_grade_scale_best_first():
    from synthesis.models import Grade, OutcomeResult
    from synthesis.selection import GRADE_ORDER

    assert GRADE_ORDER == ("high", "moderate", "low", "very_low")
    assert Grade.choices == [
        ("high", "High"),
        ("moderate", "Moderate"),
        ("low", "Low"),
        ("very_low", "Very low"),
    ]
    assert OutcomeResult._meta.get_field("grade_certainty").choices == Grade.choices
    low_grade = Candidate("L", "Lee 2020", grade="very_low", k=3)
    assert select([low_grade, ADAMS], [Criterion.GRADE]).chosen == ADAMS


def test_concordant_reviews_raise_no_flag():
    assert discordance(OUTCOME[:3]) == []


def test_estimates_on_opposite_sides_of_the_null_are_flagged():
    below = Candidate("E", "Evans", measure="smd", estimate=-0.1, ci_low=-0.3, ci_high=0.1,
                      null=0.0)  # fmt: skip
    assert discordance([BAKER, below]) == [Discord.OPPOSITE_SIDES]


def test_non_overlapping_cis_are_flagged():
    # DIAZ's CI (0.45 to 0.75) lies above BAKER's (0.05 to 0.35); both above the null.
    assert discordance([BAKER, DIAZ]) == [Discord.NO_CI_OVERLAP]


def test_ratio_estimates_are_compared_with_one_and_never_with_a_difference():
    rr_better = Candidate("E", "Evans", measure="rr", estimate=0.5, ci_low=0.3, ci_high=0.8,
                          null=1.0)  # fmt: skip
    rr_worse = Candidate("F", "Fox", measure="rr", estimate=1.5, ci_low=1.2, ci_high=1.9,
                         null=1.0)  # fmt: skip
    assert discordance([rr_better, rr_worse]) == [Discord.OPPOSITE_SIDES, Discord.NO_CI_OVERLAP]
    assert discordance([rr_worse, BAKER]) == []  # different measures are not compared


def test_the_rule_chooses_between_reviews_not_between_one_reviews_rows():
    post = Candidate("P", "Chien 2019", rating="high")
    follow_up = Candidate("F", "Chien 2019", rating="high")
    other = Candidate("O", "Lyons 2021", rating="low", k=9)
    assert select([post, follow_up], DEFAULT_RULE) == select([post], DEFAULT_RULE)
    assert select([post, follow_up], DEFAULT_RULE).reason == Reason.ONLY
    selection = select([post, follow_up, other], DEFAULT_RULE)
    assert (selection.chosen.key, selection.reason) == ("P", Criterion.RATING)


def _pairwise_discordance(candidates: list[Candidate]) -> list[Discord]:
    """The rule as written, over every pair (the reference for the linear version)."""
    found = set()
    figures = [c for c in candidates if c.has_estimate]
    for i, a in enumerate(figures):
        for b in figures[i + 1 :]:
            if a.measure != b.measure:
                continue
            if a.null is not None and (a.estimate - a.null) * (b.estimate - a.null) < 0:
                found.add(Discord.OPPOSITE_SIDES)
            if a.ci_high < b.ci_low or b.ci_high < a.ci_low:
                found.add(Discord.NO_CI_OVERLAP)
    return [d for d in Discord if d in found]


_numbers = st.floats(-3, 3, allow_nan=False)
_candidates = st.lists(
    st.builds(
        Candidate,
        key=st.integers(),
        review=st.integers(),
        measure=st.sampled_from(["smd", "rr"]),
        estimate=st.none() | _numbers,
        ci_low=_numbers,
        ci_high=_numbers,  # reversed limits too: the rule must not depend on valid input
        null=st.sampled_from([None, 0.0, 1.0]),
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)  # a busy machine must not fail it
@given(_candidates)
def test_discordance_agrees_with_the_pairwise_rule(candidates):
    assert discordance(candidates) == _pairwise_discordance(candidates)
