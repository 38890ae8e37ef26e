"""Ours vs R metaumbrella 1.1.0 conventions (synthesis.stats.Conventions), issue #22.

The end-to-end reference is metaumbrella's own published output: the vignette "conduct an
umbrella review with metaumbrella" (cran/metaumbrella 1.1.0, inst/doc/conduct-umbrella.html,
Example 3) prints ``df.SMD`` in full and ``summary(umbrella(df.SMD))`` (3 decimals; p-values
to 3 significant digits). Single conventions are checked against hand calculations from the
named source's arithmetic.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import ndtr, stdtrit

from synthesis._conventions import hedges_j
from synthesis.stats import (
    METAUMBRELLA,
    OURS,
    Conventions,
    grade_association,
    largest_study,
    pool,
    prediction_interval,
    tess_psst,
)
from tests.synthesis import datasets as d
from tests.synthesis.reference import assert_printed


def df_smd(factor: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Hedges' g and variance of metaumbrella 1.1.0 (metaConvert ``.es_from_d``):
    g = J d, SE(g) = J SE(d), with SE(d) = sqrt(N/(n1 n2) + d^2/(2N)) as in df.SMD's se."""
    idx = [i for i, f in enumerate(d.DF_SMD_FACTOR) if f == factor]
    n1, n2 = d.DF_SMD_N_CASES[idx], d.DF_SMD_N_CONTROLS[idx]
    j = hedges_j(n1 + n2 - 2)
    return j * d.DF_SMD_VALUE[idx], (j * d.DF_SMD_SE[idx]) ** 2, n1, n2


# summary(umbrella(df.SMD)) as printed in the vignette: value, CI, p, I2, PI, egger_p, ESB_p,
# largest_CI_eG; the class follows from metaumbrella's .add.evidence_Ioannidis source.
PRINTED = {
    "Pharmacological": (0.745, (0.393, 1.097), 3.35e-05, 98.108, (-0.992, 2.481), 3.28e-01,
                        5.04e-01, (1.23, 1.553), 4299, "III"),
    "Surgical": (-0.056, (-0.291, 0.18), 6.44e-01, 89.659, (-0.961, 0.85), 6.19e-01,
                 9.43e-06, (-0.345, -0.052), 1959, "ns"),
}  # fmt: skip


@pytest.mark.parametrize("factor", PRINTED)
def test_metaumbrella_conventions_reproduce_its_df_smd_example(factor):
    value, ci, p, i2, pi, egger_p, esb_p, largest, n_cases, grade = PRINTED[factor]
    g, v, n1, n2 = df_smd(factor)
    graded = grade_association(
        g, v, n_cases=n1.sum(), conventions=METAUMBRELLA, n1=n1, n2=n2, smd=True
    )
    pooled = graded.pooled
    assert n1.sum() == n_cases
    assert_printed(pooled.estimate, value, 3)
    assert_printed(pooled.ci_low, ci[0], 3)
    assert_printed(pooled.ci_high, ci[1], 3)
    assert pooled.p == pytest.approx(p, rel=0.5e-2)  # printed to 3 significant digits
    assert_printed(pooled.i2, i2, 3)
    assert graded.prediction_interval is not None
    assert_printed(graded.prediction_interval[0], pi[0], 3)
    assert_printed(graded.prediction_interval[1], pi[1], 3)
    assert graded.egger_p == pytest.approx(egger_p, rel=0.5e-2)
    assert graded.esb_p == pytest.approx(esb_p, rel=0.5e-2)
    assert_printed(graded.largest_ci[0], largest[0], 3)
    assert_printed(graded.largest_ci[1], largest[1], 3)
    assert graded.grade == grade


def test_our_conventions_differ_from_metaumbrella_only_where_documented():
    """Same data, our defaults: the pooled result is identical; the PI is wider (t on k - 2),
    the largest study is another one (smallest variance, not the largest sample) and the
    excess-significance p is Ioannidis-Trikalinos' (here 1.0 instead of 0.504)."""
    g, v, n1, n2 = df_smd("Pharmacological")
    ours = grade_association(g, v, n_cases=n1.sum(), n1=n1, n2=n2, smd=True)
    theirs = grade_association(
        g, v, n_cases=n1.sum(), conventions=METAUMBRELLA, n1=n1, n2=n2, smd=True
    )
    assert ours.pooled == theirs.pooled
    assert ours.prediction_interval is not None
    assert theirs.prediction_interval is not None
    assert ours.prediction_interval[0] < theirs.prediction_interval[0]
    assert ours.largest == int(np.argmin(v))
    # Steward (343 + 390) and al-Hamed (344 + 389) tie at 733: the smaller |g| wins.
    assert (n1 + n2)[[13, 19]].tolist() == [733, 733]
    assert theirs.largest == 19
    assert ours.esb_p == pytest.approx(1.0)


