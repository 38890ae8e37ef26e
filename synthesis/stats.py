"""Meta-analysis statistics for the umbrella-review evidence database.

A pure module (numpy/scipy only, no Django) checked number for number against R's
metafor; see ``docs/methods.md`` for every formula, convention and reference value.

Public API
----------
Effect sizes (vectorised, return ``(yi, vi)`` float arrays):
    :func:`hedges_g`, :func:`mean_difference`, :func:`binary_effect`,
    :func:`from_confidence_interval`, and :func:`double_zero_studies`.
Pooling:
    :func:`pool` (``"FE" | "DL" | "REML" | "PM"``), :func:`mantel_haenszel`.
Bias and subgroups:
    :func:`egger`, :func:`excess_significance`, :func:`subgroup_difference`.
Umbrella-review grading:
    :func:`credibility_class`.
Results:
    :class:`Pooled`, :class:`HKSJ`, :class:`Egger`, :class:`Subgroups`,
    :class:`ExcessSignificance`; errors: ``ValueError`` for invalid input (message names the
    0-based study index and the field), :class:`ConvergenceError` if REML fails.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import chdtrc, ndtr, ndtri, stdtr, stdtrit

from synthesis._credibility import credibility_class, excess_significance
from synthesis._effect_sizes import (
    BinaryMeasure,
    binary_effect,
    double_zero_mask,
    double_zero_studies,
    from_confidence_interval,
    hedges_g,
    mean_difference,
)
from synthesis._effect_sizes import _tables as _binary_tables
from synthesis._heterogeneity import (
    ConvergenceError,
    cochran_q,
    i2_ci_higgins_thompson,
    tau2_dl,
    tau2_pm,
    tau2_qprofile_ci,
    tau2_reml,
)
from synthesis._results import HKSJ, Egger, ExcessSignificance, Pooled, Subgroups
from synthesis._validation import FloatArray, check_level, labels, yi_vi

__all__ = [
    "HKSJ",
    "BinaryMeasure",
    "ConvergenceError",
    "Egger",
    "ExcessSignificance",
    "Method",
    "Pooled",
    "Subgroups",
    "binary_effect",
    "credibility_class",
    "double_zero_studies",
    "egger",
    "excess_significance",
    "from_confidence_interval",
    "hedges_g",
    "mantel_haenszel",
    "mean_difference",
    "pool",
    "subgroup_difference",
]

Method = Literal["FE", "DL", "REML", "PM"]
_METHODS = ("FE", "DL", "REML", "PM")


def _ratio(num: float, den: float) -> float:
    """``num / den`` for ``den >= 0``; a zero SE gives +/-inf (0 for 0/0) instead of an error."""
    if den > 0.0:
        return num / den
    return math.copysign(math.inf, num) if num != 0.0 else 0.0


def _z_test(estimate: float, se: float) -> tuple[float, float]:
    """Wald z statistic and two-sided normal p-value (``2 Phi(-|z|)``, exact in the tails)."""
    z = _ratio(estimate, se)
    return z, float(2.0 * ndtr(-abs(z)))


def _pooled(estimate: float, se: float, level: float, **rest: Any) -> Pooled:
    """The estimate with its SE, its normal-theory CI at `level` and its z test; `rest` are
    the other fields of the result."""
    crit = float(ndtri(0.5 + level / 2.0))
    z, p = _z_test(estimate, se)
    ci_low, ci_high = estimate - crit * se, estimate + crit * se
    return Pooled(
        estimate=estimate, se=se, ci_low=ci_low, ci_high=ci_high, z=z, p=p, level=level, **rest
    )


def _heterogeneity(
    y: FloatArray, v: FloatArray, level: float
) -> tuple[float, float, float, int, float, float, float, tuple[float, float] | None]:
    """Fixed-effect mean, its variance, Cochran Q, df, p(Q), I2 (%), H2 and the I2 CI."""
    w = 1.0 / v
    mu_fe, q = cochran_q(y, w)
    k = y.size
    df = k - 1
    i2 = max(0.0, (q - df) / q) * 100.0 if q > 0.0 else 0.0
    return (
        mu_fe,
        1.0 / float(w.sum()),
        q,
        df,
        float(chdtrc(df, q)),
        i2,
        q / df,
        i2_ci_higgins_thompson(q, k, level),
    )


def _single_study(
    y: float, v: float, level: float, method: str, excluded: tuple[int, ...]
) -> Pooled:
    """k = 1: the study itself, no heterogeneity statistics."""
    return _pooled(
        y,
        math.sqrt(v),
        level,
        k=1,
        tau2=0.0,
        q=0.0,
        df=0,
        q_p=math.nan,
        i2=0.0,
        h2=math.nan,
        i2_ci=None,
        tau2_ci=None,
        hksj=None,
        prediction_interval=None,
        method=method,
        excluded=excluded,
    )


def pool(yi: ArrayLike, vi: ArrayLike, method: Method = "REML", level: float = 0.95) -> Pooled:
    """Inverse-variance meta-analysis of effects ``yi`` with sampling variances ``vi``.

    Methods (``tau2`` always truncated at 0):

    * ``"FE"``: fixed (common) effect, ``tau2 = 0``;
    * ``"DL"``: DerSimonian & Laird (1986) moment estimator;
    * ``"REML"``: restricted maximum likelihood (Viechtbauer 2005): Fisher scoring from the
      Hedges start value as in metafor, with secant acceleration and bracketing safeguards
      (``synthesis._heterogeneity.tau2_reml``), relative tolerance 1e-10, at most 1000
      iterations, else :class:`ConvergenceError`; ``tau2_se = sqrt(2 / tr(PP))``;
    * ``"PM"``: Paule & Mandel (1982), root of the generalised ``Q(tau2) = k - 1``.

    The pooled estimate uses weights ``1/(vi + tau2)``; ``se = 1/sqrt(sum w)``; z test and
    CI are normal-based. Heterogeneity: Cochran's Q (fixed-effect weights), ``I2`` and
    ``H2 = Q/df`` are Q-based for every method, ``i2_ci`` is the Higgins & Thompson (2002)
    test-based interval and ``tau2_ci`` the Q-profile interval (Viechtbauer 2007).
    Random-effects methods also report the Hartung-Knapp-Sidik-Jonkman interval (``hksj``)
    and, for ``k >= 3``, the prediction interval ``mu -/+ t_{k-2} sqrt(tau2 + se^2)``
    (Higgins, Thompson & Spiegelhalter 2009); both are None for ``"FE"``.

    Raises ``ValueError`` for invalid input (non-finite values, ``vi <= 0``, mismatched
    lengths, empty input, unknown method, level outside (0, 1)).
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(_METHODS)} (got {method!r})")
    level = check_level(level)
    y, v = yi_vi(yi, vi)
    return _pool_arrays(y, v, method, level)


