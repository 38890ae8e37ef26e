"""Credibility classes (Fusar-Poli & Radua 2018): every branch and every boundary."""

from __future__ import annotations

import math

import pytest

from synthesis.stats import credibility_class

#: A class I association on the log scale (null = 0).
CLASS_I = {
    "n_cases": 5000,
    "p_value": 1e-9,
    "i2": 20.0,
    "prediction_interval": (-0.9, -0.1),
    "egger_p": 0.40,
    "esb_p": 0.60,
    "largest_ci": (-0.6, -0.2),
    "pooled_ci": (-0.6, -0.3),
    "null": 0.0,
}


def grade(**changes: object) -> str:
    return credibility_class(**{**CLASS_I, **changes})  # type: ignore[arg-type]


def test_class_i():
    assert grade() == "I"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # each class I criterion failing on its own, the rest of class II still met -> II
        ({"i2": 50.0}, "II"),  # I2 must be < 50 (strict)
        ({"i2": 49.999}, "I"),
        ({"i2": None}, "II"),
        ({"i2": math.nan}, "II"),
        ({"prediction_interval": (-0.9, 0.0)}, "II"),  # touching the null: not excluded
        ({"prediction_interval": (-0.9, 0.1)}, "II"),
        ({"prediction_interval": None}, "II"),  # k < 3: cannot be evaluated
        ({"egger_p": 0.05}, "II"),  # must be > alpha (strict)
        ({"egger_p": 0.0501}, "I"),
        ({"egger_p": None}, "II"),
        ({"esb_p": 0.05}, "II"),
        ({"esb_p": None}, "II"),
        ({"esb_p": 0.2, "egger_p": 0.2}, "I"),
        ({"egger_p": 0.08}, "I"),
        ({"egger_p": 0.08, "alpha": 0.10}, "II"),  # the alpha argument is honoured
    ],
)
def test_class_i_criteria(changes, expected):
    assert grade(**changes) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # shared thresholds of classes I-III: > 1000 cases, p < 1e-6 / 1e-3
        ({"n_cases": 1000}, "IV"),  # exactly 1000 does not qualify -> only p < 0.05
        ({"n_cases": 1001}, "I"),
        ({"n_cases": None}, "IV"),
        ({"p_value": 1e-6}, "III"),  # exactly 1e-6 does not qualify for I/II
        ({"p_value": 9.9e-7}, "I"),
        ({"p_value": 1e-3}, "IV"),  # exactly 1e-3 does not qualify for III
        ({"p_value": 9.99e-4}, "III"),
        ({"p_value": 0.05}, "ns"),  # exactly 0.05 does not qualify for IV
        ({"p_value": 0.0499}, "IV"),
        ({"p_value": None}, "ns"),
        ({"p_value": math.nan}, "ns"),
        ({"n_cases": 10, "p_value": 1e-12}, "IV"),  # class IV needs no case count
    ],
)
def test_case_and_p_value_thresholds(changes, expected):
    assert grade(**changes) == expected


@pytest.mark.parametrize(
    ("largest_ci", "pooled_ci", "expected"),
    [
        ((-0.6, -0.2), (-0.6, -0.3), "II"),  # largest study significant, same direction
        ((-0.6, 0.0), (-0.6, -0.3), "III"),  # touches the null: not significant
        ((-0.6, 0.1), (-0.6, -0.3), "III"),  # not significant
        ((0.1, 0.5), (-0.6, -0.3), "III"),  # significant but in the opposite direction
        ((0.1, 0.5), (0.2, 0.4), "II"),  # positive effects
        (None, (-0.6, -0.3), "III"),  # largest study unknown
        ((-0.6, -0.2), None, "III"),  # pooled direction unknown
    ],
)
def test_class_ii_largest_study(largest_ci, pooled_ci, expected):
    # class I fails on I2, so the class II criterion decides between II and III
    assert grade(i2=80.0, largest_ci=largest_ci, pooled_ci=pooled_ci) == expected


def test_class_ii_needs_the_largest_study_on_the_pooled_side_as_metaumbrella():
    """metaumbrella's .add.evidence_Ioannidis (cran/metaumbrella R/functions_evidence.R):
    class II when ``sign(largest$ci_lo) == sign(largest$ci_up)`` and those signs equal
    ``sign(ma_results$ci_lo)`` and ``sign(ma_results$ci_up)``: significant in the pooled
    direction, not merely significant. Both conventions grade alike; the same rule in its
    own arithmetic decides these three cases as credibility_class does."""

    def metaumbrella_ii(largest, pooled):
        sign = lambda x: (x > 0) - (x < 0)  # noqa: E731 - R's sign()
        return sign(largest[0]) == sign(largest[1]) == sign(pooled[0]) == sign(pooled[1])

    cases = [((0.1, 0.5), (-0.6, -0.3)), ((-0.6, -0.2), (-0.6, -0.3)), ((-0.6, 0.1), (-0.6, -0.3))]
    for largest, pooled in cases:
        expected = "II" if metaumbrella_ii(largest, pooled) else "III"
        assert grade(i2=80.0, largest_ci=largest, pooled_ci=pooled) == expected
    assert [metaumbrella_ii(*case) for case in cases] == [False, True, False]


def test_ratio_scale_null():
    """Intervals on the ratio scale with null = 1."""
    ratio = {
        "prediction_interval": (0.5, 0.95),
        "largest_ci": (0.6, 0.9),
        "pooled_ci": (0.6, 0.8),
        "null": 1.0,
    }
    assert grade(**ratio) == "I"
    assert grade(**{**ratio, "prediction_interval": (0.5, 1.05)}) == "II"
    assert grade(**{**ratio, "prediction_interval": (0.5, 1.05), "largest_ci": (0.9, 1.1)}) == "III"


def test_bools_are_refused_not_read_as_numbers():
    with pytest.raises(ValueError, match=r"egger_p must be a number or None \(got True\)"):
        grade(egger_p=True)
