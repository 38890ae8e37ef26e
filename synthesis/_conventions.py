"""Selectable conventions: ours (the default) or R metaumbrella's (private; see ``stats``).

The credibility thresholds of Fusar-Poli & Radua (2018) are the same in both; three steps on
the way there differ, and a caller picks all of them with one switch, ``Conventions``:

* **prediction interval** -- ours: Higgins, Thompson & Spiegelhalter (2009), ``t`` on
  ``k - 2`` df for ``k >= 3``; metaumbrella 1.1.0 takes R meta's default (``metagen``,
  ``method.predict = "V"``: ``t`` on ``k - 1`` df for ``k >= 2``; meta ``set_df_predict``) --
  what its vignette prints for ``df.SMD``; metaumbrella 1.0.x's R/umbrella.R had ``t(k - 2)``;
* **largest study** -- ours: the most precise (smallest variance); metaumbrella: the largest
  sample size (``.largest_overall``: ``max(n_sample)``, ties broken by the smallest
  ``|effect|``; person-time for incidence rates in metaumbrella 1.0);
* **excess significance** -- ours: Ioannidis & Trikalinos (2007) with the fixed-effect
  estimate (:func:`synthesis.stats.excess_significance`); metaumbrella's default
  ``method.esb = "TESSPSST"`` (Stanley et al. 2021) with the UWLS estimate as the plausible
  effect and ``tau2`` in the power, Cohen's d and a t test for SMDs (:func:`tess_psst`).

Two data conventions ride on the same switch: the quantile used to recover an SE from a CI
(``z``, or metaumbrella's ``t`` on ``n - 2`` df when arm sizes are known) and the correlation
assumed between dependent outcomes of one study: 0.5 in both, metaumbrella's ``umbrella(r =
0.5)`` default (R/umbrella.R). The 0.8 that issue #22 names is the value of metaumbrella's
``df.OR.multi`` example (``umbrella(df.OR.multi, mult.level = TRUE, r = 0.8)``), not its
default; a project may set its own r.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import gammaln, ndtr, stdtr, stdtrit

from synthesis._results import Pooled
from synthesis._validation import (
    FloatArray,
    as_vector,
    check_tau2,
    check_whole,
    finite_number,
    yi_vi,
)

PredictionInterval = Literal["t(k-2)", "t(k-1)"]
LargestStudy = Literal["precision", "sample_size"]
ExcessSignificanceTest = Literal["ioannidis_trikalinos", "tess_psst"]
SeFromCi = Literal["z", "t"]


@dataclass(frozen=True)
class Conventions:
    """One switch for every convention on which metaumbrella and we differ.

    ``OURS`` is the default everywhere; ``METAUMBRELLA`` reproduces R metaumbrella 1.1.0
    (``umbrella()`` defaults: REML, ``method.esb = "TESSPSST"``, ``true_effect = "UWLS"``,
    ``r = 0.5``). Each field's meaning and source is in docs/methods.md, "Conventions".
    """

    name: str = "ours"
    prediction_interval: PredictionInterval = "t(k-2)"
    largest_study: LargestStudy = "precision"
    excess_significance: ExcessSignificanceTest = "ioannidis_trikalinos"
    se_from_ci: SeFromCi = "z"
    dependent_outcomes_r: float = 0.5

    def __post_init__(self) -> None:
        if not -1.0 <= self.dependent_outcomes_r <= 1.0:
            raise ValueError(
                f"dependent_outcomes_r must lie in [-1, 1] (got {self.dependent_outcomes_r!r})"
            )


OURS = Conventions()
METAUMBRELLA = Conventions(
    name="metaumbrella",
    prediction_interval="t(k-1)",
    largest_study="sample_size",
    excess_significance="tess_psst",
    se_from_ci="t",
    dependent_outcomes_r=0.5,
)


def prediction_interval(
    pooled: Pooled, conventions: Conventions = OURS
) -> tuple[float, float] | None:
    """The prediction interval of a random-effects result under ``conventions``.

    ``mu -/+ t_df sqrt(tau2 + SE^2)`` with ``df = k - 2`` (ours, Higgins, Thompson &
    Spiegelhalter 2009; ``k >= 3``) or ``df = k - 1`` (R meta >= 7 default
    ``method.predict = "V"``, used by metaumbrella 1.1.0; ``k >= 2``). None for fixed-effect
    and Mantel-Haenszel results and when ``k`` is too small.
    """
    if pooled.method in ("FE", "MH"):
        return None
    df = pooled.k - 2 if conventions.prediction_interval == "t(k-2)" else pooled.k - 1
    if df < 1:
        return None
    half = float(stdtrit(df, 0.5 + pooled.level / 2.0)) * math.sqrt(pooled.tau2 + pooled.se**2)
    return pooled.estimate - half, pooled.estimate + half


def largest_study(
    yi: ArrayLike,
    vi: ArrayLike,
    sizes: ArrayLike | None = None,
    conventions: Conventions = OURS,
) -> int:
    """0-based index of the "largest" study.

    * ``"precision"`` (ours): the smallest variance (narrowest CI), the first one on ties;
    * ``"sample_size"`` (metaumbrella ``.largest_overall``): the largest ``sizes`` (total
      participants; person-time for incidence rates), ties broken by the smallest ``|yi|``
      (then the first). Without sizes, metaumbrella falls back to the smallest SE, as we do.
    """
    y, v = yi_vi(yi, vi)
    if conventions.largest_study == "precision" or sizes is None:
        return int(np.argmin(v))
    n = as_vector(sizes, "sizes")
    if n.size != y.size:
        raise ValueError(f"mismatched lengths: sizes has {n.size} values but yi has {y.size}")
    if not np.isfinite(n).all() or (n <= 0).any():
        raise ValueError("sizes must be finite and > 0")
    tied = np.flatnonzero(n == n.max())
    return int(tied[np.argmin(np.abs(y[tied]))])


def hedges_j(df: FloatArray) -> FloatArray:
    """Hedges' exact small-sample factor ``J(df)`` (metafor, metaConvert ``.d_j``)."""
    j: FloatArray = np.exp(gammaln(df / 2.0) - 0.5 * np.log(df / 2.0) - gammaln((df - 1.0) / 2.0))
    return j


