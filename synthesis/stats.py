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
    :func:`credibility_class`, :func:`grade_association` under :class:`Conventions`
    (``OURS`` or ``METAUMBRELLA``: :func:`prediction_interval`, :func:`largest_study`,
    :func:`tess_psst`).
Dependent effects and harmonisation (issue #22):
    :func:`combine_dependent_outcomes`, :func:`combine_subgroups`, :func:`combine_by_study`,
    :func:`merge_arms_counts`, :func:`merge_arms_means`; :func:`se_from_ci`,
    :func:`se_from_rounded_ci`,
    :func:`smd_from_md_ci`, :func:`smd_from_estimate_and_n`, :func:`smd_to_log_or`,
    :func:`log_or_to_smd`, :func:`ratio_as`, :func:`reverse` (each returns a
    :class:`Converted` with its :class:`Provenance`).
Results:
    :class:`Pooled`, :class:`HKSJ`, :class:`Egger`, :class:`Subgroups`,
    :class:`ExcessSignificance`; errors: ``ValueError`` for invalid input (message names the
    0-based study index and the field), :class:`ConvergenceError` if REML fails.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import chdtrc, ndtri, stdtr, stdtrit

from synthesis._conventions import (
    METAUMBRELLA,
    OURS,
    Conventions,
    TessPsst,
    largest_study,
    prediction_interval,
    tess_psst,
)
from synthesis._conversions import (
    Converted,
    Provenance,
    log_or_to_smd,
    ratio_as,
    reverse,
    se_from_ci,
    se_from_rounded_ci,
    smd_from_estimate_and_n,
    smd_from_md_ci,
    smd_to_log_or,
)
from synthesis._credibility import credibility_class, excess_significance
from synthesis._dependence import (
    combine_by_study,
    combine_dependent_outcomes,
    combine_subgroups,
    merge_arms_counts,
    merge_arms_means,
)
from synthesis._effect_sizes import (
    BinaryMeasure,
    binary_effect,
    double_zero_studies,
    from_confidence_interval,
    hedges_g,
    mean_difference,
)
from synthesis._heterogeneity import (
    ConvergenceError,
    cochran_q,
    heterogeneity_from_q,
    tau2_dl,
    tau2_pm,
    tau2_reml,
)
from synthesis._mantel_haenszel import mantel_haenszel
from synthesis._results import (
    HKSJ,
    NO_HETEROGENEITY,
    Egger,
    ExcessSignificance,
    Pooled,
    Subgroups,
)
from synthesis._results import (
    pooled_result as _pooled,
)
from synthesis._results import (
    ratio as _ratio,
)
from synthesis._results import (
    z_test as _z_test,
)
from synthesis._validation import FloatArray, as_vector, check_level, labels, yi_vi

__all__ = [
    "HKSJ",
    "METAUMBRELLA",
    "OURS",
    "BinaryMeasure",
    "Conventions",
    "ConvergenceError",
    "Converted",
    "Egger",
    "ExcessSignificance",
    "Grading",
    "Method",
    "Pooled",
    "Provenance",
    "Subgroups",
    "TessPsst",
    "binary_effect",
    "combine_by_study",
    "combine_dependent_outcomes",
    "combine_subgroups",
    "credibility_class",
    "double_zero_studies",
    "egger",
    "excess_significance",
    "from_confidence_interval",
    "grade_association",
    "hedges_g",
    "largest_study",
    "log_or_to_smd",
    "mantel_haenszel",
    "mean_difference",
    "merge_arms_counts",
    "merge_arms_means",
    "pool",
    "prediction_interval",
    "ratio_as",
    "reverse",
    "se_from_ci",
    "se_from_rounded_ci",
    "smd_from_estimate_and_n",
    "smd_from_md_ci",
    "smd_to_log_or",
    "subgroup_difference",
    "tess_psst",
]

Method = Literal["FE", "DL", "REML", "PM"]
_METHODS = ("FE", "DL", "REML", "PM")


def _single_study(
    y: float, v: float, level: float, method: str, excluded: tuple[int, ...]
) -> Pooled:
    """k = 1: the study itself, no heterogeneity statistics."""
    return _pooled(
        y,
        math.sqrt(v),
        level,
        NO_HETEROGENEITY,
        k=1,
        tau2=0.0,
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
    w_fe = 1.0 / v
    mu_fe, q = cochran_q(y, w_fe)
    var_fe = 1.0 / float(w_fe.sum())
    heterogeneity = heterogeneity_from_q(q, y, v, level)
    df = heterogeneity.df
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
        heterogeneity,
        k=k,
        tau2=tau2,
        hksj=hksj,
        prediction_interval=pred,
        method=method,
        tau2_se=tau2_se,
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


@dataclass(frozen=True)
class Grading:
    """A credibility class with everything it was decided on (see :func:`grade_association`)."""

    grade: str
    conventions: str
    pooled: Pooled
    n_cases: float | None
    prediction_interval: tuple[float, float] | None
    egger_p: float | None
    esb_p: float | None
    largest: int
    largest_ci: tuple[float, float]


def grade_association(
    yi: ArrayLike,
    vi: ArrayLike,
    *,
    n_cases: float | None,
    conventions: Conventions = OURS,
    n1: ArrayLike | None = None,
    n2: ArrayLike | None = None,
    sizes: ArrayLike | None = None,
    smd: bool = False,
    method: Method = "REML",
) -> Grading:
    """Grade one association end to end under ``conventions`` (ours or ``METAUMBRELLA``).

    Pools with ``method`` (REML, as metaumbrella's default), then feeds
    :func:`credibility_class` with the convention's prediction interval
    (:func:`prediction_interval`), Egger's test (``k >= 3``; metaumbrella's weighted
    regression of y on SE is the same test), the convention's excess-significance test
    (Ioannidis-Trikalinos with the fixed-effect estimate, or TESSPSST with UWLS and REML's
    tau2, see :func:`tess_psst`; ``k >= 2``) and the CI of the convention's largest study
    (:func:`largest_study`; ``sizes`` default to ``n1 + n2``). ``smd=True`` marks Hedges' g
    with arm sizes ``n1, n2``: metaumbrella then tests excess significance on Cohen's d with
    t tests and draws the largest study's CI with ``t`` on ``n1 + n2 - 2`` df (metaConvert);
    ours stays ``z``. ``null`` is 0 (the analysis scale).
    """
    y, v = yi_vi(yi, vi)
    pooled = pool(y, v, method=method)
    k = y.size
    pi = prediction_interval(pooled, conventions)
    egger_p: float | None = None
    if k >= 3:
        try:
            egger_p = egger(y, v).p
        except ValueError:  # all SEs equal: the test is undefined, the criterion not met
            egger_p = None
    arm1 = None if n1 is None else as_vector(n1, "n1")
    arm2 = None if n2 is None else as_vector(n2, "n2")
    if sizes is None and arm1 is not None and arm2 is not None:
        sizes = arm1 + arm2
    esb_p: float | None = None
    if k >= 2:
        if conventions.excess_significance == "tess_psst":
            esb_p = tess_psst(
                y, v, tau2=pooled.tau2, n1=arm1 if smd else None, n2=arm2 if smd else None
            ).p
        else:
            esb_p = excess_significance(y, v).p
    big = largest_study(y, v, sizes, conventions)
    crit = float(ndtri(0.975))
    if smd and conventions.se_from_ci == "t" and arm1 is not None and arm2 is not None:
        crit = float(stdtrit(arm1[big] + arm2[big] - 2.0, 0.975))
    half = crit * math.sqrt(float(v[big]))
    largest_ci = (float(y[big]) - half, float(y[big]) + half)
    grade = credibility_class(
        n_cases=n_cases,
        p_value=pooled.p,
        i2=pooled.i2,
        prediction_interval=pi,
        egger_p=egger_p,
        esb_p=esb_p,
        largest_ci=largest_ci,
        pooled_ci=(pooled.ci_low, pooled.ci_high),
        null=0.0,
        i2_unit="percent",
    )
    return Grading(
        grade=grade,
        conventions=conventions.name,
        pooled=pooled,
        n_cases=n_cases,
        prediction_interval=pi,
        egger_p=egger_p,
        esb_p=esb_p,
        largest=big,
        largest_ci=largest_ci,
    )
