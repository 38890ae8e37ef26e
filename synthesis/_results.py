"""Result objects returned by :mod:`synthesis.stats` (private; re-exported there).

All are frozen dataclasses holding plain Python floats/ints/tuples, so they are hashable,
picklable and easy to serialise (``dataclasses.asdict``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from scipy.special import ndtr, ndtri


@dataclass(frozen=True)
class HKSJ:
    """Hartung-Knapp-Sidik-Jonkman inference for the pooled estimate.

    Hartung & Knapp (2001), Stat Med 20:3875-3889; Sidik & Jonkman (2002), Stat Med
    21:3153-3159. ``se^2 = sum w* (y - mu)^2 / ((k-1) sum w*)`` with ``w* = 1/(v + tau2)``,
    no truncation of the scaling factor at 1; ``t = mu / se`` on ``k - 1`` df.
    """

    se: float
    ci_low: float
    ci_high: float
    t: float
    df: int
    p: float


@dataclass(frozen=True)
class Heterogeneity:
    """The heterogeneity statistics of a pooling, as :class:`Pooled` carries them: Cochran's
    ``q`` on ``df``, its p value ``q_p``, ``i2`` (per cent) and ``h2``, the Higgins-Thompson
    interval ``i2_ci`` and the Q-profile interval ``tau2_ci``. One object, so that every
    pooling (inverse variance, Mantel-Haenszel, a single study) hands them over alike."""

    q: float
    df: int
    q_p: float
    i2: float
    h2: float
    i2_ci: tuple[float, float] | None
    tau2_ci: tuple[float, float] | None


#: One study, or one table left in Q: Q = 0 on 0 df, p(Q) and H^2 undefined, no intervals.
NO_HETEROGENEITY = Heterogeneity(
    q=0.0, df=0, q_p=math.nan, i2=0.0, h2=math.nan, i2_ci=None, tau2_ci=None
)


@dataclass(frozen=True)
class Pooled(Heterogeneity):
    """A pooled estimate with its heterogeneity statistics (the fields of
    :class:`Heterogeneity`, inherited, so that they are declared once).

    ``i2`` and the bounds of ``i2_ci`` are in per cent and Q-based for every method
    (``I2 = max(0, (Q - df)/Q) * 100``, Higgins & Thompson 2002) -- this differs from
    metafor's printed I^2 for random-effects models, which is derived from tau^2.
    ``q`` is Cochran's Q with fixed-effect (inverse-variance) weights; for Mantel-Haenszel
    it is taken around the MH estimate. ``hksj`` is None for fixed-effect methods and
    ``k < 2``; ``prediction_interval`` is None for fixed-effect methods and ``k < 3``.
    For ``k = 1``: ``q = 0``, ``df = 0``, ``q_p`` and ``h2`` are NaN, ``i2 = 0`` and the
    two intervals ``i2_ci``/``tau2_ci`` are None.

    Extra fields: ``method`` ("FE", "DL", "REML", "PM" or "MH"), ``level``, ``tau2_se``
    (REML only: ``sqrt(2/tr(PP))``), ``excluded`` (0-based indices of input studies left out
    of the pooling) and ``heterogeneity_excluded`` (studies in the estimate but left out of
    Q, I^2, H^2 and their intervals: double-zero tables in :func:`mantel_haenszel`, as
    metafor ``rma.mh``; then ``df + 1 < k``).
    """

    k: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p: float
    tau2: float
    hksj: HKSJ | None
    prediction_interval: tuple[float, float] | None
    method: str = ""
    level: float = 0.95
    tau2_se: float | None = None
    excluded: tuple[int, ...] = field(default_factory=tuple)
    heterogeneity_excluded: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Egger:
    """Egger's regression test for funnel-plot asymmetry (Egger et al. 1997, BMJ 315:629).

    OLS of ``y/SE`` on ``1/SE``; ``intercept`` is the asymmetry coefficient, tested with a
    t statistic on ``df = k - 2``. ``slope`` (with ``slope_se``) is the precision-weighted
    effect as SE -> 0 (metafor's "limit estimate").
    """

    intercept: float
    se: float
    t: float
    df: int
    p: float
    slope: float = float("nan")
    slope_se: float = float("nan")


@dataclass(frozen=True)
class Subgroups:
    """Test for subgroup differences (separate tau^2 per subgroup).

    ``q_between = sum_g w_g (mu_g - mu_bar)^2`` with ``w_g = 1/SE_g^2`` and
    ``mu_bar = sum w_g mu_g / sum w_g``; chi-square on ``df = G - 1``.
    ``groups`` maps each label (in order of first appearance) to its own :class:`Pooled`.
    """

    q_between: float
    df: int
    p: float
    groups: dict[object, Pooled]


@dataclass(frozen=True)
class ExcessSignificance:
    """Test of excess significance (Ioannidis & Trikalinos 2007, Clin Trials 4:245-253).

    ``observed``: studies with ``|y_i|/SE_i >= z_{1-alpha/2}``; ``expected``: sum of the
    studies' power to detect ``theta`` (with heterogeneity ``tau2``) at two-sided level
    ``alpha``. ``p`` is the one-sided (O > E) chi-square test
    ``chi2 = (O-E)^2/E + (O-E)^2/(k-E)`` on 1 df (= metafor ``tes(test="chi2")``);
    ``p_binomial`` and ``p_exact`` (Poisson-binomial, Francis 2013) are also given.
    """

    k: int
    observed: int
    expected: float
    theta: float
    tau2: float
    alpha: float
    chi2: float
    p: float
    p_binomial: float
    p_exact: float
    power: tuple[float, ...]


def ratio(num: float, den: float) -> float:
    """``num / den`` for ``den >= 0``; a zero SE gives +/-inf (0 for 0/0) instead of an error."""
    if den > 0.0:
        return num / den
    return math.copysign(math.inf, num) if num != 0.0 else 0.0


def z_test(estimate: float, se: float) -> tuple[float, float]:
    """Wald z statistic and two-sided normal p-value (``2 Phi(-|z|)``, exact in the tails)."""
    z = ratio(estimate, se)
    return z, float(2.0 * ndtr(-abs(z)))


def pooled_result(
    estimate: float, se: float, level: float, heterogeneity: Heterogeneity, **rest: Any
) -> Pooled:
    """The estimate with its SE, its normal-theory CI at `level` and its z test, with its
    heterogeneity statistics; `rest` are the other fields of the result."""
    crit = float(ndtri(0.5 + level / 2.0))
    z, p = z_test(estimate, se)
    ci_low, ci_high = estimate - crit * se, estimate + crit * se
    statistics = {f.name: getattr(heterogeneity, f.name) for f in fields(Heterogeneity)}
    return Pooled(
        estimate=estimate, se=se, ci_low=ci_low, ci_high=ci_high, z=z, p=p, level=level,
        **statistics, **rest,
    )  # fmt: skip
