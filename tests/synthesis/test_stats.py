"""Reference tests: ``synthesis.stats`` against published R metafor output.

Each test names the source it was checked against. Printed output is matched at its
printed precision (|difference| <= half a unit in the last printed digit, see
``tests/synthesis/reference.py``); full-precision output with a relative tolerance.
Abbreviations used below:

* ``metafor docs``: the pkgdown reference pages in github.com/wviechtb/metafor, ``docs/``;
* ``metafor tests``: github.com/wviechtb/metafor, ``tests/testthat/``;
* ``statsmodels``: github.com/statsmodels/statsmodels, ``statsmodels/stats/tests/``, whose
  meta-analysis tests store full-precision metafor output.

Our I^2 / H^2 are Q-based for every method (docs/methods.md); metafor's printed I^2 / H^2
for random-effects models are tau^2-based, so they are compared only for FE/DL (where the
two coincide) or reproduced from our tau^2 with metafor's formula.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import ndtri, stdtrit

from synthesis.stats import (
    binary_effect,
    egger,
    excess_significance,
    hedges_g,
    mantel_haenszel,
    mean_difference,
    pool,
    subgroup_difference,
)
from tests.synthesis import datasets as d
from tests.synthesis.reference import assert_printed

Z975 = float(ndtri(0.975))


def metafor_re_i2_h2(tau2: float, vi: np.ndarray) -> tuple[float, float]:
    """metafor's tau^2-based I^2 (per cent) and H^2 (print.rma.uni docs, Higgins &
    Thompson 2002 eq. 9): typical variance s2 = (k-1) sum w / ((sum w)^2 - sum w^2)."""
    w = 1.0 / vi
    s2 = (vi.size - 1) * w.sum() / (w.sum() ** 2 - (w**2).sum())
    return 100.0 * tau2 / (tau2 + s2), (tau2 + s2) / s2


@pytest.fixture(scope="module")
def bcg() -> tuple[np.ndarray, np.ndarray]:
    return binary_effect(d.BCG_TPOS, d.BCG_N1, d.BCG_CPOS, d.BCG_N2, "RR")


# --------------------------------------------------------------------------------------
# dat.bcg, log risk ratios
# --------------------------------------------------------------------------------------


def test_bcg_log_risk_ratios(bcg):
    """yi, vi printed (4 decimals) by escalc(measure="RR") in metafor docs dat.bcg.html."""
    yi, vi = bcg
    for value, printed in zip(yi, d.BCG_YI_PRINTED, strict=True):
        assert_printed(value, printed)
    for value, printed in zip(vi, d.BCG_VI_PRINTED, strict=True):
        assert_printed(value, printed)


def test_bcg_fixed_effect(bcg):
    """metafor docs rma.uni.html (example "Q_E + Q_M = Q_Total", method="FE") and metafor
    tests test_misc_metan_vs_rma.uni_with_dat.bcg.r (FE model, measure="RR")."""
    res = pool(*bcg, method="FE")
    assert res.k == 13
    assert_printed(res.estimate, -0.4303)
    assert_printed(res.se, 0.0405)
    assert_printed(res.z, -10.6247)
    assert res.p < 1e-4  # printed "<.0001"
    assert_printed(res.ci_low, -0.5097)
    assert_printed(res.ci_high, -0.3509)
    assert res.tau2 == 0.0
    assert_printed(res.q, 152.2330)
    assert res.df == 12
    assert res.q_p < 1e-4  # printed "p-val < .0001"
    assert_printed(res.i2, 92.12, 2)  # FE: metafor's I^2 is Q-based too
    assert_printed(res.h2, 12.69, 2)
    # predict(res, transf=exp) in the metan comparison test: 0.6503 (0.6007, 0.7040)
    assert_printed(math.exp(res.estimate), 0.6503)
    assert_printed(math.exp(res.ci_low), 0.6007)
    assert_printed(math.exp(res.ci_high), 0.7040)
    assert res.hksj is None
    assert res.prediction_interval is None
    assert res.method == "FE"


def test_bcg_dersimonian_laird(bcg):
    """metafor tests test_misc_metan_vs_rma.uni_with_dat.bcg.r (RE model w/ DL estimator)
    and test_misc_confint.r (confint of the DL model)."""
    res = pool(*bcg, method="DL")
    assert_printed(res.estimate, -0.7141)
    assert_printed(res.ci_low, -1.0644)
    assert_printed(res.ci_high, -0.3638)
    assert_printed(res.z, -3.9952)
    assert_printed(res.tau2, 0.3088)
    assert_printed(res.i2, 92.1173)  # DL: metafor's I^2 equals the Q-based one
    assert_printed(res.h2, 12.6861)  # confint(): H^2 estimate
    assert_printed(math.sqrt(res.tau2), 0.5557)  # confint(): tau estimate
    # no SE printed: by hand se = estimate / z = -0.7141 / -3.9952 = 0.17874
    assert res.se == pytest.approx(0.7141 / 3.9952, abs=2e-5)
    assert res.p == pytest.approx(math.erfc(abs(res.z) / math.sqrt(2.0)), rel=1e-12)  # 2 Phi(-|z|)
    assert_printed(math.exp(res.estimate), 0.4896)
    assert_printed(math.exp(res.ci_low), 0.3449)
    assert_printed(math.exp(res.ci_high), 0.6950)
    # Q-profile CI: confint() gives 0.1197 .. 1.1115 (Q-profile, estimator-independent)
    assert res.tau2_ci is not None
    assert_printed(res.tau2_ci[0], 0.1197)
    assert_printed(res.tau2_ci[1], 1.1115)


def test_bcg_reml(bcg):
    """metafor docs dat.bcg.html / rma.uni.html (``rma(yi, vi, data=dat)``), confint.rma.html
    (``confint(res)``) and dat.bcg.html (``predict(res, transf=exp)``)."""
    yi, vi = bcg
    res = pool(yi, vi, method="REML")
    assert_printed(res.tau2, 0.3132)
    assert res.tau2_se is not None
    assert_printed(res.tau2_se, 0.1664)
    assert_printed(math.sqrt(res.tau2), 0.5597)
    assert_printed(res.q, 152.2330)
    assert res.df == 12
    assert res.q_p < 1e-4
    assert_printed(res.estimate, -0.7145)
    assert_printed(res.se, 0.1798)
    assert_printed(res.z, -3.9744)
    assert res.p < 1e-4
    assert_printed(res.ci_low, -1.0669)
    assert_printed(res.ci_high, -0.3622)
    assert res.tau2_ci is not None
    assert_printed(res.tau2_ci[0], 0.1197)
    assert_printed(res.tau2_ci[1], 1.1115)
    assert_printed(math.exp(res.estimate), 0.4894)
    assert_printed(math.exp(res.ci_low), 0.3441)
    assert_printed(math.exp(res.ci_high), 0.6962)

    # I^2 / H^2: ours are Q-based, (152.2330 - 12) / 152.2330 = 92.1173 % and
    # 152.2330 / 12 = 12.6861 (the DL values printed by metafor) ...
    assert_printed(res.i2, 92.1173)
    assert_printed(res.h2, 12.6861)
    # ... while metafor prints tau^2-based values for REML: 92.22% / 12.86 (print) and
    # 92.2214 / 12.8558 (confint); reproduce them from our tau^2 with metafor's formula.
    i2_re, h2_re = metafor_re_i2_h2(res.tau2, vi)
    assert_printed(i2_re, 92.2214)
    assert_printed(h2_re, 12.8558)

    # Prediction interval. metafor (2.5-15 docs) prints cr.lb/cr.ub = 0.1546/1.5490 on the
    # RR scale, computed as mu -/+ z * sqrt(tau2 + se^2). We use t(k-2) instead (Higgins,
    # Thompson & Spiegelhalter 2009): recover sqrt(tau2 + se^2) from metafor's bounds and
    # compare. Rounding of 0.1546 to 4 decimals allows ~1e-4 in the recovered value.
    sd_pred_metafor = (math.log(1.5490) - math.log(0.1546)) / (2.0 * Z975)
    assert res.prediction_interval is not None
    low, high = res.prediction_interval
    t11 = float(stdtrit(11, 0.975))
    assert (high - low) / (2.0 * t11) == pytest.approx(sd_pred_metafor, abs=1e-4)
    assert (low + high) / 2.0 == pytest.approx(res.estimate, abs=1e-12)
    assert low < math.log(0.1546)
    assert high > math.log(1.5490)


def test_bcg_paule_mandel(bcg):
    """metafor tests test_misc_rma_uni.r: ``rma(yi, vi, method="SJIT")`` gives tau^2 =
    0.3181. The iterated Sidik-Jonkman estimator is the fixed point of
    tau2 = tau2/(k-1) * sum (y - mu)^2/(v + tau2), i.e. of sum (y - mu)^2/(v + tau2) = k - 1,
    which is the Paule-Mandel equation; so PM must give 0.3181 as well."""
    yi, vi = bcg
    res = pool(yi, vi, method="PM")
    assert_printed(res.tau2, 0.3181)
    # identity: the generalised Q at the PM estimate equals k - 1
    w = 1.0 / (vi + res.tau2)
    mu = float(np.dot(w, yi) / w.sum())
    assert float(np.dot(w, (yi - mu) ** 2)) == pytest.approx(12.0, rel=1e-12)
    assert res.estimate == pytest.approx(mu, rel=1e-13)
    assert res.se == pytest.approx(1.0 / math.sqrt(w.sum()), rel=1e-13)
    # identity: with Q(tau2_PM) = k - 1 the HKSJ scaling factor is exactly 1
    assert res.hksj is not None
    assert res.hksj.se == pytest.approx(res.se, rel=1e-10)
    assert res.hksj.df == 12
    # shared with every method: Q, I^2, Q-profile CI
    assert_printed(res.q, 152.2330)
    assert_printed(res.i2, 92.1173)
    assert res.tau2_ci is not None
    assert_printed(res.tau2_ci[0], 0.1197)
    assert_printed(res.tau2_ci[1], 1.1115)


def test_bcg_i2_confidence_interval_by_hand(bcg):
    """Higgins & Thompson (2002) test-based interval, as R meta's ``calcH``: no published
    value for dat.bcg, so derived by hand from Q = 152.2330, k = 13:
    ln H = ln(152.2330/12)/2 = 1.270256; SE = (ln 152.2330 - ln 12)/(2 (sqrt(304.466) -
    sqrt(23))) = 0.100389; H^2 bounds exp(2 (1.270256 -/+ 1.959964 * 0.100389)) =
    8.5587 .. 18.8029; I^2 = (H^2 - 1)/H^2 = 88.316% .. 94.682%."""
    res = pool(*bcg, method="REML")
    assert res.i2_ci is not None
    q, k = 152.2330081, 13
    ln_h = 0.5 * math.log(q / (k - 1))
    se = 0.5 * (math.log(q) - math.log(k - 1)) / (math.sqrt(2 * q) - math.sqrt(2 * k - 3))
    h2_lo, h2_hi = math.exp(2 * (ln_h - Z975 * se)), math.exp(2 * (ln_h + Z975 * se))
    assert res.i2_ci[0] == pytest.approx(100 * (h2_lo - 1) / h2_lo, abs=1e-6)
    assert res.i2_ci[1] == pytest.approx(100 * (h2_hi - 1) / h2_hi, abs=1e-6)
    assert_printed(res.i2_ci[0], 88.32, 2)
    assert_printed(res.i2_ci[1], 94.68, 2)


def test_bcg_odds_ratio_and_risk_difference_inverse_variance():
    """metafor tests test_misc_metan_vs_rma.uni_with_dat.bcg.r (FE and DL, OR and RD)."""
    yi, vi = binary_effect(d.BCG_TPOS, d.BCG_N1, d.BCG_CPOS, d.BCG_N2, "OR")
    fe = pool(yi, vi, "FE")
    assert_printed(fe.estimate, -0.4361)
    assert_printed(fe.ci_low, -0.5190)
    assert_printed(fe.ci_high, -0.3533)
    assert_printed(fe.z, -10.3190)
    assert_printed(fe.q, 163.1649)
    assert_printed(math.exp(fe.estimate), 0.6465)
    dl = pool(yi, vi, "DL")
    assert_printed(dl.estimate, -0.7474)
    assert_printed(dl.ci_low, -1.1242)
    assert_printed(dl.ci_high, -0.3706)
    assert_printed(dl.z, -3.8873)
    assert_printed(dl.tau2, 0.3663)
    assert_printed(dl.i2, 92.6455)
    assert_printed(math.exp(dl.estimate), 0.4736)
    assert_printed(math.exp(dl.ci_low), 0.3249)
    assert_printed(math.exp(dl.ci_high), 0.6903)

    yi, vi = binary_effect(d.BCG_TPOS, d.BCG_N1, d.BCG_CPOS, d.BCG_N2, "RD")
    fe = pool(yi, vi, "FE")
    assert_printed(fe.estimate, -0.0009)
    assert_printed(fe.ci_low, -0.0014)
    assert_printed(fe.ci_high, -0.0005)
    assert_printed(fe.z, -4.0448)
    assert_printed(fe.q, 276.4737)
    dl = pool(yi, vi, "DL")
    assert_printed(dl.estimate, -0.0071)
    assert_printed(dl.ci_low, -0.0101)
    assert_printed(dl.ci_high, -0.0040)
    assert_printed(dl.z, -4.5128)
    assert_printed(dl.tau2, 0.0000)
    assert_printed(dl.i2, 95.6596)


def test_bcg_log_odds_ratio_q_profile():
    """metafor-project.org analyses:vanhouwelingen2002: for the log odds ratios of the same
    13 trials, ``confint(res)`` gives the Q-profile CI 0.1302 to 1.1812. metafor finds the
    bounds with ``uniroot(tol = .Machine$double.eps^0.25)`` (confint.rma docs), i.e. only to
    about 1.2e-4, hence the extra slack."""
    yi, vi = binary_effect(d.BCG_TPOS, d.BCG_N1, d.BCG_CPOS, d.BCG_N2, "OR")
    res = pool(yi, vi, "REML")
    assert res.tau2_ci is not None
    assert_printed(res.tau2_ci[0], 0.1302, slack=1.2e-4)
    assert_printed(res.tau2_ci[1], 1.1812, slack=1.2e-4)


@pytest.mark.parametrize(
    ("measure", "est", "se", "z", "lo", "hi", "q", "i2", "h2", "exp_est"),
    [
        # metafor docs rma.mh.html, examples (printed output)
        ("OR", -0.4734, 0.0410, -11.5444, -0.5538, -0.3930, 163.9426, 92.68, 13.66, 0.6229),
        ("RR", -0.4537, 0.0393, -11.5338, -0.5308, -0.3766, 152.5676, 92.13, 12.71, 0.6353),
    ],
)
def test_bcg_mantel_haenszel(measure, est, se, z, lo, hi, q, i2, h2, exp_est):
    """metafor docs rma.mh.html (examples) and metafor tests
    test_misc_metan_vs_rma.mh_with_dat.bcg.r; Q is the inverse-variance Q around the MH
    estimate, I^2/H^2 are Q-based (printed to 2 decimals)."""
    res = mantel_haenszel(d.BCG_TPOS, d.BCG_N1, d.BCG_CPOS, d.BCG_N2, measure)
    assert res.k == 13
    assert res.method == "MH"
    assert res.excluded == ()
    assert_printed(res.estimate, est)
    assert_printed(res.se, se)
    assert_printed(res.z, z)
    assert res.p < 1e-4
    assert_printed(res.ci_low, lo)
    assert_printed(res.ci_high, hi)
    assert_printed(res.q, q)
    assert res.df == 12
    assert_printed(res.i2, i2, 2)
    assert_printed(res.h2, h2, 2)
    assert_printed(math.exp(res.estimate), exp_est)
    assert res.tau2 == 0.0
    assert res.hksj is None
    assert res.prediction_interval is None


def test_bcg_mantel_haenszel_confidence_limits_ratio_scale():
    """metafor tests test_misc_confint.r / rma.mh docs: exp scale 0.6353 (0.5881, 0.6862)
    for RR and 0.6229 (0.5748, 0.6750) for OR."""
    rr = mantel_haenszel(d.BCG_TPOS, d.BCG_N1, d.BCG_CPOS, d.BCG_N2, "RR")
    assert_printed(math.exp(rr.ci_low), 0.5881)
    assert_printed(math.exp(rr.ci_high), 0.6862)
    odds = mantel_haenszel(d.BCG_TPOS, d.BCG_N1, d.BCG_CPOS, d.BCG_N2, "OR")
    assert_printed(math.exp(odds.ci_low), 0.5748)
    assert_printed(math.exp(odds.ci_high), 0.6750)


def test_bcg_mantel_haenszel_risk_difference():
    """metafor tests test_misc_metan_vs_rma.mh_with_dat.bcg.r (measure="RD"; Sato,
    Greenland & Robins 1989 variance)."""
    res = mantel_haenszel(d.BCG_TPOS, d.BCG_N1, d.BCG_CPOS, d.BCG_N2, "RD")
    assert_printed(res.estimate, -0.0033)
    assert_printed(res.ci_low, -0.0039)
    assert_printed(res.ci_high, -0.0027)
    assert_printed(res.z, -11.4708)
    assert_printed(res.q, 386.7759)


def test_bcg_subgroups_reml():
    """metafor docs rma.uni.html: separate REML fits per allocation subgroup
    (``rma(yi, vi, data=dat, subset=(alloc=="alternate"))`` etc.).

    metafor stops its REML iterations once tau^2 changes by less than 1e-5 (rma.uni docs,
    Note), we iterate to 1e-10. For the "random" subgroup that is visible in the 4th decimal
    of z: metafor's path stops at tau^2 = 0.3925265 (z = -3.518552, printed -3.5186), the
    converged root is 0.3925280 (z = -3.518548); the z check therefore allows 1e-5."""
    yi, vi = binary_effect(d.BCG_TPOS, d.BCG_N1, d.BCG_CPOS, d.BCG_N2, "RR")
    res = subgroup_difference(yi, vi, d.BCG_ALLOC, method="REML")
    assert list(res.groups) == ["random", "alternate", "systematic"]
    published = {
        # k, tau2, se(tau2), Q, p(Q), estimate, se, z, p, ci.lb, ci.ub
        "alternate": (2, 0.1326, 0.2286, 5.5625, 0.0183, -0.5408, 0.2816, -1.9204, 0.0548,
                      -1.0927, 0.0111),
        "random": (7, 0.3925, 0.3029, 110.2133, None, -0.9710, 0.2760, -3.5186, 0.0004,
                   -1.5118, -0.4301),
        "systematic": (4, 0.4003, 0.4199, 16.5919, 0.0009, -0.4242, 0.3597, -1.1792, 0.2383,
                       -1.1293, 0.2809),
    }  # fmt: skip
    for label, (k, tau2, se_tau2, q, q_p, est, se, z, p, lo, hi) in published.items():
        g = res.groups[label]
        assert g.k == k
        assert_printed(g.tau2, tau2)
        assert g.tau2_se is not None
        assert_printed(g.tau2_se, se_tau2)
        assert_printed(g.q, q)
        if q_p is None:
            assert g.q_p < 1e-4
        else:
            assert_printed(g.q_p, q_p)
        assert_printed(g.estimate, est)
        assert_printed(g.se, se)
        assert_printed(g.z, z, slack=1e-5)
        assert_printed(g.p, p)
        assert_printed(g.ci_low, lo)
        assert_printed(g.ci_high, hi)
    # Q_between from the published subgroup estimates and SEs (by hand: weights 1/se^2):
    est = np.array([-0.9710, -0.5408, -0.4242])
    w = 1.0 / np.array([0.2760, 0.2816, 0.3597]) ** 2
    q_between_hand = float(np.sum(w * (est - np.sum(w * est) / w.sum()) ** 2))  # 1.8614
    assert res.q_between == pytest.approx(q_between_hand, abs=2e-3)
    assert res.df == 2
    assert res.p == pytest.approx(math.exp(-res.q_between / 2.0), rel=1e-12)  # chi2(2) sf


def test_bcg_subgroups_fixed_effect_decomposition():
    """metafor docs rma.uni.html ("decomposition of Q_E into subgroup Q-values"): within-
    subgroup Q values 5.562514 + 110.2133 + 16.59186 = 132.3676; with the total Q = 152.2330
    the fixed-effect between-subgroup Q must be 152.2330 - 132.3676 = 19.8654."""
    yi, vi = binary_effect(d.BCG_TPOS, d.BCG_N1, d.BCG_CPOS, d.BCG_N2, "RR")
    res = subgroup_difference(yi, vi, d.BCG_ALLOC, method="FE")
    assert_printed(res.groups["alternate"].q, 5.562514, 6)
    assert_printed(res.groups["random"].q, 110.2133)
    assert_printed(res.groups["systematic"].q, 16.59186, 5)
    assert_printed(sum(g.q for g in res.groups.values()), 132.3676)
    assert_printed(res.q_between, 19.8654, slack=1e-4)


# --------------------------------------------------------------------------------------
# Full-precision metafor output (Kacker 2004 data) -- statsmodels results_meta.py
# --------------------------------------------------------------------------------------


def test_kacker_paule_mandel_full_precision():
    """statsmodels results/results_meta.py ``exk1_metafor``: rma(y, v, method="PM",
    control=list(tol=1e-9)). I2/H2 there are metafor's tau^2-based values."""
    res = pool(d.KACKER_Y, d.KACKER_V, "PM")
    assert res.estimate == pytest.approx(62.4076199113286, rel=1e-12)
    assert res.se == pytest.approx(0.338030602684471, rel=1e-9)
    assert res.z == pytest.approx(184.621213037276, rel=1e-9)
    assert res.ci_low == pytest.approx(61.7450921043947, rel=1e-12)
    assert res.ci_high == pytest.approx(63.0701477182625, rel=1e-12)
    assert res.tau2 == pytest.approx(0.705395309224248, rel=1e-9)
    assert res.q == pytest.approx(24.801897741835, rel=1e-10)
    assert res.q_p == pytest.approx(0.00167935146372742, rel=1e-9)
    i2_re, h2_re = metafor_re_i2_h2(res.tau2, d.KACKER_V)
    assert i2_re == pytest.approx(83.7218626490482, rel=1e-8)
    assert h2_re == pytest.approx(6.14320900751909, rel=1e-8)
    assert res.i2 == pytest.approx(100 * (24.801897741835 - 8) / 24.801897741835, rel=1e-10)


