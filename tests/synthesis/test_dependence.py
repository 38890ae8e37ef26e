"""Dependent effects within a study (issue #22): composites and merged arms, by hand.

Formulas: Borenstein, Hedges, Higgins & Rothstein (2009), Introduction to Meta-Analysis,
ch. 24 (composite of m outcomes with correlation r); Cochrane Handbook v6, 6.5.2.10 and
Table 6.5.a (combining groups). Each test states its hand arithmetic.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from synthesis.stats import (
    METAUMBRELLA,
    binary_effect,
    combine_by_study,
    combine_dependent_outcomes,
    combine_subgroups,
    merge_arms_counts,
    merge_arms_means,
    pool,
)
from synthesis.study_data import StudyRow, reanalyse


def test_composite_of_two_outcomes_by_hand():
    """Y = (0.4 + 0.2)/2 = 0.3; V = 1/4 (0.02 + 0.04 + 2 r sqrt(0.02 * 0.04)) with r = 0.5:
    1/4 (0.06 + 0.0282843) = 0.0220711."""
    y, v = combine_dependent_outcomes([0.4, 0.2], [0.02, 0.04], r=0.5)
    assert y == pytest.approx(0.3)
    assert v == pytest.approx(0.25 * (0.06 + 2 * 0.5 * math.sqrt(0.0008)))
    assert v == pytest.approx(0.0220711, abs=1e-7)


def test_subgroups_as_metaumbrella_combines_them_by_hand_and_not_as_merged_arms():
    """Fixed-effect mean (metaumbrella multiple_es = "groups"): weights 1/0.02 = 50 and
    1/0.05 = 20, Y = (50 * 0.4 + 20 * -0.1)/70 = 18/70 = 0.257143, V = 1/70. On a log OR
    it is not the merged arm's effect: groups 10/50 and 30/50 events against 20/100 have
    log OR 0 (V = 1/10 + 1/40 + 1/20 + 1/80 = 0.1875) and log 6 = 1.791759 (V = 0.145833),
    FE mean 1.007865; merged (40/100 vs 20/100) log(40 * 80/(60 * 20)) = 0.980829."""
    y, v = combine_subgroups([0.4, -0.1], [0.02, 0.05])
    assert y == pytest.approx(18 / 70)
    assert v == pytest.approx(1 / 70)
    yg, vg = binary_effect([10, 30], [50, 50], [20, 20], [100, 100], "OR")
    np.testing.assert_allclose(vg, [0.1875, 0.1458333], rtol=1e-6)
    fe, fe_v = combine_subgroups(yg, vg)
    w = 1 / vg
    assert fe == pytest.approx(w[1] * math.log(6) / w.sum())
    assert fe == pytest.approx(1.007865, abs=1e-6)
    assert fe_v == pytest.approx(1 / w.sum())
    (merged,), _ = binary_effect(40, 100, 20, 100, "OR")
    assert merged == pytest.approx(0.980829, abs=1e-6)


def test_composite_limits_r_one_and_r_zero():
    """r = 1: the variance of the mean of perfectly correlated outcomes, (mean SD)^2;
    r = 0: independent outcomes, sum V / m^2 (Borenstein ch. 24)."""
    _, v1 = combine_dependent_outcomes([0.1, 0.3, 0.2], [0.01, 0.04, 0.09], r=1.0)
    assert v1 == pytest.approx(((0.1 + 0.2 + 0.3) / 3) ** 2)
    _, v0 = combine_dependent_outcomes([0.1, 0.3, 0.2], [0.01, 0.04, 0.09], r=0.0)
    assert v0 == pytest.approx(0.14 / 9)
    with pytest.raises(ValueError, match=r"r must lie in \[-1, 1\]"):
        combine_dependent_outcomes([0.1, 0.3], [0.01, 0.04], r=1.2)


def test_merge_arms_means_cochrane_table_6_5_a():
    """N = 10 + 20 = 30; M = (10*5 + 20*8)/30 = 7;
    SD^2 = (9*4 + 19*9 + 10*20/30*(5-8)^2)/29 = (36 + 171 + 60)/29 = 267/29."""
    mean, sd, n = merge_arms_means([5.0, 8.0], [2.0, 3.0], [10, 20])
    assert (mean, n) == (pytest.approx(7.0), 30.0)
    assert sd == pytest.approx(math.sqrt(267 / 29))
    # the merged SD is the SD of the pooled raw data (checked on constructed samples)
    rng = np.random.default_rng(1)
    a, b, c = rng.normal(5, 2, 10), rng.normal(8, 3, 20), rng.normal(1, 1, 7)
    parts = [a, b, c]
    mean, sd, n = merge_arms_means(
        [x.mean() for x in parts], [x.std(ddof=1) for x in parts], [x.size for x in parts]
    )
    everything = np.concatenate(parts)
    assert (mean, sd, n) == (
        pytest.approx(everything.mean()),
        pytest.approx(everything.std(ddof=1)),
        37.0,
    )


def test_merge_arms_counts_adds_events_and_participants():
    assert merge_arms_counts([3, 5], [20, 25]) == (8.0, 45.0)
    with pytest.raises(ValueError, match="whole number"):
        merge_arms_counts([3.5, 5], [20, 25])


def test_combine_by_study_counts_each_study_once():
    keys, yi, vi = combine_by_study(
        ["A", "B", "A", "C"], [0.4, 0.1, 0.2, 0.3], [0.02, 0.05, 0.04, 0.03], r=0.5
    )
    assert keys == ["A", "B", "C"]
    y_a, v_a = combine_dependent_outcomes([0.4, 0.2], [0.02, 0.04], r=0.5)
    assert yi.tolist() == pytest.approx([y_a, 0.1, 0.3])
    assert vi.tolist() == pytest.approx([v_a, 0.05, 0.03])
    assert pool(yi, vi).k == 3


def test_reanalysis_groups_rows_by_study_key_and_flips_reversed_rows():
    rows = [
        StudyRow("A reading", "estimate", estimate=0.4, ci_low=0.1, ci_high=0.7, study="A"),
        StudyRow("A maths", "estimate", estimate=0.2, ci_low=-0.1, ci_high=0.5, study="A"),
        StudyRow("B", "estimate", estimate=0.3, ci_low=0.0, ci_high=0.6),
        StudyRow("C", "estimate", estimate=-0.1, ci_low=-0.4, ci_high=0.2, reverse=True),
    ]
    analysis = reanalyse(rows, "smd", conventions=METAUMBRELLA)
    assert analysis.k == 3
    assert analysis.studies[0].label == "A reading (2 outcomes of one study combined)"
    assert analysis.studies[0].yi == pytest.approx(0.3)
    assert analysis.studies[2].yi == pytest.approx(0.1)  # reversed
    assert "combined into one composite effect (correlation r = 0.5" in analysis.notes[0]
