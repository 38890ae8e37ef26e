"""Derived findings, validation rules and the p/CI consistency check (synthesis/findings.py)."""

import csv
from pathlib import Path

import pytest

from synthesis.findings import (
    Direction,
    EvidenceType,
    Finding,
    Measure,
    ResultValues,
    check_p_consistency,
    decimals_of,
    derive_finding,
    implied_p,
    validate,
)

# A copy of the seed extract, kept in the repository (see tests/data/README.md).
WHITE_2020 = Path(__file__).resolve().parents[1] / "data" / "white2020_pooled.csv"

DIFFERENCES = [Measure.SMD, Measure.HEDGES_G, Measure.MD, Measure.RD]
RATIOS = [Measure.RR, Measure.OR, Measure.HR]
# CI positions relative to the null (0 for differences, 1 for ratios).
DIFFERENCE_CIS = {
    "above": (0.04, 0.42),
    "below": (-0.42, -0.04),
    "across": (-0.11, 0.26),
    "touching": (0.0, 0.40),
}
RATIO_CIS = {
    "above": (1.05, 1.80),
    "below": (0.40, 0.95),
    "across": (0.66, 1.13),
    "touching": (1.0, 1.6),
}
EXPECTED = {
    ("above", Direction.HIGHER_IS_BETTER): Finding.IMPROVEMENT,
    ("above", Direction.LOWER_IS_BETTER): Finding.HARM,
    ("below", Direction.HIGHER_IS_BETTER): Finding.HARM,
    ("below", Direction.LOWER_IS_BETTER): Finding.IMPROVEMENT,
    ("across", Direction.HIGHER_IS_BETTER): Finding.NO_EFFECT,
    ("across", Direction.LOWER_IS_BETTER): Finding.NO_EFFECT,
    ("touching", Direction.HIGHER_IS_BETTER): Finding.NO_EFFECT,
    ("touching", Direction.LOWER_IS_BETTER): Finding.NO_EFFECT,
}


@pytest.mark.parametrize("measure", DIFFERENCES)
@pytest.mark.parametrize(("position", "direction"), list(EXPECTED))
def test_difference_measures_derive_from_the_ci_against_zero(measure, position, direction):
    low, high = DIFFERENCE_CIS[position]
    assert derive_finding(measure, direction, low, high) == EXPECTED[position, direction]


@pytest.mark.parametrize("measure", RATIOS)
@pytest.mark.parametrize(("position", "direction"), list(EXPECTED))
def test_ratio_measures_derive_from_the_ci_against_one(measure, position, direction):
    low, high = RATIO_CIS[position]
    assert derive_finding(measure, direction, low, high) == EXPECTED[position, direction]


@pytest.mark.parametrize("direction", list(Direction))
def test_other_measure_has_no_known_null_so_no_derived_finding(direction):
    assert derive_finding(Measure.OTHER, direction, 0.1, 0.5) is None


def test_missing_ci_gives_no_derived_finding():
    assert derive_finding(Measure.SMD, Direction.HIGHER_IS_BETTER, None, None) is None
    assert derive_finding(Measure.RR, Direction.LOWER_IS_BETTER, 0.5, None) is None


def test_a_ratio_ci_below_one_but_above_zero_is_not_read_against_zero():
    # RR 0.86 (0.66–1.13) is 'no effect'; read against 0 it would wrongly be 'improvement'.
    assert derive_finding(Measure.RR, Direction.LOWER_IS_BETTER, 0.66, 1.13) == Finding.NO_EFFECT
    assert derive_finding(Measure.RR, Direction.LOWER_IS_BETTER, 0.5, 0.9) == Finding.IMPROVEMENT


def fields(values: ResultValues) -> list[str]:
    return [problem.field for problem in validate(values)]


MA = EvidenceType.META_ANALYSIS
GOOD = ResultValues(
    evidence_type=MA,
    measure=Measure.HEDGES_G,
    k=3,
    n=593,
    estimate=0.22,
    ci_low=0.01,
    ci_high=0.42,
    p_value=0.042,
    i2_percent=38,
)


def test_a_correct_row_has_no_problems():
    assert validate(GOOD) == []


@pytest.mark.parametrize(
    ("changes", "field", "phrase"),
    [
        ({"estimate": 0.50}, "estimate", "outside its CI"),
        ({"estimate": -0.01}, "estimate", "outside its CI"),
        ({"ci_low": 0.5, "ci_high": 0.1, "estimate": 0.3}, "ci_low", "above the upper"),
        ({"ci_high": None}, "ci_high", "both CI limits"),
        ({"ci_low": None}, "ci_low", "both CI limits"),
        ({"i2_percent": 101}, "i2_percent", "between 0 and 100"),
        ({"i2_percent": -1}, "i2_percent", "between 0 and 100"),
        ({"i2_ci_low": 120}, "i2_ci_low", "between 0 and 100"),
        ({"i2_ci_low": 60, "i2_ci_high": 20}, "i2_ci_low", "above the upper"),
        ({"p_value": 1.2}, "p_value", "between 0 and 1"),
        ({"p_value": -0.01}, "p_value", "between 0 and 1"),
        ({"p_q": 4.0}, "p_q", "between 0 and 1"),
        ({"k": 1, "n": 50}, "k", "at least 2"),
        ({"k": 30, "n": 20}, "n", "Fewer participants"),
        ({"tau2": -0.1}, "tau2", "cannot be negative"),
        ({"q": -2.0}, "q", "cannot be negative"),
        ({"df": 3}, "df", "at most k − 1"),
        ({"pi_low": 0.6, "pi_high": 0.1}, "pi_low", "prediction interval"),
        ({"months_from": 12, "months_to": 6}, "months_from", "starts after it ends"),
        ({"months_to": -1}, "months_to", "negative"),
        ({"measure": ""}, "measure", "effect measure"),
    ],
)
def test_each_validation_rule_names_its_field(changes, field, phrase):
    values = ResultValues(**{**GOOD.__dict__, **changes})
    problems = validate(values)
    assert field in [problem.field for problem in problems]
    message = next(problem.message for problem in problems if problem.field == field)
    assert phrase in message