def test_kacker_dersimonian_laird_full_precision():
    """statsmodels results/results_meta.py ``exk1_dl`` (method="DL") and ``exk1_dl_hksj``
    (method="DL", test="knha": Hartung-Knapp-Sidik-Jonkman, t on k-1 df)."""
    res = pool(d.KACKER_Y, d.KACKER_V, "DL")
    assert res.estimate == pytest.approx(62.3901386044504, rel=1e-12)
    assert res.se == pytest.approx(0.245749668040304, rel=1e-10)
    assert res.z == pytest.approx(253.876797075543, rel=1e-10)
    assert res.ci_low == pytest.approx(61.9084781058787, rel=1e-12)
    assert res.ci_high == pytest.approx(62.8717991030221, rel=1e-12)
    assert res.tau2 == pytest.approx(0.288049246973751, rel=1e-9)
    assert res.i2 == pytest.approx(67.744403741711, rel=1e-10)
    assert res.h2 == pytest.approx(3.10023721772938, rel=1e-10)
    assert res.hksj is not None
    assert res.hksj.se == pytest.approx(0.29477605699879, rel=1e-10)
    assert res.hksj.ci_low == pytest.approx(61.710383798052, rel=1e-12)
    assert res.hksj.ci_high == pytest.approx(63.0698934108488, rel=1e-12)
    assert res.hksj.t == pytest.approx(211.652666908108, rel=1e-10)
    assert res.hksj.p == pytest.approx(2.77938607433693e-16, rel=1e-6)
    assert res.hksj.df == 8