def _pool_arrays(
    y: FloatArray, v: FloatArray, method: str, level: float, excluded: tuple[int, ...] = ()
) -> Pooled:
    k = y.size
    if k == 1:
        return _single_study(float(y[0]), float(v[0]), level, method, excluded)
    mu_fe, var_fe, q, df, q_p, i2, h2, i2_ci = _heterogeneity(y, v, level)
    tau2_se: float | None = None
    if method == "FE":
        tau2 = 0.0
    elif method == "DL":
        tau2 = tau2_dl(y, v)
    elif method == "PM":
        tau2 = tau2_pm(y, v)
    else:
        tau2, tau2_se, _ = tau2_reml(y, v)

    if tau2 == 0.0:
        w = 1.0 / v
        mu, var = mu_fe, var_fe
    else:
        w = 1.0 / (v + tau2)
        sw = float(w.sum())
        mu, var = float(np.dot(w, y)) / sw, 1.0 / sw
    hksj: HKSJ | None = None
    pred: tuple[float, float] | None = None
    if method != "FE":
        r = y - mu
        q_star = float(np.dot(w, r * r))
        se_h = math.sqrt(q_star / df * var)
        t_crit = float(stdtrit(df, 0.5 + level / 2.0))
        t_h, _ = _z_test(mu, se_h)
        hksj = HKSJ(
            se=se_h,
            ci_low=mu - t_crit * se_h,
            ci_high=mu + t_crit * se_h,
            t=t_h,
            df=df,
            p=float(2.0 * stdtr(df, -abs(t_h))),
        )
        if k >= 3:
            half = float(stdtrit(k - 2, 0.5 + level / 2.0)) * math.sqrt(tau2 + var)
            pred = (mu - half, mu + half)

    return _pooled(
        mu,
        math.sqrt(var),
        level,
        k=k,
        tau2=tau2,
        q=q,
        df=df,
        q_p=q_p,
        i2=i2,
        h2=h2,
        i2_ci=i2_ci,
        tau2_ci=tau2_qprofile_ci(y, v, level),
        hksj=hksj,
        prediction_interval=pred,
        method=method,
        tau2_se=tau2_se,
        excluded=excluded,
    )


