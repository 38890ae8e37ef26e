"""Property-based tests (hypothesis) of ``synthesis.stats``: invariances and identities
that must hold for any valid input, not just for the published examples."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import chdtri

from synthesis import _heterogeneity as het
from synthesis.stats import binary_effect, egger, hedges_g, pool

SETTINGS = settings(max_examples=100, deadline=None)
METHODS = ("FE", "DL", "REML", "PM")


@st.composite
def meta_data(draw: st.DrawFn, min_k: int = 2, max_k: int = 15) -> tuple[np.ndarray, np.ndarray]:
    k = draw(st.integers(min_value=min_k, max_value=max_k))
    effect = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)
    variance = st.floats(min_value=1e-3, max_value=2.0, allow_nan=False, allow_infinity=False)
    yi = np.array(draw(st.lists(effect, min_size=k, max_size=k)))
    vi = np.array(draw(st.lists(variance, min_size=k, max_size=k)))
    return yi, vi


def close(a: float, b: float, rel: float = 1e-7, abs_: float = 1e-10) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


@SETTINGS
@given(data=meta_data(), method=st.sampled_from(METHODS), seed=st.integers(0, 2**32 - 1))
def test_permutation_invariance(data, method, seed):
    yi, vi = data
    perm = np.random.default_rng(seed).permutation(yi.size)
    a, b = pool(yi, vi, method), pool(yi[perm], vi[perm], method)
    assert close(a.estimate, b.estimate, abs_=1e-9)
    assert close(a.se, b.se)
    assert close(a.tau2, b.tau2, rel=1e-6, abs_=1e-9)
    assert close(a.q, b.q, abs_=1e-9)
    assert close(a.i2, b.i2, abs_=1e-7)


@SETTINGS
@given(data=meta_data(), method=st.sampled_from(("DL", "REML", "PM")))
def test_random_effects_equals_fixed_effect_when_tau2_is_zero(data, method):
    yi, vi = data
    res = pool(yi, vi, method)
    if res.tau2 == 0.0:
        fe = pool(yi, vi, "FE")
        assert res.estimate == fe.estimate
        assert res.se == fe.se
        assert (res.ci_low, res.ci_high) == (fe.ci_low, fe.ci_high)


@SETTINGS
@given(data=meta_data(), method=st.sampled_from(METHODS))
def test_intervals_and_ranges(data, method):
    yi, vi = data
    res = pool(yi, vi, method)
    assert res.ci_low <= res.estimate <= res.ci_high
    assert 0.0 <= res.i2 <= 100.0
    assert res.tau2 >= 0.0
    assert res.q >= 0.0
    assert 0.0 <= res.p <= 1.0
    if res.i2_ci is not None:
        assert 0.0 <= res.i2_ci[0] <= res.i2 + 1e-9 <= res.i2_ci[1] + 2e-9 <= 100.0 + 2e-9
    assert res.tau2_ci is not None
    assert 0.0 <= res.tau2_ci[0] <= res.tau2_ci[1]
    if res.hksj is not None:
        assert res.hksj.ci_low <= res.estimate <= res.hksj.ci_high
    if res.prediction_interval is not None:
        low, high = res.prediction_interval
        assert low <= res.ci_low
        assert res.ci_high <= high
    if method == "FE":
        assert res.hksj is None
        assert res.prediction_interval is None
    elif yi.size >= 3:
        assert res.prediction_interval is not None


@SETTINGS
@given(data=meta_data())
def test_estimators_solve_their_equations(data):
    """PM: Q(tau2) = k - 1 (or tau2 = 0 with Q(0) <= k - 1) and the estimate lies in its own
    Q-profile interval, whose bounds solve their chi-square equations; REML: the score
    vanishes (or tau2 = 0 with a non-positive score); DL: the moment equation."""
    yi, vi = data
    k = yi.size
    pm = pool(yi, vi, "PM")
    q_pm = het.generalised_q(yi, vi, pm.tau2)
    if pm.tau2 > 0.0:
        assert close(q_pm, k - 1, rel=1e-9)
    else:
        assert q_pm <= k - 1
    assert pm.tau2_ci is not None
    assert pm.tau2_ci[0] - 1e-12 <= pm.tau2 <= pm.tau2_ci[1] + 1e-12

    reml = pool(yi, vi, "REML")
    score, info = het._reml_score(yi, vi, reml.tau2)
    if reml.tau2 > 0.0:
        assert abs(score / info) <= 1e-7 * max(reml.tau2, vi.min())
    else:
        assert score <= 1e-9 * info

    # Q-profile bounds: Q(lower) = chi2_{k-1, .975} and Q(upper) = chi2_{k-1, .025}
    for bound, quantile in zip(pm.tau2_ci, (0.025, 0.975), strict=True):
        target = float(chdtri(k - 1, quantile))
        if bound > 0.0:
            assert close(het.generalised_q(yi, vi, bound), target, rel=1e-9)
        else:
            assert het.generalised_q(yi, vi, 0.0) <= target

    w = 1.0 / vi
    q = het.generalised_q(yi, vi, 0.0)
    dl = max(0.0, (q - (k - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    assert close(pool(yi, vi, "DL").tau2, dl, rel=1e-9, abs_=1e-12)


@SETTINGS
@given(data=meta_data(min_k=3))
def test_egger_matches_weighted_regression_form(data):
    """Egger's OLS of y/se on 1/se is the WLS regression of y on se with weights 1/v
    (metafor regtest(model="lm")): same coefficient and t statistic."""
    yi, vi = data
    se = np.sqrt(vi)
    if np.ptp(se) < 1e-6 * se.max():
        return
    res = egger(yi, vi)
    x = np.column_stack([np.ones_like(se), se]) / se[:, None]
    beta, *_ = np.linalg.lstsq(x, yi / se, rcond=None)
    resid = yi / se - x @ beta
    s2 = float(resid @ resid) / (yi.size - 2)
    cov = s2 * np.linalg.inv(x.T @ x)
    assert close(res.intercept, beta[1], rel=1e-7, abs_=1e-8)
    assert close(res.slope, beta[0], rel=1e-7, abs_=1e-8)
    if s2 > 1e-20:
        assert close(res.t, beta[1] / math.sqrt(cov[1, 1]), rel=1e-6, abs_=1e-8)


counts = st.integers(min_value=0, max_value=60)


@SETTINGS
@given(e1=counts, n1=st.integers(2, 60), e2=counts, n2=st.integers(2, 60))
def test_swapping_arms_negates_binary_effects(e1, n1, e2, n2):
    e1, e2 = min(e1, n1), min(e2, n2)
    for measure in ("RR", "OR", "RD"):
        y12, v12 = binary_effect([e1], [n1], [e2], [n2], measure)
        y21, v21 = binary_effect([e2], [n2], [e1], [n1], measure)
        if np.isnan(y12[0]):
            assert np.isnan(y21[0])
            continue
        assert close(y12[0], -y21[0], abs_=1e-12)
        assert close(v12[0], v21[0])


@SETTINGS
@given(
    m1=st.floats(-50, 50),
    m2=st.floats(-50, 50),
    sd1=st.floats(0.1, 30),
    sd2=st.floats(0.1, 30),
    n1=st.integers(2, 500),
    n2=st.integers(2, 500),
)
def test_hedges_g_antisymmetry_and_correction(m1, m2, sd1, sd2, n1, n2):
    g12, v12 = hedges_g(m1, sd1, n1, m2, sd2, n2)
    g21, v21 = hedges_g(m2, sd2, n2, m1, sd1, n1)
    assert close(g12[0], -g21[0], abs_=1e-12)
    assert close(v12[0], v21[0])
    # exact correction J = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)) (math.lgamma here), in
    # (0, 1) and within O(1/m^2) of Hedges' approximation 1 - 3/(4m - 1)
    m = n1 + n2 - 2
    sp = math.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / m)
    d = (m1 - m2) / sp
    j = math.exp(math.lgamma(m / 2) - 0.5 * math.log(m / 2) - math.lgamma((m - 1) / 2))
    assert 0.0 < j < 1.0
    assert abs(j - (1.0 - 3.0 / (4.0 * m - 1.0))) < 0.5 / m**2
    assert close(g12[0], j * d, abs_=1e-12)