def test_kacker_fixed_effect_full_precision():
    """statsmodels results/results_meta.py ``exk1_fe`` (method="FE")."""
    res = pool(d.KACKER_Y, d.KACKER_V, "FE")
    assert res.estimate == pytest.approx(62.5833970939982, rel=1e-12)
    assert res.se == pytest.approx(0.107845705498231, rel=1e-10)
    assert res.z == pytest.approx(580.304953311515, rel=1e-10)
    assert res.ci_low == pytest.approx(62.3720233953344, rel=1e-12)
    assert res.ci_high == pytest.approx(62.7947707926621, rel=1e-12)
    assert res.i2 == pytest.approx(67.744403741711, rel=1e-10)
    assert res.h2 == pytest.approx(3.10023721772938, rel=1e-10)
    assert res.q_p == pytest.approx(0.00167935146372742, rel=1e-9)


# --------------------------------------------------------------------------------------
# Continuous outcomes
# --------------------------------------------------------------------------------------


def test_hedges_g_full_precision():
    """statsmodels tests/test_meta.py TestEffSmdMeta.test_smd: metafor
    escalc(measure="SMD") yi and the large-sample variances (``vi_asy``)."""
    yi, vi = hedges_g(*d.SMD_ROWS.T)
    np.testing.assert_allclose(
        yi,
        [0.09452415852032972, 0.27735586626551018, 0.36654442951591998,
         0.66438496832691396, 0.46180628128769841, 0.18516443739910043],
        rtol=1e-12,
    )  # fmt: skip
    np.testing.assert_allclose(
        vi,
        [0.03337056173559990, 0.03106510106366112, 0.05083971761755720,
         0.01055175923267344, 0.04334466980873156, 0.02363025255552155],
        rtol=1e-12,
    )  # fmt: skip


