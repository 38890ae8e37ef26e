"""The rounding rule (reported vs re-analysed) and the credibility criteria of reported figures."""

from typing import Any

import pytest

from synthesis.findings import ResultValues
from synthesis.reported import (
    CASES,
    EGGER,
    ESB,
    I2,
    LARGEST,
    P_05,
    P_3,
    P_6,
    PI,
    Status,
    compare,
    differs_beyond_rounding,
    half_unit,
    reported_criteria,
)

MET, NOT_MET, NA = Status.MET, Status.NOT_MET, Status.NOT_ASSESSABLE


@pytest.mark.parametrize(
    ("reported", "recomputed", "differs"),
    [
        (0.86, 0.8649, False),  # rounds to 0.86
        (0.86, 0.855, False),  # exactly half a unit: still rounds to 0.86
        (0.86, 0.8651, True),
        (0.86, 0.7793, True),
        (38, 38.4, False),  # I² printed as a whole number
        (38, 38.6, True),
        (0.042, 0.0424, False),
        (0.042, 0.0426, True),
        (-0.34, -0.3449, False),
    ],
)
def test_beyond_rounding_is_more_than_half_a_unit_of_the_last_printed_decimal(
    reported, recomputed, differs
):
    assert differs_beyond_rounding(reported, recomputed) is differs


def test_half_unit_follows_the_printed_decimals():
    assert half_unit(0.86) == pytest.approx(0.005)
    assert half_unit(38) == pytest.approx(0.5)
    assert half_unit(0.2) == pytest.approx(0.05)  # "0.20" stored as 0.2: a wider allowance


def test_compare_does_not_flag_a_missing_figure():
    assert compare("Estimate", None, 0.5).differs is False
    assert compare("Estimate", 0.5, None).differs is False
    assert compare("Estimate", 0.5, 0.6).differs is True


def meta_analysis(measure: str, **figures: Any) -> ResultValues:
    """A meta-analysis result's figures as a review reports them."""
    return ResultValues("meta_analysis", measure, **figures)


def statuses(figures: ResultValues) -> dict[str, Status]:
    return {c.name: c.status for c in reported_criteria(figures).criteria}


WHITE_2020_HOSPITALISATION = meta_analysis(
    "rr", n=497, estimate=0.86, ci_low=0.66, ci_high=1.13, i2_percent=38
)


def test_white_2020_hospitalisation_is_ns_from_its_ci():
    # White et al. 2020 (seed): RR 0.86 (0.66-1.13), k = 5, n = 497, I² = 38%.
    result = reported_criteria(WHITE_2020_HOSPITALISATION)
    assert statuses(WHITE_2020_HOSPITALISATION) == {
        CASES: NOT_MET, P_6: NOT_MET, P_3: NOT_MET, P_05: NOT_MET, I2: MET,
        PI: NA, LARGEST: NA, EGGER: NA, ESB: NA,
    }  # fmt: skip
    assert result.grade == "ns"


def test_white_2020_recovery_is_class_four_from_the_reported_p():
    # White et al. 2020: g 0.22 (0.01-0.42), p = 0.042, n = 593, I² = 38%.
    figures = meta_analysis("hedges_g", n=593, estimate=0.22, ci_low=0.01, ci_high=0.42,
                              p_value=0.042, i2_percent=38)  # fmt: skip
    result = reported_criteria(figures)
    assert result.status(P_05) == MET
    assert result.status(P_3) == NOT_MET
    assert result.grade == "IV"


def test_cases_unknown_when_participants_exceed_a_thousand():
    figures = meta_analysis("rr", n=4000, estimate=0.52, ci_low=0.43, ci_high=0.63)
    result = reported_criteria(figures)
    assert result.status(CASES) == NA
    # p from the CI is far below 1e-6, but cases cannot be judged: no class.
    assert result.status(P_6) == MET
    assert result.grade is None


def test_no_participants_reported_is_not_assessable():
    figures = meta_analysis("rr", estimate=0.5, ci_low=0.4, ci_high=0.6)
    assert reported_criteria(figures).status(CASES) == NA