def mantel_haenszel(
    e1: ArrayLike, n1: ArrayLike, e2: ArrayLike, n2: ArrayLike, measure: BinaryMeasure
) -> Pooled:
    """Mantel-Haenszel fixed-effect pooling of 2x2 tables (log RR, log OR or RD).

    Estimates use the raw counts (no continuity correction), exactly as metafor
    ``rma.mh``:

    * OR: ``sum(a d/n) / sum(b c/n)`` with the Robins, Breslow & Greenland (1986) variance;
    * RR: ``sum(a n2/n) / sum(c n1/n)`` with the Greenland & Robins (1985) variance;
    * RD: weights ``n1 n2 / n`` with the Sato, Greenland & Robins (1989) variance.

    Double-zero studies (no events in both arms, or all participants with events in both
    arms) are left out of RR/OR pooling and listed in ``Pooled.excluded`` (0-based input
    indices); for RD every study is used. Cochran's Q is
    ``sum (yi - theta_MH)^2 / vi`` over the included studies, with ``yi, vi`` from
    :func:`binary_effect` (0.5 added to tables with a zero cell), as metafor's ``rma.mh``.
    ``tau2 = 0``; ``tau2_ci`` is the Q-profile interval of those ``yi, vi``; ``hksj`` and
    ``prediction_interval`` are None.

    Raises ``ValueError`` for invalid counts, an unknown measure, no pooled study left, or a
    pooled RR/OR that is 0 or infinite (e.g. no events at all in one arm of every study).
    """
    if measure not in ("RR", "OR", "RD"):
        raise ValueError(f"measure must be 'RR', 'OR' or 'RD' (got {measure!r})")
    a, b, c, d = _binary_tables(e1, n1, e2, n2)
    yi_all, vi_all = binary_effect(a, a + b, c, c + d, measure)
    keep = np.ones(a.size, dtype=bool) if measure == "RD" else ~double_zero_mask(a, b, c, d)
    excluded = tuple(int(i) for i in np.flatnonzero(~keep))
    if not keep.any():
        raise ValueError(f"no study left to pool: all studies are double-zero for {measure}")
    a, b, c, d = a[keep], b[keep], c[keep], d[keep]
    y, v = yi_all[keep], vi_all[keep]
    n1k, n2k = a + b, c + d
    n = n1k + n2k

    if measure == "OR":
        p_i, q_i = (a + d) / n, (b + c) / n
        r_i, s_i = a * d / n, b * c / n
        r, s = float(r_i.sum()), float(s_i.sum())
        if r == 0.0 or s == 0.0:
            raise ValueError(
                "Mantel-Haenszel odds ratio is 0 or infinite (sum ad/n or sum bc/n is 0)"
            )
        est = math.log(r / s)
        var = 0.5 * (
            float(np.dot(p_i, r_i)) / r**2
            + float(np.dot(p_i, s_i) + np.dot(q_i, r_i)) / (r * s)
            + float(np.dot(q_i, s_i)) / s**2
        )
    elif measure == "RR":
        r, s = float(np.sum(a * n2k / n)), float(np.sum(c * n1k / n))
        if r == 0.0 or s == 0.0:
            raise ValueError("Mantel-Haenszel risk ratio is 0 or infinite (no events in one arm)")
        est = math.log(r / s)
        var = float(np.sum(n1k * n2k * (a + c) / n**2 - a * c / n)) / (r * s)
    else:
        wsum = float(np.sum(n1k * n2k / n))
        est = float(np.sum((a * n2k - c * n1k) / n)) / wsum
        var = (
            est
            * float(
                np.sum(
                    c * (n1k / n) ** 2 - a * (n2k / n) ** 2 + n1k * n2k * (n2k - n1k) / (2.0 * n**2)
                )
            )
            + float(np.sum(a * (n2k - c) / n + c * (n1k - a) / n)) / 2.0
        ) / wsum**2

    level = 0.95
    if y.size == 1:
        single = _single_study(est, var, level, "MH", excluded)
        return single
    k = y.size
    df = k - 1
    w = 1.0 / v
    resid = y - est
    q = float(np.dot(w, resid * resid))
    return _pooled(
        est,
        math.sqrt(var),
        level,
        k=k,
        tau2=0.0,
        q=q,
        df=df,
        q_p=float(chdtrc(df, q)),
        i2=max(0.0, (q - df) / q) * 100.0 if q > 0.0 else 0.0,
        h2=q / df,
        i2_ci=i2_ci_higgins_thompson(q, k, level),
        tau2_ci=tau2_qprofile_ci(y, v, level),
        hksj=None,
        prediction_interval=None,
        method="MH",
        excluded=excluded,
    )