def test_hedges_g_normand_subset_reml():
    """metafor tests test_misc_rma_uni.r: SMD for dat.normand1999 studies 1-4, REML
    tau^2 = 1.0090."""
    s = slice(0, 4)
    yi, vi = hedges_g(
        d.NORMAND_M1[s], d.NORMAND_SD1[s], d.NORMAND_N1[s],
        d.NORMAND_M2[s], d.NORMAND_SD2[s], d.NORMAND_N2[s],
    )  # fmt: skip
    assert_printed(pool(yi, vi, "REML").tau2, 1.0090)


def test_mean_difference_normand_pooled_sd():
    """metafor tests test_analysis_example_normand1999.r (Normand 1999, Tables VIII/IX): MD
    with the pooled SD in both arms; yi, vi (2 decimals) and FE/DL/REML results."""
    n1, n2 = d.NORMAND_N1, d.NORMAND_N2
    sdp = np.sqrt(((n1 - 1) * d.NORMAND_SD1**2 + (n2 - 1) * d.NORMAND_SD2**2) / (n1 + n2 - 2))
    yi, vi = mean_difference(d.NORMAND_M1, sdp, n1, d.NORMAND_M2, sdp, n2)
    np.testing.assert_array_equal(yi, [-20, -2, -55, -71, -4, 1, 11, -10, 7])
    for value, printed in zip(
        vi, [40.59, 2.05, 15.28, 150.22, 20.19, 1.22, 95.38, 8.03, 20.69], strict=True
    ):
        assert_printed(value, printed, 2)
    fe = pool(yi, vi, "FE")
    assert_printed(fe.estimate, -3.49, 2)
    assert_printed(fe.ci_low, -5.03, 2)
    assert_printed(fe.ci_high, -1.96, 2)
    dl = pool(yi, vi, "DL")
    assert_printed(dl.estimate, -14.10, 2)
    assert_printed(dl.ci_low, -24.45, 2)
    assert_printed(dl.ci_high, -3.75, 2)
    assert_printed(dl.tau2, 218.72, 2)
    reml = pool(yi, vi, "REML")
    assert_printed(reml.estimate, -15.12, 2)
    assert_printed(reml.ci_low, -32.67, 2)
    assert_printed(reml.ci_high, 2.43, 2)
    assert_printed(reml.tau2, 685.20, 2)