def test_small_n_with_significant_strong_p_is_class_four():
    # n <= 1000 bounds the cases: classes I-III are out whatever the p.
    figures = meta_analysis("rr", n=900, estimate=0.52, ci_low=0.43, ci_high=0.63)
    result = reported_criteria(figures)
    assert result.status(P_6) == MET
    assert result.status(CASES) == NOT_MET
    assert result.grade == "IV"


def test_printed_p_straddling_a_threshold_is_not_assessable():
    # "p = 0.001" stands for 0.0005-0.0015: p < 10⁻³ cannot be decided.
    figures = meta_analysis("rr", n=5000, p_value=0.001, estimate=0.7, ci_low=0.6, ci_high=0.8)
    result = reported_criteria(figures)
    assert result.status(P_3) == NA
    assert result.status(P_05) == MET
    assert result.grade is None


def test_a_printed_p_of_five_percent_is_not_assessable_but_a_larger_one_is_not_met():
    # "p = 0.05" stands for 0.045-0.055; "p = 0.06" for 0.055-0.065, all >= 0.05.
    figures = meta_analysis("md", n=100, p_value=0.05, estimate=1, ci_low=0, ci_high=2)
    assert reported_criteria(figures).status(P_05) == NA
    figures = meta_analysis("md", n=100, p_value=0.06, estimate=1, ci_low=-0.1, ci_high=2)
    result = reported_criteria(figures)
    assert result.status(P_05) == NOT_MET
    assert result.grade == "ns"


def test_a_ci_touching_the_null_is_not_significant():
    figures = meta_analysis("rr", n=100, estimate=0.8, ci_low=0.64, ci_high=1.0)
    result = reported_criteria(figures)
    assert result.status(P_05) == NOT_MET
    assert result.grade == "ns"


def test_without_p_or_ci_nothing_about_p_is_assessable():
    result = reported_criteria(meta_analysis("rr", n=100, estimate=0.8))
    assert [result.status(name) for name in (P_6, P_3, P_05)] == [NA, NA, NA]
    assert result.grade is None


def test_unknown_measure_leaves_the_ci_unusable():
    figures = meta_analysis("other", n=100, estimate=0.8, ci_low=0.5, ci_high=0.9)
    assert reported_criteria(figures).status(P_05) == NA


@pytest.mark.parametrize(
    ("i2", "status"), [(None, NA), (49.4, MET), (50, NA), (50.5, NOT_MET), (49, MET), (51, NOT_MET)]
)
def test_i2_below_fifty_allows_for_rounding(i2, status):
    figures = meta_analysis("rr", n=100, estimate=0.8, ci_low=0.7, ci_high=0.9, i2_percent=i2)
    assert reported_criteria(figures).status(I2) == status


@pytest.mark.parametrize(
    ("pi", "status"), [((None, None), NA), ((0.6, 0.95), MET), ((0.5, 1.2), NOT_MET)]
)
def test_prediction_interval_only_when_reported(pi, status):
    figures = meta_analysis("rr", n=100, estimate=0.8, ci_low=0.7, ci_high=0.9,
                              pi_low=pi[0], pi_high=pi[1])  # fmt: skip
    assert reported_criteria(figures).status(PI) == status


def test_p_thresholds_from_the_ci_use_the_rounding_range():
    # SMD 0.31 (0.21, 0.41): at the rounding extremes z >= 0.305 / (0.21 / 3.92) = 5.69,
    # so p <= 1.3e-8 < 1e-6.
    figures = meta_analysis("smd", n=5000, estimate=0.31, ci_low=0.21, ci_high=0.41)
    assert reported_criteria(figures).status(P_6) == MET
    # The same figures printed with one decimal allow z down to 3.27 (p up to 0.0011).
    coarse = meta_analysis("smd", n=5000, estimate=0.3, ci_low=0.2, ci_high=0.4)
    result = reported_criteria(coarse)
    assert result.status(P_6) == NA
    assert result.status(P_3) == NA
    assert result.status(P_05) == MET