@dataclass(frozen=True)
class TessPsst:
    """Stanley et al. (2021) tests of excess statistical significance, as metaumbrella.

    ``observed`` significant studies (``SS``), ``expected`` = sum of powers (``Esig``),
    ``theta`` the plausible effect (UWLS), ``p_tess`` (is the excess proportion
    ``(SS - Esig)/k`` above 5 %?), ``p_psst`` (is ``SS/k`` above the mean power?) and
    ``p = min(p_tess, p_psst)`` (metaumbrella ``method.esb = "TESSPSST"``).
    """

    k: int
    observed: int
    expected: float
    theta: float
    tau2: float
    z_tess: float
    p_tess: float
    z_psst: float
    p_psst: float
    p: float
    power: tuple[float, ...]


def tess_psst(
    yi: ArrayLike,
    vi: ArrayLike,
    *,
    tau2: float,
    n1: ArrayLike | None = None,
    n2: ArrayLike | None = None,
    theta: float | None = None,
) -> TessPsst:
    """Excess-significance tests TESS, PSST and TESSPSST (Stanley, Doucouliagos, Ioannidis &
    Carter 2021, Res Synth Methods 12:776-795) exactly as R metaumbrella 1.1.0 ``esb.test``.

    * With arm sizes ``n1, n2`` the effects are Hedges' g (metaumbrella's SMD family): each is
      turned back into Cohen's ``d = g / J(n1 + n2 - 2)`` with ``SE = sqrt(1/n1 + 1/n2)``, and
      a study is significant when its two-sided t test on ``n1 + n2 - 2`` df has ``p < 0.05``.
      Otherwise (log ratios, other differences) ``SE = sqrt(vi)`` and the test is a z test.
    * ``theta`` defaults to the unrestricted weighted least squares estimate (Stanley &
      Doucouliagos 2015): the no-intercept regression of ``y/SE`` on ``1/SE``, i.e.
      ``sum(y/SE^2) / sum(1/SE^2)`` on the SEs above.
    * Power: ``1 - Phi((1.96 SE - |theta|) / sqrt(SE^2 + tau2))`` (one tail, the constant
      1.96 as in metaumbrella); ``tau2`` is the meta-analysis' (metaumbrella passes REML's).
    * TESS: ``z = ((SS - Esig)/k - 0.05) / sqrt(0.05 * 0.95 / k)``; PSST:
      ``z = (SS/k - Esig/k) / sqrt(Esig/k (1 - Esig/k) / k)``; one-sided normal p-values;
      TESSPSST ``p = min``.
    """
    y, v = yi_vi(yi, vi)
    tau2 = check_tau2(tau2)
    k = y.size
    if (n1 is None) != (n2 is None):
        raise ValueError("give both arm sizes n1 and n2, or neither")
    if n1 is not None and n2 is not None:
        a, b = as_vector(n1, "n1"), as_vector(n2, "n2")
        for arr, name in ((a, "n1"), (b, "n2")):
            if arr.size != k:
                raise ValueError(f"mismatched lengths: {name} has {arr.size} values but yi has {k}")
            if (arr < 1).any():
                raise ValueError(f"{name} must be >= 1")
            check_whole(arr, name)
        df = a + b - 2.0
        if (df < 2).any():
            raise ValueError("n1 + n2 must be >= 4 for Hedges' correction")
        effect = y / hedges_j(df)
        se = np.sqrt(1.0 / a + 1.0 / b)
        p_study = 2.0 * stdtr(df, -np.abs(effect / se))
    else:
        effect, se = y, np.sqrt(v)
        p_study = 2.0 * ndtr(-np.abs(effect / se))
    if theta is None:
        theta = float(np.sum(effect / se**2) / np.sum(1.0 / se**2))
    theta = finite_number(theta, "theta")
    significant = p_study < 0.05
    power = 1.0 - ndtr((1.96 * se - abs(theta)) / np.sqrt(se**2 + tau2))
    observed = int(np.count_nonzero(significant))
    expected = float(power.sum())
    z_tess = ((observed - expected) / k - 0.05) / math.sqrt(0.05 * 0.95 / k)
    p_tess = float(ndtr(-z_tess))
    share = expected / k
    if 0.0 < share < 1.0:
        z_psst = (observed / k - share) / math.sqrt(share * (1.0 - share) / k)
        p_psst = float(ndtr(-z_psst))
    else:  # every power 0 or 1: PSST undefined (metaumbrella would return NaN)
        z_psst, p_psst = math.nan, math.nan
    p = p_tess if math.isnan(p_psst) else min(p_tess, p_psst)
    return TessPsst(
        k=k,
        observed=observed,
        expected=expected,
        theta=theta,
        tau2=tau2,
        z_tess=z_tess,
        p_tess=p_tess,
        z_psst=z_psst,
        p_psst=p_psst,
        p=p,
        power=tuple(float(x) for x in power),
    )