def test_mean_difference_unpooled_variance():
    """escalc(measure="MD") default variance sd1^2/n1 + sd2^2/n2: by hand for the first
    study, 47^2/155 + 64^2/156 = 14.25161 + 26.25641 = 40.50802 (metafor prints 40.5080 for
    dat.normand1999 with the default escalc call)."""
    yi, vi = mean_difference(
        d.NORMAND_M1, d.NORMAND_SD1, d.NORMAND_N1, d.NORMAND_M2, d.NORMAND_SD2, d.NORMAND_N2
    )
    assert yi[0] == -20.0
    assert vi[0] == pytest.approx(47**2 / 155 + 64**2 / 156, rel=1e-15)
    assert_printed(vi[0], 40.5080)
    assert_printed(vi[3], 20**2 / 18 + 48**2 / 18)


# --------------------------------------------------------------------------------------
# Risk difference, odds ratios with a zero cell, Egger's test, excess significance
# --------------------------------------------------------------------------------------


def test_risk_difference_hine():
    """metafor tests test_analysis_example_normand1999.r (Normand 1999, Table III and
    Table VII): RD in percentage points; FE, REML and DL give 2.94 (0.4, 5.5), tau^2 = 0."""
    yi, vi = binary_effect(d.HINE_AI, d.HINE_N1, d.HINE_CI, d.HINE_N2, "RD")
    for value, printed in zip(
        yi * 100, [2.8026, 0.0000, 1.9711, 1.7961, 3.5334, 4.4031], strict=True
    ):
        assert_printed(value, printed)
    for value, printed in zip(
        vi * 100**2, [17.7575, 37.5657, 8.1323, 10.8998, 8.0114, 6.1320], strict=True
    ):
        assert_printed(value, printed)
    for method in ("FE", "REML", "DL"):
        res = pool(yi * 100, vi * 100**2, method)
        assert_printed(res.estimate, 2.94, 2)
        assert_printed(res.ci_low, 0.4, 1)
        assert_printed(res.ci_high, 5.5, 1)
        assert res.tau2 == 0.0  # metafor: round(tau2, 3) == 0.000


