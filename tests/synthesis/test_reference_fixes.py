"""Issue #22, items 1-5: where the engine differed from the reference it claims to follow.

Reference values for items 1-4 are the R output quoted in issue #22 (metafor 3.8-1 ``rma.mh``
and R ``meta``); each is also re-derived here by hand from the reference's source arithmetic
(metafor ``R/rma.mh.r``: ``drop00 = c(TRUE, FALSE)``; meta ``calcH`` in ``R/meta-het.R``:
``ci(log(max(c(H, 1))), selogH, level)``) so that the test says *why* the number is right.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import ndtri

from synthesis.stats import binary_effect, credibility_class, mantel_haenszel, pool
from tests.synthesis.reference import assert_printed

Z975 = float(ndtri(0.975))


def test_mantel_haenszel_risk_ratio_keeps_tables_where_everyone_has_the_event():
    """metafor 3.8-1 rma.mh(measure="RR") on (10/20 vs 5/20) and (10/10 vs 10/10): log RR
    0.2877 (SE 0.183), issue #22. By hand: R = 10*20/40 + 10*10/20 = 10,
    S = 5*20/40 + 10*10/20 = 7.5, RR = 4/3;
    Var = [(20*20*15/40^2 - 10*5/40) + (10*10*20/20^2 - 10*10/20)] / (R S) = 2.5/75."""
    res = mantel_haenszel([10, 10], [20, 10], [5, 10], [20, 10], "RR")
    assert_printed(res.estimate, 0.2877)
    assert_printed(res.se, 0.183, 3)
    assert res.estimate == pytest.approx(math.log(4 / 3), rel=1e-14)
    assert res.se == pytest.approx(math.sqrt(2.5 / 75), rel=1e-14)
    assert res.k == 2  # both tables are in the estimate ...
    assert res.heterogeneity_excluded == (1,)  # ... but only one has a defined log RR for Q
    assert (res.df, res.q) == (0, 0.0)


def test_mantel_haenszel_risk_difference_leaves_double_zero_tables_out_of_q():
    """metafor 3.8-1 rma.mh(measure="RD") on (3/20 vs 8/20), (0/15 vs 0/15), (6/30 vs 4/30):
    Q 3.65 on 1 df (issue #22; ours was 4.21 on 2 df). Estimate and SE were already equal."""
    res = mantel_haenszel([3, 0, 6], [20, 15, 30], [8, 0, 4], [20, 15, 30], "RD")
    assert_printed(res.q, 3.65, 2)
    assert res.df == 1
    assert res.k == 3
    assert res.heterogeneity_excluded == (1,)
    # by hand: Q over the two informative tables around the MH estimate (all three tables)
    yi, vi = binary_effect([3, 6], [20, 30], [8, 4], [20, 30], "RD")
    assert res.q == pytest.approx(float(np.sum((yi - res.estimate) ** 2 / vi)), rel=1e-14)
    w = np.array([20 * 20 / 40, 15 * 15 / 30, 30 * 30 / 60])
    rd = (3 * 20 / 40 - 8 * 20 / 40 + 0 + 6 * 30 / 60 - 4 * 30 / 60) / w.sum()
    assert res.estimate == pytest.approx(rd, rel=1e-14)
    assert res.i2 == pytest.approx(100 * (res.q - 1) / res.q)
    assert res.q_p == pytest.approx(math.erfc(math.sqrt(res.q / 2)))  # chi2 on 1 df


def test_i2_interval_is_centred_on_ln_max_h_1_when_q_is_below_its_df():
    """R meta (metagen, method.tau = "DL") on y = (0, 0.05, 0.1, 0.02),
    v = (0.01, 0.01, 0.01, 0.02): I^2 CI (0, 84.7) (issue #22; ours was (0, 14.7)).
    By hand: Q = 0.5386 < k - 1 = 3, so ln max(H, 1) = 0 and
    SE(ln H) = sqrt(1/(2*2) (1 - 1/(3*4))); upper = 1 - exp(-2 z SE)."""
    res = pool([0, 0.05, 0.1, 0.02], [0.01, 0.01, 0.01, 0.02], "DL")
    assert res.q < res.df
    assert res.i2_ci is not None
    assert res.i2_ci[0] == 0.0
    assert_printed(res.i2_ci[1], 84.7, 1)
    se_ln_h = math.sqrt(1 / 4 * (1 - 1 / 12))
    assert res.i2_ci[1] == pytest.approx(100 * (1 - math.exp(-2 * Z975 * se_ln_h)), rel=1e-12)


def test_i2_interval_for_two_studies_when_q_exceeds_k():
    """R meta on y = (0.1, 0.9), v = (0.04, 0.05): I^2 CI (43.7, 96.5) (issue #22; ours was
    None). calcH gives SE(ln H) = (ln Q - ln 1) / (2 (sqrt(2Q) - sqrt(1))) for Q > k >= 2;
    here Q = 0.8^2 / 0.09 = 7.11. With Q <= 2 meta returns NA, and so do we (None)."""
    res = pool([0.1, 0.9], [0.04, 0.05], "DL")
    assert res.i2_ci is not None
    assert_printed(res.i2_ci[0], 43.7, 1)
    assert_printed(res.i2_ci[1], 96.5, 1)
    q = 0.64 / 0.09
    assert res.q == pytest.approx(q)
    se_ln_h = 0.5 * math.log(q) / (math.sqrt(2 * q) - 1.0)
    h2_low = math.exp(math.log(q) - 2 * Z975 * se_ln_h)
    assert res.i2_ci[0] == pytest.approx(100 * (h2_low - 1) / h2_low, rel=1e-12)
    assert pool([0.1, 0.3], [0.04, 0.05], "DL").i2_ci is None  # Q = 0.44 <= 2


# ------------------------------------------------------------------------------------------
# Item 5: inputs to the credibility rules and to pooling are validated
# ------------------------------------------------------------------------------------------

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


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"p_value": -0.5}, r"p_value must lie in \[0, 1\]"),  # was class I
        ({"p_value": 1.5}, r"p_value must lie in \[0, 1\]"),
        ({"i2": 150.0}, r"i2 \(per cent\) must lie in \[0, 100\]"),  # was class II
        ({"i2": 0.35}, r"i2 = 0.35 is ambiguous"),  # a fraction was read as per cent
        ({"prediction_interval": (0.1, -0.9)}, r"prediction_interval is reversed"),
        ({"largest_ci": (-0.2, -0.6)}, r"largest_ci is reversed"),
        ({"pooled_ci": (0.3, -0.3)}, r"pooled_ci is reversed"),
        ({"egger_p": 2.0}, r"egger_p must lie in \[0, 1\]"),
        ({"esb_p": -0.1}, r"esb_p must lie in \[0, 1\]"),
        ({"n_cases": -3}, r"n_cases must lie in \[0, inf\]"),
        ({"esb_p": "0.2"}, r"esb_p must be a number or None"),
        ({"prediction_interval": (0.1,)}, r"prediction_interval must be a \(low, high\) pair"),
        ({"alpha": 0.0}, r"alpha must lie strictly between 0 and 1"),
        ({"null": math.nan}, r"null must be a finite number"),
    ],
)
def test_credibility_inputs_out_of_range_raise_instead_of_grading(changes, message):
    with pytest.raises(ValueError, match=message):
        credibility_class(**{**CLASS_I, **changes})  # type: ignore[arg-type]  # the bad input is the test


