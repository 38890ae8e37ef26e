"""Credibility classes of umbrella reviews and the test of excess significance (private)."""

from __future__ import annotations

import math
import numbers
from typing import TypeGuard

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import bdtrc, ndtr, ndtri

from synthesis._results import ExcessSignificance
from synthesis._validation import yi_vi

Interval = tuple[float, float]


def excess_significance(
    yi: ArrayLike,
    vi: ArrayLike,
    *,
    theta: float | None = None,
    tau2: float = 0.0,
    alpha: float = 0.05,
) -> ExcessSignificance:
    """Test of excess significance (Ioannidis & Trikalinos 2007, Clin Trials 4:245-253).

    Inputs are the study effects ``yi`` and variances ``vi`` only (no sample sizes):

    * a study is *significant* when ``|yi| / sqrt(vi) >= z_{1-alpha/2}`` (two-sided Wald
      test of ``H0: effect = 0``, either direction);
    * the plausible true effect ``theta`` defaults to the fixed-effect (inverse-variance)
      pooled estimate, as in Ioannidis & Trikalinos and metafor ``tes()``; pass e.g. the
      estimate of the largest study to use that instead;
    * each study's power is ``P(|Y| / SE_i >= z)`` for ``Y ~ N(theta, vi + tau2)`` (for
      ``tau2 > 0`` this is the closed form of metafor's numerical integration over
      ``N(theta, tau2)``); ``expected = sum(power)``;
    * ``p``: one-sided (observed > expected) Pearson chi-square test on 1 df,
      ``chi2 = (O-E)^2/E + (O-E)^2/(k-E)`` (= R ``prop.test(O, k, E/k, "greater",
      correct=FALSE)``, metafor ``tes(test="chi2")``); ``p_binomial`` = ``P(X >= O)`` for
      ``X ~ Bin(k, E/k)``; ``p_exact`` = ``P(X >= O)`` for the Poisson-binomial ``X`` with
      the studies' individual powers (Francis 2013).
    """
    y, v = yi_vi(yi, vi)
    alpha = float(alpha)
    if not (0.0 < alpha < 1.0):
        raise ValueError(f"alpha must be between 0 and 1 (got {alpha!r})")
    tau2 = float(tau2)
    if not (math.isfinite(tau2) and tau2 >= 0.0):
        raise ValueError(f"tau2 must be finite and >= 0 (got {tau2!r})")
    if theta is None:
        w = 1.0 / v
        theta = float(np.dot(w, y) / w.sum())
    theta = float(theta)
    if not math.isfinite(theta):
        raise ValueError(f"theta must be finite (got {theta!r})")
    k = y.size
    se = np.sqrt(v)
    crit = float(ndtri(1.0 - alpha / 2.0))
    observed = int(np.count_nonzero(np.abs(y) / se >= crit))
    sd = np.sqrt(v + tau2)
    power = ndtr((theta - crit * se) / sd) + ndtr((-crit * se - theta) / sd)
    expected = float(power.sum())

    if 0.0 < expected < k:
        chi2 = (observed - expected) ** 2 / (expected * (1.0 - expected / k))
        z = math.copysign(math.sqrt(chi2), observed - expected)
        p = float(ndtr(-z))
        p_binomial = 1.0 if observed == 0 else float(bdtrc(observed - 1, k, expected / k))
    else:  # degenerate: every study has power 0 (or 1)
        chi2 = math.nan
        p = p_binomial = 1.0 if observed <= expected else 0.0

    # Poisson-binomial distribution of the number of significant studies.
    dist = np.zeros(k + 1)
    dist[0] = 1.0
    for pi in power:
        dist[1:] = dist[1:] * (1.0 - pi) + dist[:-1] * pi
        dist[0] *= 1.0 - pi
    p_exact = float(min(1.0, dist[observed:].sum()))

    return ExcessSignificance(
        k=k,
        observed=observed,
        expected=expected,
        theta=theta,
        tau2=tau2,
        alpha=alpha,
        chi2=chi2,
        p=p,
        p_binomial=p_binomial,
        p_exact=p_exact,
        power=tuple(float(x) for x in power),
    )


def _is_number(x: object) -> TypeGuard[float]:
    """A usable criterion value: a real, finite number (None, NaN and bools are not)."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x)


def _excludes(interval: Interval | None, null: float) -> bool:
    if interval is None:
        return False
    low, high = interval
    if not (_is_number(low) and _is_number(high)):
        return False
    return low > null or high < null


def credibility_class(
    *,
    n_cases: float | None,
    p_value: float | None,
    i2: float | None,
    prediction_interval: Interval | None,
    egger_p: float | None,
    esb_p: float | None,
    largest_ci: Interval | None,
    pooled_ci: Interval | None,
    null: float,
    alpha: float = 0.05,
) -> str:
    """Credibility class of an association (Fusar-Poli & Radua 2018, Evid Based Ment Health
    21:95-100; criteria of Ioannidis and co-workers as implemented in R ``metaumbrella``).

    * ``"I"`` (convincing): ``n_cases > 1000``, ``p_value < 1e-6``, ``i2 < 50`` (per cent),
      the prediction interval excludes ``null``, and no small-study effect
      (``egger_p > alpha``) and no excess significance (``esb_p > alpha``);
    * ``"II"`` (highly suggestive): ``n_cases > 1000``, ``p_value < 1e-6`` and the largest
      study (``largest_ci``: CI of the most precise study) is significant in the direction of
      the pooled estimate (its CI lies entirely on the same side of ``null`` as the midpoint
      of ``pooled_ci``);
    * ``"III"`` (suggestive): ``n_cases > 1000`` and ``p_value < 1e-3``;
    * ``"IV"`` (weak): ``p_value < 0.05``;
    * ``"ns"`` otherwise.

    Each class requires that the higher ones are not met. All thresholds are strict
    (exactly 1000 cases, ``p = 1e-6`` or ``I2 = 50`` do not qualify); a criterion that cannot
    be evaluated (None or NaN, e.g. no prediction interval when k < 3) counts as not met.
    ``null`` is on the scale of the intervals (0 for log ratios and differences).
    What counts as a *case* is described in ``docs/methods.md`` (events for binary outcomes,
    participants of the intervention/exposed arm for continuous outcomes).
    """
    cases_ok = _is_number(n_cases) and n_cases > 1000
    p = float(p_value) if _is_number(p_value) else math.nan
    p_ok = math.isfinite(p)

    if cases_ok and p_ok and p < 1e-6:
        class_one = (
            _is_number(i2)
            and i2 < 50.0
            and _excludes(prediction_interval, null)
            and _is_number(egger_p)
            and egger_p > alpha
            and _is_number(esb_p)
            and esb_p > alpha
        )
        if class_one:
            return "I"
        if largest_ci is not None and _excludes(largest_ci, null) and pooled_ci is not None:
            lo, hi = pooled_ci
            if _is_number(lo) and _is_number(hi):
                direction = (lo + hi) / 2.0 - null
                largest_lo, largest_hi = largest_ci
                if (direction > 0 and largest_lo > null) or (direction < 0 and largest_hi < null):
                    return "II"
    if cases_ok and p_ok and p < 1e-3:
        return "III"
    if p_ok and p < 0.05:
        return "IV"
    return "ns"