def test_egger2001_log_odds_ratios_with_zero_cell():
    """metafor docs regtest.html prints ``dat$yi`` to 8 decimals for dat.egger2001 without
    ISIS-4; trial 8 (Bertschat: 0/22 vs 1/21) has a zero cell and gets 0.5 added to all
    four cells: log((0.5 * 20.5) / (21.5 * 1.5)) = -1.19170271."""
    yi, vi = binary_effect(d.EGGER_AI[:15], d.EGGER_N1[:15], d.EGGER_CI[:15], d.EGGER_N2[:15], "OR")
    expected = [
        -0.83034830, -1.05605267, -1.27833981, -0.04348511, 0.22314355, -2.40751999,
        -1.28093385, -1.19170271, -0.69574796, -2.20827441, -2.03815988, -0.85015093,
        -0.79323064, -0.29933987, -1.57078846,
    ]  # fmt: skip
    for value, printed in zip(yi, expected, strict=True):
        assert_printed(value, printed, 8)
    assert vi[7] == pytest.approx(1 / 0.5 + 1 / 22.5 + 1 / 1.5 + 1 / 20.5, rel=1e-15)


def test_egger2001_reml():
    """metafor docs regtest.html: ``rma(yi, vi, data=dat)`` on dat.egger2001 without ISIS-4
    (REML; metafor's printed I^2 38.19% / H^2 1.62 are tau^2-based)."""
    yi, vi = binary_effect(d.EGGER_AI[:15], d.EGGER_N1[:15], d.EGGER_CI[:15], d.EGGER_N2[:15], "OR")
    res = pool(yi, vi, "REML")
    assert_printed(res.tau2, 0.1911)
    assert res.tau2_se is not None
    assert_printed(res.tau2_se, 0.2106)
    assert_printed(res.q, 20.9184)
    assert_printed(res.q_p, 0.1037)
    assert_printed(res.estimate, -0.8745)
    assert_printed(res.se, 0.2080)
    assert_printed(res.z, -4.2049)
    assert_printed(res.ci_low, -1.2822)
    assert_printed(res.ci_high, -0.4669)
    i2_re, h2_re = metafor_re_i2_h2(res.tau2, vi)
    assert_printed(i2_re, 38.19, 2)
    assert_printed(h2_re, 1.62, 2)
    assert res.i2 == pytest.approx(100 * (res.q - 14) / res.q, rel=1e-12)  # ours, Q-based