def test_i2_unit_makes_small_values_unambiguous():
    assert credibility_class(**{**CLASS_I, "i2": 0.35}, i2_unit="percent") == "I"  # type: ignore[arg-type]  # a dict of mixed values
    assert credibility_class(**{**CLASS_I, "i2": 0.55}, i2_unit="fraction") == "II"  # type: ignore[arg-type]  # 55 %
    with pytest.raises(ValueError, match=r"i2 \(fraction\) must lie in \[0, 1\]"):
        credibility_class(**{**CLASS_I, "i2": 35.0}, i2_unit="fraction")  # type: ignore[arg-type]  # the bad input is the test


@pytest.mark.parametrize(
    ("yi", "vi", "message"),
    [
        (
            [1e200, -1e200],
            [1.0, 1.0],
            r"study 0: yi = 1e\+200 is outside the range",
        ),  # was ZeroDivisionError
        ([1.0, 2.0, 3.0], [1e308, 1e308, 1e308], r"study 0: vi = 1e\+308 is outside"),  # ditto
        ([0.0, 1.0], [1e-300, 1e-300], r"study 0: vi = 1e-300 is outside"),  # was Q = 5e299
    ],
)
def test_pool_refuses_magnitudes_it_cannot_compute_reliably(yi, vi, message):
    with pytest.raises(ValueError, match=message):
        pool(yi, vi)