def egger(yi: ArrayLike, vi: ArrayLike) -> Egger:
    """Egger's regression test (Egger, Davey Smith, Schneider & Minder 1997, BMJ 315:629).

    Ordinary least squares of the standard normal deviate ``yi/SE_i`` on the precision
    ``1/SE_i``; the intercept measures asymmetry and is tested with ``t = b0/SE(b0)`` on
    ``k - 2`` df (two-sided). Identical to metafor ``regtest(model="lm", predictor="sei")``.

    Raises ``ValueError`` for invalid input, ``k < 3`` or if all studies have the same SE.
    """
    y, v = yi_vi(yi, vi)
    k = y.size
    if k < 3:
        raise ValueError(f"Egger's test needs at least 3 studies (got {k})")
    se_i = np.sqrt(v)
    x = 1.0 / se_i
    z = y / se_i
    x_bar, z_bar = float(x.mean()), float(z.mean())
    xc = x - x_bar
    sxx = float(np.dot(xc, xc))
    if not sxx > 1e-12 * float(np.dot(x, x)):
        raise ValueError("Egger's test needs studies with different standard errors")
    slope = float(np.dot(xc, z - z_bar)) / sxx
    intercept = z_bar - slope * x_bar
    resid = z - intercept - slope * x
    df = k - 2
    s2 = float(np.dot(resid, resid)) / df
    se_b0 = math.sqrt(s2 * (1.0 / k + x_bar**2 / sxx))
    se_b1 = math.sqrt(s2 / sxx)
    t = _ratio(intercept, se_b0)
    return Egger(
        intercept=intercept,
        se=se_b0,
        t=t,
        df=df,
        p=float(2.0 * stdtr(df, -abs(t))),
        slope=slope,
        slope_se=se_b1,
    )


def subgroup_difference(
    yi: ArrayLike, vi: ArrayLike, groups: Sequence[object] | ArrayLike, method: Method = "REML"
) -> Subgroups:
    """Test for subgroup differences with tau^2 estimated separately within each subgroup.

    Each subgroup is pooled with :func:`pool` (same ``method``); then
    ``Q_between = sum_g (mu_g - mu_bar)^2 / SE_g^2`` with
    ``mu_bar = sum(mu_g/SE_g^2) / sum(1/SE_g^2)``, compared with chi-square on ``G - 1`` df
    (Borenstein et al. 2009, ch. 19; equal to metafor's Q of a fixed-effect model fitted to
    the subgroup estimates). ``groups`` gives one label per study; at least two distinct
    labels are required.
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(_METHODS)} (got {method!r})")
    y, v = yi_vi(yi, vi)
    labs = labels(groups, y.size)
    order: dict[object, list[int]] = {}
    for i, label in enumerate(labs):
        order.setdefault(label, []).append(i)
    if len(order) < 2:
        raise ValueError("subgroup_difference needs at least two distinct groups")
    results = {label: _pool_arrays(y[idx], v[idx], method, 0.95) for label, idx in order.items()}
    mu = np.array([res.estimate for res in results.values()])
    w = np.array([1.0 / res.se**2 for res in results.values()])
    _, q_between = cochran_q(mu, w)
    df = len(results) - 1
    return Subgroups(q_between=q_between, df=df, p=float(chdtrc(df, q_between)), groups=results)
