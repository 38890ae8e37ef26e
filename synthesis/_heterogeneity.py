"""Between-study variance estimators and heterogeneity intervals (private).

All functions take validated float64 arrays ``y`` (effects) and ``v`` (sampling
variances > 0) of length k >= 2 and work for the intercept-only random-effects model
``y_i ~ N(mu, v_i + tau^2)``.

Sums that involve "all studies but i" (in ``tr P``, ``tr PP`` and the DerSimonian-Laird
denominator) switch from ``total - w_i`` to prefix and suffix sums when one weight
dominates: with variances spanning many orders of magnitude (say 1e-12 to 1e12) the
subtraction would cancel catastrophically, while the prefix/suffix form stays accurate.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq
from scipy.special import chdtrc, chdtri, ndtri

from synthesis._results import Heterogeneity
from synthesis._validation import FloatArray

#: Convergence tolerance of the REML Fisher-scoring iterations (relative to the scale
#: ``max(tau2, min(vi))``; metafor's default absolute threshold is 1e-5).
REML_TOL = 1e-10
#: Maximum number of REML iterations (metafor's default ``maxiter`` is 100).
REML_MAXITER = 1000


class ConvergenceError(RuntimeError):
    """An iterative estimator did not converge within its iteration limit."""


def others_sum(x: FloatArray) -> FloatArray:
    """``out[i] = sum_{j != i} x[j]`` without subtractive cancellation.

    When no element exceeds half of the total, ``total - x[i] >= total/2`` and the plain
    subtraction loses at most one bit; otherwise prefix and suffix sums are used.
    """
    total = float(x.sum())
    if float(x.max()) <= 0.5 * total:
        return total - x
    prefix = np.concatenate(([0.0], np.cumsum(x[:-1])))
    suffix = np.concatenate((np.cumsum(x[:0:-1])[::-1], [0.0]))
    return prefix + suffix


def trace_p(w: FloatArray) -> float:
    """``tr(P) = sum(w) - sum(w^2)/sum(w)`` for ``P = W - w w' / sum(w)`` (stable form).

    This is also the denominator ``c`` of the DerSimonian-Laird estimator.
    """
    s = float(w.sum())
    return float(np.dot(w, others_sum(w))) / s


def cochran_q(y: FloatArray, w: FloatArray) -> tuple[float, float]:
    """Weighted mean and (generalised) Cochran Q ``sum w (y - mu)^2`` for weights ``w``."""
    mu = float(np.dot(w, y) / w.sum())
    r = y - mu
    return mu, float(np.dot(w, r * r))


def generalised_q(y: FloatArray, v: FloatArray, tau2: float) -> float:
    """Generalised Q statistic ``Q(tau2) = sum (y - mu(tau2))^2 / (v + tau2)``.

    Decreasing in ``tau2`` (strictly, unless all ``y`` are equal; Viechtbauer 2007);
    ``Q(0)`` is Cochran's Q.
    """
    return cochran_q(y, 1.0 / (v + tau2))[1]


def tau2_dl(y: FloatArray, v: FloatArray) -> float:
    """DerSimonian & Laird (1986) method-of-moments estimator, truncated at 0.

    ``tau2 = max(0, (Q - (k-1)) / (sum w - sum w^2 / sum w))`` with ``w = 1/v``.
    """
    w = 1.0 / v
    q = cochran_q(y, w)[1]
    return max(0.0, (q - (y.size - 1)) / trace_p(w))


def _reml_score(y: FloatArray, v: FloatArray, tau2: float) -> tuple[float, float]:
    """``(y'PPy - tr P, tr PP)`` of the intercept-only REML problem at ``tau2``.

    The first value is twice the REML score, the second twice the expected (Fisher)
    information; ``P = W - w w'/sum(w)`` with ``w = 1/(v + tau2)``, so ``Py = w (y - mu)``.
    Plain sums are used unless one weight dominates (``tr P < sum(w)/4``, where they would
    lose more than a few bits); then the "all but i" sums come from prefix/suffix sums.
    """
    w = 1.0 / (v + tau2)
    s = float(w.sum())
    wr = w * (y - float(np.dot(w, y)) / s)
    ypy = float(np.dot(wr, wr))
    w2 = w * w
    sw2 = float(w2.sum())
    tr_p = s - sw2 / s
    if tr_p >= 0.25 * s:
        tr_pp = sw2 - 2.0 * float(np.dot(w2, w)) / s + (sw2 / s) ** 2
    else:
        wo = w * others_sum(w)  # s * diag(P)
        tr_p = float(wo.sum()) / s
        tr_pp = float(np.dot(wo, wo) + np.dot(w2, others_sum(w2))) / (s * s)
    return ypy - tr_p, tr_pp


def tau2_reml(
    y: FloatArray, v: FloatArray, tol: float = REML_TOL, maxiter: int = REML_MAXITER
) -> tuple[float, float, int]:
    """Restricted maximum-likelihood estimate of tau^2 by (safeguarded) Fisher scoring.

    Source: Viechtbauer (2005), J Educ Behav Stat 30:261-293; algorithm of metafor's
    ``rma.uni(method="REML")``: start from the Hedges (HE) estimate truncated at 0 and update
    ``tau2 += (y'PPy - tr P) / tr(PP)`` (score over expected information).

    Safeguards and acceleration, which change only the path to the REML optimum, never the
    optimum itself: every evaluated point narrows a bracket ``[lo, hi]`` around the root of
    the REML score (positive below the root, negative above). The first step is a Fisher
    scoring step; later steps use the secant through the last two iterates (Fisher scoring
    alone converges only linearly, and can even cycle when the observed information is
    about twice the expected one -- metafor then stops with "Fisher scoring algorithm did
    not converge"), falling back to the Fisher step and then to bisection whenever a step
    would leave the bracket (including a step that would make ``tau2 < 0``, which metafor
    handles by step halving) or when the bracket has not halved in two steps. If the score
    at ``tau2 = 0`` is not positive the estimate is exactly 0 (truncation at the boundary).

    Converged when the change is at most ``tol * max(tau2, min(v))``. Returns
    ``(tau2, se_tau2, iterations)`` with ``se_tau2 = sqrt(2 / tr(PP))`` (inverse expected
    information, as printed by metafor). Raises :class:`ConvergenceError` after ``maxiter``
    iterations.
    """
    k = y.size
    scale_floor = float(v.min())
    lo, hi = -math.inf, math.inf  # bracket of the score root
    r0 = y - float(y.sum()) / k
    tau2 = max(0.0, float(np.dot(r0, r0)) / (k - 1) - float(v.sum()) / k)
    score, tr_pp = _reml_score(y, v, tau2)
    prev_tau2, prev_score = math.nan, math.nan
    widths: list[float] = []
    for iteration in range(1, maxiter + 1):
        if score > 0.0:
            lo = max(lo, tau2)
        elif score < 0.0:
            hi = min(hi, tau2)
        else:
            return tau2, math.sqrt(2.0 / tr_pp), iteration
        if tau2 == 0.0 and score < 0.0:
            return 0.0, math.sqrt(2.0 / tr_pp), iteration
        fisher = tau2 + score / tr_pp  # Fisher scoring step (metafor's update)
        secant = math.nan
        if math.isfinite(prev_score) and prev_score != score:
            secant = tau2 - score * (tau2 - prev_tau2) / (score - prev_score)
        new = math.nan
        for candidate in (secant, fisher):
            if math.isfinite(candidate) and max(lo, 0.0) < candidate < hi:
                new = candidate
                break
        if lo >= 0.0 and math.isfinite(hi):
            widths.append(hi - lo)
            if len(widths) > 2 and widths[-1] > 0.5 * widths[-3]:
                new = math.nan  # bracket not halving every two steps: bisect instead
        if math.isnan(new):
            if lo < 0.0:
                # the steps point below every point seen so far: look at the boundary
                score0, tr_pp0 = _reml_score(y, v, 0.0)
                if score0 <= 0.0:
                    return 0.0, math.sqrt(2.0 / tr_pp0), iteration
                lo = 0.0
            if not math.isfinite(hi):
                new = 2.0 * tau2 + abs(fisher - tau2)
            elif lo > 0.0 and hi > 16.0 * lo:
                new = math.sqrt(lo * hi)  # geometric bisection across orders of magnitude
            else:
                new = 0.5 * (lo + hi)
        change = abs(new - tau2)
        prev_tau2, prev_score = tau2, score
        tau2 = new
        score, tr_pp = _reml_score(y, v, tau2)
        if change <= tol * max(tau2, scale_floor):
            return tau2, math.sqrt(2.0 / tr_pp), iteration
    raise ConvergenceError(
        f"REML did not converge in {maxiter} iterations (last tau2={tau2!r}); "
        "consider method='PM' or 'DL'"
    )


def _q_upper_bracket(y: FloatArray, v: FloatArray, target: float) -> float:
    """A ``tau2`` with ``Q(tau2) <= target``.

    ``Q(tau2) <= sum (y - ybar)^2 / tau2`` (weights ``<= 1/tau2`` and the weighted mean
    minimises the weighted sum of squares), so ``sum (y - ybar)^2 / target`` qualifies.
    """
    r = y - float(y.sum()) / y.size
    return float(np.dot(r, r)) / target


def _q_root_brent(y: FloatArray, v: FloatArray, target: float) -> float:
    """Root of ``Q(tau2) = target`` with :func:`scipy.optimize.brentq` (``Q(0) > target``)."""
    hi = _q_upper_bracket(y, v, target)
    if generalised_q(y, v, hi) >= target:  # only possible through rounding: bound attained
        return hi
    root: float = brentq(
        lambda t: generalised_q(y, v, t) - target,
        0.0,
        hi,
        xtol=max(hi * 1e-15, 1e-300),
        rtol=8.9e-16,
        maxiter=500,
    )
    return root


def _q_root_newton(y: FloatArray, v: FloatArray, target: float) -> float:
    """Root of ``Q(tau2) = target`` by Newton's method on ``1/Q``, safeguarded by bisection.

    ``1/Q(tau2)`` is close to linear in ``tau2`` (``Q`` behaves like ``c/(b + tau2)``), so
    Newton's method on ``g = 1/Q - 1/target`` converges in a handful of steps. The
    derivative uses ``dQ/dtau2 = -sum w^2 (y - mu)^2`` (envelope theorem: ``mu`` minimises
    the weighted sum of squares). Requires ``Q(0) > target``; the bracket ``[0, hi]`` from
    :func:`_q_upper_bracket` is kept throughout, so the iteration always converges.
    Stops when a Newton step changes ``tau2`` by at most ``1e-9`` relative (the error after
    such a step is of the order of its square) or the bracket has collapsed.
    """
    lo, hi = 0.0, _q_upper_bracket(y, v, target)
    inv_target = 1.0 / target
    t = 0.0
    for _ in range(200):
        w = 1.0 / (v + t)
        sw = float(w.sum())
        r = y - float(np.dot(w, y)) / sw
        wr = w * r
        q = float(np.dot(wr, r))
        if q > target:
            lo = t
        elif q < target:
            hi = t
        else:
            return t
        dq = -float(np.dot(wr, wr))
        newton = q > 0.0 and dq < 0.0
        new = t - (1.0 / q - inv_target) * q * q / (-dq) if newton else 0.5 * (lo + hi)
        if not (lo < new < hi):
            new, newton = 0.5 * (lo + hi), False
        if (newton and abs(new - t) <= 1e-9 * new) or hi - lo <= 1e-15 * hi:
            return new
        t = new
    return t


def tau2_pm(y: FloatArray, v: FloatArray) -> float:
    """Paule & Mandel (1982) estimator: the root of ``Q(tau2) = k - 1``.

    ``tau2 = 0`` when ``Q(0) <= k - 1``; otherwise solved with
    :func:`scipy.optimize.brentq` to (near) machine precision.
    """
    target = float(y.size - 1)
    if generalised_q(y, v, 0.0) <= target:
        return 0.0
    return _q_root_brent(y, v, target)


def tau2_qprofile_ci(y: FloatArray, v: FloatArray, level: float) -> tuple[float, float]:
    """Q-profile confidence interval for tau^2 (Viechtbauer 2007, Stat Med 26:37-52).

    Bounds solve ``Q(tau2) = chi2_{k-1, (1+level)/2}`` (lower) and
    ``Q(tau2) = chi2_{k-1, (1-level)/2}`` (upper); a bound is 0 when ``Q(0)`` is already
    below its quantile. Uses the same generalised Q as the Paule-Mandel estimator, so the
    interval does not depend on the tau^2 estimator chosen.
    """
    df = y.size - 1
    alpha = 1.0 - level
    q_upper_quantile = float(chdtri(df, alpha / 2.0))  # e.g. 97.5% point, for the lower bound
    q_lower_quantile = float(chdtri(df, 1.0 - alpha / 2.0))  # e.g. 2.5% point, upper bound
    q0 = generalised_q(y, v, 0.0)
    lower = 0.0 if q0 <= q_upper_quantile else _q_root_newton(y, v, q_upper_quantile)
    upper = 0.0 if q0 <= q_lower_quantile else _q_root_newton(y, v, q_lower_quantile)
    return lower, upper


def i2_ci_higgins_thompson(q: float, k: int, level: float) -> tuple[float, float] | None:
    """Test-based interval for I^2 (Higgins & Thompson 2002, Stat Med 21:1539-1558, method III),
    exactly as R ``meta``'s ``calcH`` (guido-s/meta ``R/meta-het.R``):

    * ``SE(ln H) = (ln Q - ln(k-1)) / (2 (sqrt(2Q) - sqrt(2k-3)))`` if ``Q > k`` (``k >= 2``),
    * ``SE(ln H) = sqrt(1/(2(k-2)) * (1 - 1/(3(k-2)^2)))`` if ``Q <= k`` (``k >= 3``);

    the interval ``exp(ln max(H, 1) -/+ z SE)`` for ``H = sqrt(Q/(k-1))`` -- centred on
    ``ln max(H, 1)``, so that ``Q < k - 1`` (``H < 1``, I^2 truncated at 0) does not pull the
    interval below the truncated estimate -- is floored at 1 and mapped to
    ``I^2 = 100 (H^2 - 1)/H^2``. Undefined (None) for ``k < 2``, and for ``k = 2`` unless
    ``Q > 2`` (the second formula needs ``k >= 3``), as in meta.
    """
    if k < 2 or (k == 2 and not q > k):
        return None
    z = float(ndtri(0.5 + level / 2.0))
    if q > k:
        se_ln_h = (
            0.5 * (math.log(q) - math.log(k - 1)) / (math.sqrt(2.0 * q) - math.sqrt(2.0 * k - 3))
        )
    else:
        se_ln_h = math.sqrt(1.0 / (2.0 * (k - 2)) * (1.0 - 1.0 / (3.0 * (k - 2) ** 2)))
    ln_h = 0.5 * math.log(q / (k - 1)) if q > k - 1 else 0.0

    def to_i2(ln_bound: float) -> float:
        h2 = max(1.0, math.exp(2.0 * ln_bound))
        return 100.0 * (h2 - 1.0) / h2

    return to_i2(ln_h - z * se_ln_h), to_i2(ln_h + z * se_ln_h)


def heterogeneity_from_q(q: float, y: FloatArray, v: FloatArray, level: float) -> Heterogeneity:
    """Everything that follows from Cochran's ``q`` of ``k >= 2`` effects ``y`` (variances
    ``v``): ``df = k - 1``, ``p(Q)``, ``I2 = max(0, (Q - df)/Q)`` (per cent), ``H2 = Q/df``
    (Higgins & Thompson 2002), the I2 interval and the Q-profile interval of tau^2."""
    k = int(y.size)
    df = k - 1
    return Heterogeneity(
        q=q,
        df=df,
        q_p=float(chdtrc(df, q)),
        i2=max(0.0, (q - df) / q) * 100.0 if q > 0.0 else 0.0,
        h2=q / df,
        i2_ci=i2_ci_higgins_thompson(q, k, level),
        tau2_ci=tau2_qprofile_ci(y, v, level),
    )