@pytest.mark.parametrize("name", ["estimate", "ci_low", "ci_high", "pi_low"])
def test_ratio_measures_and_their_intervals_must_be_positive(name):
    values = ResultValues(
        evidence_type=MA, measure=Measure.RR, estimate=0.86, ci_low=0.66, ci_high=1.13
    )
    bad = ResultValues(**{**values.__dict__, name: 0.0 if name != "pi_low" else -0.2})
    messages = {problem.field: problem.message for problem in validate(bad)}
    assert "must be positive" in messages[name]


def test_a_difference_may_be_negative():
    values = ResultValues(
        evidence_type=MA, measure=Measure.SMD, estimate=-0.1, ci_low=-0.34, ci_high=0.14
    )
    assert validate(values) == []


def test_k_of_one_is_allowed_for_a_narrative_result():
    assert validate(ResultValues(evidence_type=EvidenceType.NARRATIVE, k=1, n=40)) == []


def test_decimals_as_printed():
    assert [decimals_of(x) for x in (0.042, 0.2, 0.22, 1.13, 38, "0.0420")] == [3, 1, 2, 2, 0, 3]


def test_implied_p_of_a_difference_by_hand():
    # SE = (0.42 − 0.01) / 3.92 = 0.1046, z = 0.22 / 0.1046 = 2.103, p = 0.0355.
    assert implied_p(Measure.HEDGES_G, 0.22, 0.01, 0.42) == pytest.approx(0.0355, abs=5e-4)


def test_implied_p_of_a_ratio_uses_the_log_scale():
    # SE = (ln 1.13 − ln 0.66) / 3.92 = 0.1372, z = ln 0.86 / 0.1372 = −1.099, p = 0.272.
    assert implied_p(Measure.RR, 0.86, 0.66, 1.13) == pytest.approx(0.272, abs=2e-3)


def test_consistency_check_passes_a_correct_row():
    check = check_p_consistency(Measure.HEDGES_G, 0.22, 0.01, 0.42, 0.042)
    assert check is not None
    assert check.consistent
    assert check.message == ""
    # Rounding of the printed numbers allows p from about 0.027 to 0.045.
    assert check.implied_range[0] == pytest.approx(0.027, abs=2e-3)
    assert check.implied_range[1] == pytest.approx(0.0445, abs=1e-3)


def test_consistency_check_flags_a_mistyped_p():
    # 0.42 typed for 0.042: beyond any rounding.
    check = check_p_consistency(Measure.HEDGES_G, 0.22, 0.01, 0.42, 0.42)
    assert check is not None
    assert not check.consistent
    assert "p = 0.42" in check.message


def test_consistency_check_flags_a_mistyped_ci():
    # The upper limit 0.42 mistyped as 0.24: the CI no longer fits a p of 0.042.
    check = check_p_consistency(Measure.HEDGES_G, 0.22, 0.01, 0.24, 0.042)
    assert check is not None
    assert not check.consistent


def test_consistency_check_on_a_ratio_row():
    # White 2020's hospitalisation RR 0.86 (0.66–1.13): p ≈ 0.27 fits, p = 0.027 does not.
    assert check_p_consistency(Measure.RR, 0.86, 0.66, 1.13, 0.27).consistent
    assert not check_p_consistency(Measure.RR, 0.86, 0.66, 1.13, 0.027).consistent
    # Read on the natural scale (as if a difference) the same numbers would mislead.
    assert implied_p(Measure.MD, 0.86, 0.66, 1.13) < 1e-6


def test_consistency_check_needs_all_four_numbers():
    assert check_p_consistency(Measure.SMD, 0.1, -0.1, 0.3, None) is None
    assert check_p_consistency(Measure.OTHER, 0.1, 0.0, 0.2, 0.5) is None


def white_rows():
    with WHITE_2020.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def number(cell: str) -> float | None:
    return float(cell) if cell.strip() else None


@pytest.mark.parametrize("row", white_rows(), ids=lambda r: r["outcome"])
def test_white_2020_rows_are_valid_and_not_flagged(row):
    """Every pooled result of White et al., BMC Psychiatry 2020;20:534 (seed lines 1423–1455).

    Three rows report a p value (recovery 0.042, empowerment 0.020, client-rated working
    alliance 0.080); all three agree with their estimates and CIs. The other eight print no p,
    so there is nothing to compare; none is flagged.
    """
    measure = Measure.RR if row["measure"] == "RR" else Measure.HEDGES_G
    values = ResultValues(
        evidence_type=MA,
        measure=measure,
        k=int(row["k_trials"]),
        n=int(row["total_n"]),
        estimate=number(row["estimate"]),
        ci_low=number(row["ci_low"]),
        ci_high=number(row["ci_high"]),
        p_value=number(row["p_value"]),
        i2_percent=number(row["i2_percent"]),
        q=number(row["q"]),
        p_q=number(row["p_q"]),
    )
    assert validate(values) == []
    check = check_p_consistency(
        measure, values.estimate, values.ci_low, values.ci_high, values.p_value
    )
    if row["p_value"]:
        assert check is not None
        assert check.consistent, check.message
    else:
        assert check is None


def test_white_2020_reports_three_p_values():
    assert sorted(row["outcome"] for row in white_rows() if row["p_value"]) == [
        "empowerment",
        "recovery (self-rated)",
        "working alliance (client-rated)",
    ]
