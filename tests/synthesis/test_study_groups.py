"""Several rows of one study: independent groups and dependent outcomes (synthesis.study_groups),
as metaumbrella aggregates them (R/functions_multilevel.R ``.agg_subgroups``,
``.agg_outcomes``), through the pure re-analysis."""

import math

import pytest

from synthesis.stats import OURS, combine_dependent_outcomes, combine_subgroups
from synthesis.study_data import StudyRow, reanalyse, row_problems
from synthesis.study_groups import Counts, combine_study, combined_label, study_counts

Z975 = 1.959963984540054


def counts(label, e1, n1, e2, n2, marker="outcomes", study="S"):
    return StudyRow(label, "binary", events1=e1, n1=n1, events2=e2, n2=n2, study=study,
                    multiple_es=marker)  # fmt: skip


def test_groups_add_up_their_cases_and_outcomes_count_the_largest():
    groups = [counts("g1", 10, 50, 5, 50, "groups"), counts("g2", 4, 30, 6, 30, "groups")]
    assert study_counts(groups) == (Counts(25.0, 80.0, 80.0), True)
    outcomes = [counts("o1", 10, 50, 5, 50), counts("o2", 12, 50, 9, 50)]
    assert study_counts(outcomes) == (Counts(21.0, 50.0, 50.0), True)
    # both: the groups' sum (25) is one outcome beside o2 (21): the larger counts
    assert study_counts([*groups, outcomes[1]]) == (Counts(25.0, 80.0, 80.0), True)
    # an estimate row has no cases: the count is then a lower bound
    estimate = StudyRow("e", "estimate", estimate=0.2, ci_low=0.1, ci_high=0.3, study="S")
    assert study_counts([outcomes[0], estimate]) == (Counts(15.0, 50.0, 50.0), False)


def test_groups_are_combined_first_then_with_the_outcomes():
    rows = [counts("g1", 1, 2, 1, 2, "groups"), counts("g2", 1, 2, 1, 2, "groups"),
            counts("o", 1, 2, 1, 2)]  # fmt: skip
    effects = [(0.4, 0.04), (0.1, 0.02), (0.3, 0.05)]
    groups = combine_subgroups([0.4, 0.1], [0.04, 0.02])
    assert groups == pytest.approx((0.2, 1 / 75))  # (0.4*25 + 0.1*50) / 75; 1 / (25 + 50)
    expected = combine_dependent_outcomes([0.3, groups[0]], [0.05, groups[1]], r=0.6)
    assert combine_study(rows, effects, 0.6) == pytest.approx(expected)
    assert combine_study(rows[:2], effects[:2], 0.6) == pytest.approx(groups)
    assert combined_label(rows) == "g1 (1 outcome and 2 groups of one study combined)"
    assert combined_label(rows[2:]) == "o"


def test_reanalysis_of_groups_counts_the_study_once_with_its_cases_summed():
    rows = [
        StudyRow("A boys", "estimate", estimate=0.4, ci_low=0.4 - 0.2 * Z975,
                 ci_high=0.4 + 0.2 * Z975, study="A", multiple_es="groups"),
        StudyRow("A girls", "estimate", estimate=0.1, ci_low=0.1 - 0.1 * Z975,
                 ci_high=0.1 + 0.1 * Z975, study="A", multiple_es="groups"),
        StudyRow("B", "estimate", estimate=0.3, ci_low=0.0, ci_high=0.6),
        StudyRow("C", "estimate", estimate=0.2, ci_low=-0.1, ci_high=0.5),
    ]  # fmt: skip
    analysis = reanalyse(rows, "smd", conventions=OURS)
    assert analysis.k == 3
    assert analysis.studies[0].label == "A boys (2 groups of one study combined)"
    # inverse-variance mean of 0.4 (SE 0.2) and 0.1 (SE 0.1): weights 25 and 100
    assert analysis.studies[0].yi == pytest.approx((0.4 * 25 + 0.1 * 100) / 125)
    assert analysis.studies[0].vi == pytest.approx(1 / 125)
    assert analysis.notes == [
        "Rows marked as independent groups of one study are combined by their fixed-effect "
        "mean, their cases added up, before any composite with its outcomes."
    ]
    assert analysis.row_results[0].weight_percent == analysis.studies[0].weight_percent


def test_binary_groups_sum_their_cases_in_the_class():
    rows = [counts("A 1", 300, 600, 250, 600, "groups"),
            counts("A 2", 320, 600, 260, 600, "groups"),
            counts("B", 200, 500, 150, 500, study="B")]  # fmt: skip
    analysis = reanalyse(rows, "or")
    assert analysis.k == 2
    assert analysis.credibility.n_cases == 300 + 250 + 320 + 260 + 200 + 150
    as_outcomes = reanalyse([StudyRow(**{**r.__dict__, "multiple_es": "outcomes"}) for r in rows],
                            "or")  # fmt: skip
    assert as_outcomes.credibility.n_cases == 320 + 260 + 200 + 150  # the largest outcome
    # the groups' effect is their fixed-effect mean, not the composite's plain mean
    logs = [math.log(300 * 350 / (300 * 250)), math.log(320 * 340 / (280 * 260))]
    assert as_outcomes.studies[0].yi == pytest.approx(sum(logs) / 2)
    assert analysis.studies[0].yi != pytest.approx(sum(logs) / 2)
    assert min(logs) < analysis.studies[0].yi < max(logs)


def test_an_unknown_marker_is_refused_by_name():
    row = StudyRow("A", "binary", events1=1, n1=2, events2=1, n2=2, multiple_es="both")
    assert row_problems(row) == [("multiple_es", "Use outcomes or groups (got 'both').")]