def test_egger_classical():
    """metafor docs regtest.html, "classical Egger test": ``regtest(res, model="lm")`` gives
    t = -3.1783, df = 13, p = 0.0073 and limit estimate b = -0.1512 (CI -0.5130, 0.2106)."""
    yi, vi = binary_effect(d.EGGER_AI[:15], d.EGGER_N1[:15], d.EGGER_CI[:15], d.EGGER_N2[:15], "OR")
    res = egger(yi, vi)
    assert_printed(res.t, -3.1783)
    assert res.df == 13
    assert_printed(res.p, 0.0073)
    assert res.intercept < 0
    assert res.t == pytest.approx(res.intercept / res.se, rel=1e-14)
    assert_printed(res.slope, -0.1512)
    half = float(stdtrit(13, 0.975)) * res.slope_se
    assert_printed(res.slope - half, -0.5130)
    assert_printed(res.slope + half, 0.2106)


def test_excess_significance_dorn2007():
    """metafor tests test_misc_tes.r and docs tes.html: ``tes(yi, vi, test="chi2")`` on the
    log risk ratios of dat.dorn2007 (theta = FE estimate 0.3123): O = 10, E = 4.923333,
    X^2 = 7.065648, p = 0.003928794; binomial p = 0.01159554; exact p = 0.007778529;
    power min 0.0894, max 0.5397."""
    yi, vi = binary_effect(d.DORN_XA, d.DORN_NA, d.DORN_XP, d.DORN_NP, "RR")
    res = excess_significance(yi, vi)
    assert res.k == 19
    assert res.observed == 10
    assert res.expected == pytest.approx(4.923333, abs=5e-7)
    assert_printed(res.theta, 0.3123)
    assert res.chi2 == pytest.approx(7.065648, abs=5e-7)
    assert res.p == pytest.approx(0.003928794, abs=5e-10)
    assert res.p_binomial == pytest.approx(0.01159554, abs=5e-9)
    assert res.p_exact == pytest.approx(0.007778529, abs=5e-10)
    assert_printed(min(res.power), 0.0894)
    assert_printed(max(res.power), 0.5397)
    assert_printed(res.observed / res.expected, 2.0311)


