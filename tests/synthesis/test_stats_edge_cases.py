"""Edge cases, numerical robustness and input validation of ``synthesis.stats``."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import minimize_scalar
from scipy.special import ndtr, ndtri

from synthesis import _heterogeneity as het
from synthesis.stats import (
    ConvergenceError,
    Pooled,
    binary_effect,
    double_zero_studies,
    egger,
    excess_significance,
    from_confidence_interval,
    hedges_g,
    mantel_haenszel,
    mean_difference,
    pool,
    subgroup_difference,
    tess_psst,
)
from tests.synthesis import datasets as d

METHODS = ("FE", "DL", "REML", "PM")
RANDOM = ("DL", "REML", "PM")
Z975 = float(ndtri(0.975))


def numbers(res: Pooled) -> list[float]:
    """Every number in a Pooled result (intervals and HKSJ flattened)."""
    out: list[float] = [
        res.estimate, res.se, res.ci_low, res.ci_high, res.z, res.p, res.tau2, res.q,
        res.df, res.q_p, res.i2, res.h2,
    ]  # fmt: skip
    for interval in (res.i2_ci, res.tau2_ci, res.prediction_interval):
        if interval is not None:
            out.extend(interval)
    if res.hksj is not None:
        out.extend(dataclasses.astuple(res.hksj))
    return out


# --------------------------------------------------------------------------------------
# k = 1 and k = 2
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_single_study_is_returned_as_is(method):
    res = pool([0.3], [0.04], method=method)
    assert res.k == 1
    assert res.estimate == 0.3
    assert res.se == pytest.approx(0.2)
    assert res.ci_low == pytest.approx(0.3 - Z975 * 0.2)
    assert res.ci_high == pytest.approx(0.3 + Z975 * 0.2)
    assert res.z == pytest.approx(1.5)
    assert res.p == pytest.approx(2 * ndtr(-1.5))
    assert res.tau2 == 0.0
    assert res.q == 0.0
    assert res.df == 0
    assert math.isnan(res.q_p)
    assert res.i2 == 0.0
    assert math.isnan(res.h2)
    assert res.i2_ci is None
    assert res.tau2_ci is None
    assert res.hksj is None
    assert res.prediction_interval is None


def test_single_study_scalars_are_accepted():
    assert pool(0.3, 0.04).estimate == 0.3
    yi, vi = hedges_g(10.0, 2.0, 20, 9.0, 2.0, 20)
    assert yi.shape == vi.shape == (1,)


@pytest.mark.parametrize("method", RANDOM)
def test_two_studies(method):
    res = pool([0.1, 0.9], [0.02, 0.03], method=method)
    assert res.k == 2
    assert res.df == 1
    assert res.prediction_interval is None  # needs k >= 3 (t on k - 2 df)
    # R meta calcH: for k = 2 the interval exists when Q > k (here Q = 0.64/0.05 = 12.8)
    q = 0.8**2 / 0.05
    se_ln_h = 0.5 * math.log(q) / (math.sqrt(2 * q) - 1.0)
    low, high = (math.exp(2 * (0.5 * math.log(q) + s * Z975 * se_ln_h)) for s in (-1, 1))
    assert res.i2_ci == pytest.approx((100 * (low - 1) / low, 100 * (high - 1) / high))
    assert pool([0.1, 0.2], [0.02, 0.03], method=method).i2_ci is None  # Q <= k: meta's NA
    assert res.tau2_ci is not None
    assert res.hksj is not None
    assert res.hksj.df == 1
    assert res.tau2 > 0.0


# --------------------------------------------------------------------------------------
# Homogeneity: tau^2 = 0, I^2 = 0, no negative numbers anywhere
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_identical_studies(method):
    res = pool([0.5] * 5, [0.01, 0.02, 0.03, 0.04, 0.05], method=method)
    assert res.tau2 == 0.0
    assert res.q == pytest.approx(0.0, abs=1e-25)
    assert res.i2 == 0.0
    # R meta calcH: centred on ln max(H, 1) = 0 with SE sqrt(1/(2(k-2)) (1 - 1/(3(k-2)^2)))
    se_ln_h = math.sqrt(1 / 6 * (1 - 1 / 27))
    assert res.i2_ci == pytest.approx((0.0, 100 * (1 - math.exp(-2 * Z975 * se_ln_h))))
    assert res.tau2_ci == (0.0, 0.0)
    assert res.estimate == pytest.approx(0.5)
    assert all(x >= 0.0 for x in numbers(res)), res


@pytest.mark.parametrize("method", METHODS)
def test_less_spread_than_expected(method):
    """Q < df: every estimator truncates tau^2 at 0 and I^2 at 0 %."""
    yi = [0.50, 0.52, 0.49, 0.51, 0.50, 0.48]
    vi = [0.04] * 6
    res = pool(yi, vi, method=method)
    assert res.q < res.df
    assert res.tau2 == 0.0
    assert res.i2 == 0.0
    assert res.tau2_ci == (0.0, 0.0)
    assert res.i2_ci is not None
    assert res.i2_ci[0] == 0.0
    fe = pool(yi, vi, method="FE")
    assert res.estimate == fe.estimate
    assert res.se == fe.se
    assert all(x >= 0.0 for x in numbers(res)), res


# --------------------------------------------------------------------------------------
# 2x2 tables: zero cells and double-zero studies
# --------------------------------------------------------------------------------------


def test_zero_cell_gets_half_added_to_all_cells():
    """a=0, b=20, c=3, d=17 -> 0.5, 20.5, 3.5, 17.5 for every measure."""
    a, b, c, dd = 0.5, 20.5, 3.5, 17.5
    yi, vi = binary_effect([0], [20], [3], [20], "OR")
    assert yi[0] == pytest.approx(math.log(a * dd / (b * c)))
    assert vi[0] == pytest.approx(1 / a + 1 / b + 1 / c + 1 / dd)
    yi, vi = binary_effect([0], [20], [3], [20], "RR")
    assert yi[0] == pytest.approx(math.log((a / 21) / (c / 21)))
    assert vi[0] == pytest.approx(1 / a - 1 / 21 + 1 / c - 1 / 21)
    yi, vi = binary_effect([0], [20], [3], [20], "RD")
    assert yi[0] == pytest.approx(a / 21 - c / 21)
    assert vi[0] == pytest.approx((a / 21) * (1 - a / 21) / 21 + (c / 21) * (1 - c / 21) / 21)
    # no zero cell: no correction
    yi, _ = binary_effect([1], [20], [3], [20], "RD")
    assert yi[0] == pytest.approx(1 / 20 - 3 / 20)


def test_double_zero_studies_are_nan_for_ratios_and_kept_for_rd():
    e1, n1, e2, n2 = [0, 5, 10, 3], [10, 20, 10, 30], [0, 7, 12, 4], [12, 20, 12, 30]
    assert double_zero_studies(e1, n1, e2, n2) == [0, 2]  # no events / all events
    for measure in ("RR", "OR"):
        yi, vi = binary_effect(e1, n1, e2, n2, measure)
        assert np.isnan(yi[[0, 2]]).all()
        assert np.isnan(vi[[0, 2]]).all()
        assert np.isfinite(yi[[1, 3]]).all()
        with pytest.raises(ValueError, match=r"study 0: yi must be finite"):
            pool(yi, vi)
    yi, vi = binary_effect(e1, n1, e2, n2, "RD")
    assert np.isfinite(yi).all()
    assert np.isfinite(vi).all()


@pytest.mark.parametrize("measure", ["RR", "OR", "RD"])
def test_mantel_haenszel_keeps_double_zero_tables_in_the_estimate_but_not_in_q(measure):
    """metafor rma.mh defaults drop00 = c(TRUE, FALSE): double-zero tables are dropped from
    the escalc yi/vi used for Q, kept in the MH estimate; k counts tables, Q has k_yi - 1 df."""
    e1 = [0, 5, 10, 3, 8]
    n1 = [10, 20, 10, 30, 40]
    e2 = [0, 7, 12, 4, 12]
    n2 = [12, 20, 12, 30, 40]
    res = mantel_haenszel(e1, n1, e2, n2, measure)
    assert res.excluded == ()
    assert res.heterogeneity_excluded == (0, 2)
    assert res.k == 5
    assert res.df == 2
    kept = mantel_haenszel([5, 3, 8], [20, 30, 40], [7, 4, 12], [20, 30, 40], measure)
    yi, vi = binary_effect([5, 3, 8], [20, 30, 40], [7, 4, 12], [20, 30, 40], measure)
    assert res.q == pytest.approx(float(np.sum((yi - res.estimate) ** 2 / vi)), rel=1e-14)
    if measure == "OR":  # both kinds of double-zero table add 0 to sum ad/n and sum bc/n
        assert res.estimate == pytest.approx(kept.estimate, rel=1e-14)
        assert res.se == pytest.approx(kept.se, rel=1e-14)
    else:  # the all-event table 10/10 vs 12/12 moves an MH RR (towards 1) and an MH RD
        assert res.estimate != pytest.approx(kept.estimate, rel=1e-6)


def test_mantel_haenszel_zero_cell_uses_raw_counts():
    """The MH estimate uses the uncorrected counts (metafor rma.mh add=c(1/2, 0)); only
    the study-level yi/vi for Q get the 0.5 correction. By hand for OR:
    R = 0*18/40 + 4*14/36 = 1.5556, S = 20*2/40 + 14*4/36 = 2.5556, OR = 0.6087."""
    res = mantel_haenszel([0, 4], [20, 18], [2, 4], [20, 18], "OR")
    assert math.exp(res.estimate) == pytest.approx((4 * 14 / 36) / (20 * 2 / 40 + 14 * 4 / 36))


def test_mantel_haenszel_one_table_in_q_and_errors():
    res = mantel_haenszel([0, 4], [10, 20], [0, 6], [10, 20], "RR")
    assert res.k == 2
    assert res.heterogeneity_excluded == (0,)
    assert (res.q, res.df) == (0.0, 0)
    assert math.isnan(res.q_p)
    assert res.i2_ci is None
    assert res.prediction_interval is None
    assert res.estimate == pytest.approx(math.log(4 / 6))  # the no-event table adds 0 to R, S
    with pytest.raises(ValueError, match="0 or infinite"):
        mantel_haenszel([0, 0], [10, 20], [0, 0], [10, 20], "OR")
    with pytest.raises(ValueError, match="0 or infinite"):
        mantel_haenszel([3, 4], [10, 20], [0, 0], [10, 20], "RR")
    with pytest.raises(ValueError, match="measure"):
        mantel_haenszel([3], [10], [2], [10], "HR")  # type: ignore[arg-type]  # the error is the test


def test_mantel_haenszel_risk_difference_of_double_zero_tables_only_is_undefined():
    """metafor rma.mh: RD 0 with SE 0, so z = 0/0 and p are NaN. We refuse instead of
    returning SE 0 and p = 1."""
    with pytest.raises(ValueError, match="standard error is 0"):
        mantel_haenszel([0, 0], [10, 20], [0, 0], [10, 20], "RD")
    with pytest.raises(ValueError, match="standard error is 0"):
        mantel_haenszel([10], [10], [12], [12], "RR")  # everyone has the event: RR 1, SE 0


# --------------------------------------------------------------------------------------
# Effect sizes from confidence intervals
# --------------------------------------------------------------------------------------


def test_from_confidence_interval():
    yi, vi = from_confidence_interval([0.8, 1.5], [0.6, 1.1], [1.0667, 2.0], ratio=True)
    assert yi[0] == pytest.approx(math.log(0.8))
    se0 = (math.log(1.0667) - math.log(0.6)) / (2 * 1.959963984540054)
    assert vi[0] == pytest.approx(se0**2)
    yi, vi = from_confidence_interval(0.25, 0.05, 0.45, ratio=False)
    assert yi[0] == 0.25
    assert vi[0] == pytest.approx((0.4 / (2 * Z975)) ** 2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([1.0, 0.8], [0.5, 0.9], [2.0, 0.7]), "study 1: ci_low"),
        (([1.0, 1.5], [0.5, 0.9], [2.0, 1.2]), "study 1: estimate"),
        (([1.0, 0.0], [0.5, -0.1], [2.0, 0.2]), "study 1: estimate must be > 0"),
        (([1.0, np.nan], [0.5, 0.1], [2.0, 0.2]), "study 1: estimate must be finite"),
    ],
)
def test_from_confidence_interval_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        from_confidence_interval(*args, ratio=True)


# --------------------------------------------------------------------------------------
# Invalid input: ValueError naming the study index and the field
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yi", "vi", "message"),
    [
        ([0.1, 0.2, 0.3], [0.1, -0.2, 0.1], r"study 1: vi must be > 0"),
        ([0.1, 0.2, 0.3], [0.1, 0.2, 0.0], r"study 2: vi must be > 0"),
        ([0.1, np.nan, 0.3], [0.1, 0.2, 0.3], r"study 1: yi must be finite"),
        ([0.1, 0.2, 0.3], [np.inf, 0.2, 0.3], r"study 0: vi must be finite"),
        ([0.1, 0.2], [0.1, 0.2, 0.3], r"mismatched lengths: vi has 3 values but yi has 2"),
        ([], [], r"no studies"),
        ([[0.1, 0.2]], [[0.1, 0.2]], r"one-dimensional"),
        (["a", "b"], [0.1, 0.2], r"yi must be numeric"),
    ],
)
def test_pool_rejects_invalid_input(yi, vi, message):
    with pytest.raises(ValueError, match=message):
        pool(yi, vi)


def test_pool_rejects_bad_method_and_level():
    with pytest.raises(ValueError, match="method must be one of"):
        pool([0.1, 0.2], [0.1, 0.1], method="ML")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="level must be between 0 and 1"):
        pool([0.1, 0.2], [0.1, 0.1], level=95)


@pytest.mark.parametrize("func", [hedges_g, mean_difference])
@pytest.mark.parametrize(
    ("field", "index", "value", "message"),
    [
        ("sd2", 0, -1.0, r"study 0: sd2 must be >= 0"),
        ("n1", 1, 0.0, r"study 1: n1 must be >= 1"),
        ("n1", 1, 20.5, r"study 1: n1 must be a whole number \(got 20\.5\)"),
        ("n2", 2, True, r"n2 must be numeric, not a boolean"),
        ("m2", 1, np.inf, r"study 1: m2 must be finite"),
    ],
)
def test_continuous_effects_reject_invalid_input(func, field, index, value, message):
    data = {
        "m1": [10.0, 11.0, 12.0],
        "sd1": [2.0, 2.0, 2.0],
        "n1": [20, 20, 20],
        "m2": [9.0, 9.0, 9.0],
        "sd2": [2.0, 2.0, 2.0],
        "n2": [20, 20, 20],
    }
    data[field] = list(data[field])
    data[field][index] = value
    with pytest.raises(ValueError, match=message):
        func(**data)


def test_arms_with_one_participant_or_sd_zero_are_computed_as_metafor():
    """metafor escalc accepts them (docs/methods.md, "Data metafor accepts"). By hand:
    n1 = 1 (its SD multiplied by n1 - 1 = 0): s_p^2 = 9 * 4 / 9 = 4, m = 9,
    J = Gamma(4.5) / (sqrt(4.5) Gamma(4)) = 0.914..., g = J * 1/2."""
    g, v = hedges_g([11.0], [0.0], [1], [10.0], [2.0], [10])
    j = math.exp(math.lgamma(4.5) - 0.5 * math.log(4.5) - math.lgamma(4.0))
    assert g[0] == pytest.approx(j * 0.5)
    assert v[0] == pytest.approx(1 / 1 + 1 / 10 + g[0] ** 2 / (2 * 11))
    # SD 0 in one arm: s_p^2 = (19 * 0 + 19 * 4) / 38 = 2
    g, _ = hedges_g([11.0], [0.0], [20], [10.0], [2.0], [20])
    assert g[0] == pytest.approx(
        math.exp(math.lgamma(19) - 0.5 * math.log(19) - math.lgamma(18.5)) / math.sqrt(2)
    )
    md, vmd = mean_difference([11.0], [0.0], [1], [10.0], [2.0], [10])
    assert (md[0], vmd[0]) == (pytest.approx(1.0), pytest.approx(0.4))
    yi, _ = binary_effect([1], [1], [3], [10], "RR")  # zero cell b = 0: 0.5 added
    assert yi[0] == pytest.approx(math.log((1.5 / 2) / (3.5 / 11)))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([1.0], [2.0], [1], [0.0], [2.0], [2]), r"n1 \+ n2 must be >= 4"),  # J undefined
        (([1.0], [0.0], [10], [0.0], [0.0], [10]), r"pooled SD is 0"),
    ],
)
def test_standardised_differences_that_are_undefined_are_refused_with_the_reason(args, message):
    with pytest.raises(ValueError, match=message):
        hedges_g(*args)


def test_mean_difference_with_both_sds_zero_is_refused():
    with pytest.raises(ValueError, match="both 0"):
        mean_difference([1.0], [0.0], [10], [0.0], [0.0], [10])


@pytest.mark.parametrize(
    ("e1", "n1", "e2", "n2", "message"),
    [
        ([1, 21], [20, 20], [2, 3], [20, 20], r"study 1: e1 \(21\.0\) must not exceed n1"),
        ([1, 2], [20, 20], [-1, 3], [20, 20], r"study 0: e2 must be >= 0"),
        ([1, 0], [20, 0], [2, 3], [20, 20], r"study 1: n1 must be >= 1"),
        ([1, 2.5], [20, 20], [2, 3], [20, 20], r"study 1: e1 must be a whole number"),
        ([1, 2], [20, 20], [True, 3], [20, 20], r"e2 must be numeric, not a boolean"),
        ([1, 2], [20, 20], [2], [20], r"mismatched lengths"),
    ],
)
def test_binary_effects_reject_invalid_input(e1, n1, e2, n2, message):
    with pytest.raises(ValueError, match=message):
        binary_effect(e1, n1, e2, n2, "RR")
    with pytest.raises(ValueError, match=message):
        mantel_haenszel(e1, n1, e2, n2, "OR")


def test_binary_effect_rejects_unknown_measure():
    with pytest.raises(ValueError, match="measure must be"):
        binary_effect([1], [10], [2], [10], "logRR")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# Huge and tiny variances
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("scale", [1e-6, 1e6])
def test_scale_invariance(method, scale):
    """Multiplying effects by c (variances by c^2) scales estimate/SE by c, tau^2 by c^2 and
    leaves z, p, Q and I^2 unchanged."""
    yi, vi = d.bcg_log_rr()
    base = pool(yi, vi, method=method)
    res = pool(yi * scale, vi * scale**2, method=method)
    assert res.estimate == pytest.approx(base.estimate * scale, rel=1e-9)
    assert res.se == pytest.approx(base.se * scale, rel=1e-9)
    assert res.tau2 == pytest.approx(base.tau2 * scale**2, rel=1e-8)
    assert res.z == pytest.approx(base.z, rel=1e-9)
    assert res.p == pytest.approx(base.p, rel=1e-8)
    assert res.q == pytest.approx(base.q, rel=1e-9)
    assert res.i2 == pytest.approx(base.i2, rel=1e-9)
    assert res.tau2_ci is not None
    assert base.tau2_ci is not None
    assert res.tau2_ci[1] == pytest.approx(base.tau2_ci[1] * scale**2, rel=1e-8)


@pytest.mark.parametrize("method", METHODS)
def test_variances_spanning_24_orders_of_magnitude(method):
    yi = [1.0, 0.0, 0.5, -0.5]
    vi = [1e-12, 1e12, 1.0, 1.0]
    res = pool(yi, vi, method=method)
    assert all(math.isfinite(x) for x in numbers(res))
    if method == "FE":
        assert res.estimate == pytest.approx(1.0, abs=1e-9)
    assert res.ci_low <= res.estimate <= res.ci_high


# --------------------------------------------------------------------------------------
# REML: convergence and its safeguards
# --------------------------------------------------------------------------------------

#: 20 studies on which undamped Fisher scoring cycles (observed information about twice
#: the expected one near the optimum); generated for this test, rounded to 6 decimals.
CYCLING_Y = np.array([
    0.343606, -0.190941, 0.026709, 0.271183, -0.077901, 0.260692, 0.338193, 0.314234,
    0.097483, 0.537499, 0.656467, 0.428339, -0.027292, 0.592661, 0.099424, 0.651664,
    -0.128715, 0.665787, 0.291975, -0.1995,
])  # fmt: skip
CYCLING_V = np.array([
    0.062069, 0.011347, 0.132687, 0.146783, 0.168758, 0.063557, 0.050891, 0.131473,
    0.16296, 0.193097, 0.0386, 0.10162, 0.179996, 0.090316, 0.122005, 0.014653, 0.137957,
    0.184627, 0.167097, 0.178249,
])  # fmt: skip


def restricted_neg_loglik(tau2: float, y: np.ndarray, v: np.ndarray) -> float:
    w = 1.0 / (v + tau2)
    mu = float(np.dot(w, y) / w.sum())
    return 0.5 * (-np.log(w).sum() + math.log(w.sum()) + float(np.dot(w, (y - mu) ** 2)))


def metafor_fisher_scoring(y: np.ndarray, v: np.ndarray, maxiter: int = 100) -> float | None:
    """metafor's plain REML algorithm (rma.uni docs, Note): HE start, Fisher steps with
    step halving below 0, stop when tau^2 changes by < 1e-5; None if not converged."""
    tau2 = max(0.0, float(np.sum((y - y.mean()) ** 2)) / (y.size - 1) - float(v.mean()))
    for _ in range(maxiter):
        score, info = het._reml_score(y, v, tau2)
        adj = score / info
        while tau2 + adj < 0.0:
            adj /= 2.0
        tau2 += adj
        if abs(adj) < 1e-5:
            return tau2
    return None


def test_reml_converges_where_plain_fisher_scoring_cycles():
    assert metafor_fisher_scoring(CYCLING_Y, CYCLING_V) is None  # cycles
    tau2, _se, iterations = het.tau2_reml(CYCLING_Y, CYCLING_V)
    assert iterations < 50
    best = minimize_scalar(
        restricted_neg_loglik,
        bounds=(0.0, 1.0),
        args=(CYCLING_Y, CYCLING_V),
        method="bounded",
        options={"xatol": 1e-12},
    )
    assert tau2 == pytest.approx(best.x, rel=1e-6)
    assert het._reml_score(CYCLING_Y, CYCLING_V, tau2)[0] == pytest.approx(0.0, abs=1e-8)
    assert pool(CYCLING_Y, CYCLING_V).tau2 == tau2


def test_reml_agrees_with_metafor_algorithm_to_its_threshold():
    """Where metafor's own algorithm converges, it stops within its 1e-5 threshold of our
    estimate (BCG and the Egger 2001 data)."""
    for yi, vi in (
        d.bcg_log_rr(),
        binary_effect(d.EGGER_AI[:15], d.EGGER_N1[:15], d.EGGER_CI[:15], d.EGGER_N2[:15], "OR"),
    ):
        ours = het.tau2_reml(yi, vi)[0]
        theirs = metafor_fisher_scoring(yi, vi)
        assert theirs is not None
        assert abs(theirs - ours) < 1e-5


def test_reml_boundary_is_exactly_zero():
    res = pool([0.50, 0.52, 0.49, 0.51], [0.04, 0.05, 0.04, 0.06], "REML")
    assert res.tau2 == 0.0
    assert res.tau2_se is not None
    assert res.tau2_se > 0


def test_reml_raises_when_iterations_run_out():
    yi, vi = d.bcg_log_rr()
    with pytest.raises(ConvergenceError, match="did not converge in 1 iterations"):
        het.tau2_reml(yi, vi, maxiter=1)


# --------------------------------------------------------------------------------------
# Other functions
# --------------------------------------------------------------------------------------


def test_tail_p_values_are_not_rounded_to_zero():
    res = mantel_haenszel(d.BCG_TPOS, d.BCG_N1, d.BCG_CPOS, d.BCG_N2, "OR")
    assert 0.0 < res.p < 1e-29
    assert res.p == pytest.approx(2.0 * ndtr(res.z), rel=1e-12)


def test_confidence_level_is_honoured():
    yi, vi = d.bcg_log_rr()
    res = pool(yi, vi, "DL", level=0.90)
    half = float(ndtri(0.95)) * res.se
    assert res.ci_high - res.estimate == pytest.approx(half)
    assert res.level == 0.90


def test_results_are_frozen():
    res = pool([0.1, 0.2, 0.4], [0.01, 0.02, 0.03])
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.estimate = 0.0  # type: ignore[misc]


def test_egger_rejects_too_few_or_equal_standard_errors():
    with pytest.raises(ValueError, match="at least 3 studies"):
        egger([0.1, 0.2], [0.01, 0.02])
    with pytest.raises(ValueError, match="different standard errors"):
        egger([0.1, 0.2, 0.3], [0.01, 0.01, 0.01])


def test_subgroup_difference_validation():
    with pytest.raises(ValueError, match="two distinct groups"):
        subgroup_difference([0.1, 0.2], [0.01, 0.02], ["a", "a"])
    with pytest.raises(ValueError, match="mismatched lengths: groups"):
        subgroup_difference([0.1, 0.2], [0.01, 0.02], ["a"])
    with pytest.raises(ValueError, match="study 1: groups label is missing"):
        subgroup_difference([0.1, 0.2], [0.01, 0.02], ["a", None])


def test_subgroup_with_single_study_groups():
    res = subgroup_difference([0.1, 0.5, 0.6], [0.01, 0.02, 0.02], [1, 2, 2], method="DL")
    assert res.groups[1].k == 1
    assert res.groups[2].k == 2
    w = np.array([1 / 0.01, 1 / res.groups[2].se ** 2])
    mu = np.array([0.1, res.groups[2].estimate])
    assert res.q_between == pytest.approx(np.sum(w * (mu - np.sum(w * mu) / w.sum()) ** 2))


def test_excess_significance_with_heterogeneity_matches_numerical_integration():
    """With tau2 > 0 the power is averaged over N(theta, tau2) (metafor integrates
    numerically); our closed form must agree with quadrature."""
    yi, vi = binary_effect(d.DORN_XA, d.DORN_NA, d.DORN_XP, d.DORN_NP, "RR")
    tau2, theta = 0.14, 0.41
    res = excess_significance(yi, vi, theta=theta, tau2=tau2)
    crit = float(ndtri(0.975))
    for v, power in zip(vi, res.power, strict=True):
        se = math.sqrt(v)

        def integrand(mu: float, se: float = se) -> float:
            dens = math.exp(-((mu - theta) ** 2) / (2 * tau2)) / math.sqrt(2 * math.pi * tau2)
            return dens * float(ndtr(mu / se - crit) + ndtr(-crit - mu / se))

        expected = quad(integrand, theta - 10 * math.sqrt(tau2), theta + 10 * math.sqrt(tau2))[0]
        assert power == pytest.approx(expected, rel=1e-7)
    assert res.theta == theta
    assert res.tau2 == tau2


@pytest.mark.parametrize("test", [excess_significance, tess_psst])
@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"tau2": -0.5}, "tau2 must be finite and >= 0 (got -0.5)"),
        ({"tau2": math.nan}, "tau2 must be finite and >= 0 (got nan)"),
        ({"tau2": 0.0, "theta": math.inf}, "theta must be finite (got inf)"),
    ],
)
def test_both_excess_significance_tests_refuse_the_same_bad_tau2_and_theta(test, given, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        test([0.1, 0.2, 0.3], [0.01, 0.02, 0.03], **given)


def test_excess_significance_validation_and_no_excess():
    with pytest.raises(ValueError, match="alpha"):
        excess_significance([0.1, 0.2], [0.01, 0.01], alpha=1.5)
    with pytest.raises(ValueError, match="tau2"):
        excess_significance([0.1, 0.2], [0.01, 0.01], tau2=-1.0)
    res = excess_significance([0.0, 0.01, -0.01], [0.04, 0.04, 0.04])
    assert res.observed == 0
    assert res.p > 0.5
    assert res.p_exact == 1.0
    assert res.p_binomial == 1.0