def test_prediction_interval_t_on_k_minus_1_as_r_meta():
    """R meta set_df_predict: method.predict "V" (the default since meta 7) uses k - 1 df for
    k >= 2; "HTS" k - 2 for k >= 3. By hand on two studies (ours: None)."""
    pooled = pool([0.1, 0.9], [0.04, 0.05], "DL")
    half = float(stdtrit(1, 0.975)) * math.sqrt(pooled.tau2 + pooled.se**2)
    assert prediction_interval(pooled, METAUMBRELLA) == pytest.approx(
        (pooled.estimate - half, pooled.estimate + half)
    )
    assert prediction_interval(pooled, OURS) is None
    assert prediction_interval(pool([0.1, 0.9], [0.04, 0.05], "FE"), METAUMBRELLA) is None


@pytest.mark.parametrize(
    ("factor", "k", "printed", "t_k_minus_2"),
    [
        ("Pharmacological", 21, (-0.992, 2.481), (-0.997, 2.487)),
        ("Surgical", 12, (-0.961, 0.85), (-0.973, 0.862)),
    ],
)
def test_metaumbrella_1_1_prints_t_k_minus_1_not_the_k_minus_2_of_its_1_0_source(
    factor, k, printed, t_k_minus_2
):
    """Issue #22's doubt: the readable R/umbrella.R (cran/metaumbrella up to 1.0.11 and the
    jamovi module CorentinJGosling/metaumbrella_jamovi) has ``qt(0.975, n_studies - 2)`` for
    k >= 3, while metaumbrella 1.1.0's vignette 2 (Example 3, ``summary(umbrella(df.SMD))``)
    prints intervals that only t(k - 1) reproduces at its 3 decimals. The preset follows what
    1.1.0 prints; ours keeps 1.0's (and Higgins, Thompson & Spiegelhalter's) t(k - 2)."""
    g, v, _, _ = df_smd(factor)
    pooled = pool(g, v, "REML")
    assert pooled.k == k
    theirs, ours = prediction_interval(pooled, METAUMBRELLA), prediction_interval(pooled, OURS)
    assert theirs is not None
    assert ours is not None
    for got, want in zip(theirs, printed, strict=True):
        assert_printed(got, want, 3)
    for got, want in zip(ours, t_k_minus_2, strict=True):
        assert_printed(got, want, 3)
    assert round(ours[0], 3) != printed[0]  # t(k - 2) misses the printed interval


def test_largest_study_by_sample_size_breaks_ties_on_the_smallest_effect():
    """metaumbrella .largest_overall: which(n_sample == max(n_sample)), then
    which.min(abs(value)); ours: the smallest variance."""
    yi, vi, sizes = [0.5, -0.2, 0.3, 0.1], [0.01, 0.02, 0.03, 0.005], [300, 500, 500, 200]
    assert largest_study(yi, vi, sizes, METAUMBRELLA) == 1
    assert largest_study(yi, vi, sizes, OURS) == 3
    assert largest_study(yi, vi, None, METAUMBRELLA) == 3  # no sizes: smallest SE


def test_tess_psst_by_hand_on_log_ratios():
    """metaumbrella esb.test (method.esb = "TESSPSST", true_effect = "UWLS"): four log ratios,
    tau2 = 0.01. UWLS = sum(y/v)/sum(1/v); power_i = 1 - Phi((1.96 se_i - |theta|) /
    sqrt(se_i^2 + tau2)); SS = studies with 2 Phi(-|y/se|) < 0.05."""
    y = np.array([0.5, 0.1, 0.45, 0.05])
    v = np.array([0.04, 0.01, 0.02, 0.09])
    se = np.sqrt(v)
    res = tess_psst(y, v, tau2=0.01)
    theta = float(np.sum(y / v) / np.sum(1 / v))
    power = 1 - ndtr((1.96 * se - abs(theta)) / np.sqrt(v + 0.01))
    ss = int(np.sum(2 * ndtr(-np.abs(y / se)) < 0.05))
    assert ss == 2  # 0.5/0.2 = 2.5 and 0.45/0.1414 = 3.18
    assert res.theta == pytest.approx(theta)
    assert res.expected == pytest.approx(power.sum())
    z_tess = ((ss - power.sum()) / 4 - 0.05) / math.sqrt(0.05 * 0.95 / 4)
    e = power.sum() / 4
    z_psst = (ss / 4 - e) / math.sqrt(e * (1 - e) / 4)
    assert res.p_tess == pytest.approx(1 - ndtr(z_tess))
    assert res.p_psst == pytest.approx(1 - ndtr(z_psst))
    assert res.p == min(res.p_tess, res.p_psst)


def test_conventions_validate_the_correlation():
    with pytest.raises(ValueError, match="dependent_outcomes_r"):
        Conventions(dependent_outcomes_r=1.5)