def test_dorn2007_dersimonian_laird():
    """metafor docs dat.dorn2007.html: ``rma(yi, vi, method="DL", digits=2)``: tau^2 0.14,
    I^2 71.15%, H^2 3.47, Q(df=18) = 62.40, estimate 0.41 (se 0.11, z 3.85, CI 0.20 to
    0.63); ``predict(res, transf=exp)``: 1.51 (1.23, 1.87)."""
    yi, vi = binary_effect(d.DORN_XA, d.DORN_NA, d.DORN_XP, d.DORN_NP, "RR")
    res = pool(yi, vi, "DL")
    assert_printed(res.tau2, 0.14, 2)
    assert_printed(res.i2, 71.15, 2)
    assert_printed(res.h2, 3.47, 2)
    assert_printed(res.q, 62.40, 2)
    assert res.df == 18
    assert_printed(res.estimate, 0.41, 2)
    assert_printed(res.se, 0.11, 2)
    assert_printed(res.z, 3.85, 2)
    assert_printed(res.ci_low, 0.20, 2)
    assert_printed(res.ci_high, 0.63, 2)
    assert_printed(math.exp(res.estimate), 1.51, 2)
    assert_printed(math.exp(res.ci_low), 1.23, 2)
    assert_printed(math.exp(res.ci_high), 1.87, 2)
