"""Credibility classes of umbrella reviews and the test of excess significance (private)."""

from __future__ import annotations

import math
import numbers
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import bdtrc, ndtr, ndtri

from synthesis._results import ExcessSignificance
from synthesis._validation import check_tau2, finite_number, yi_vi

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
    tau2 = check_tau2(tau2)
    if theta is None:
        w = 1.0 / v
        theta = float(np.dot(w, y) / w.sum())
    theta = finite_number(theta, "theta")
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


def _checked(value: object, name: str, low: float, high: float) -> float | None:
    """None for "not evaluable" (None or NaN); the value if it lies in [low, high]; else raise.

    Booleans, strings and other non-numbers are refused: ``True`` is not a p-value.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number or None (got {value!r})")
    x = float(value)
    if math.isnan(x):
        return None
    if not low <= x <= high:
        raise ValueError(f"{name} must lie in [{low:g}, {high:g}] (got {x!r})")
    return x


def _checked_interval(interval: object, name: str) -> Interval | None:
    """A (low, high) pair with low <= high; None or a NaN bound means "not evaluable"."""
    if interval is None:
        return None
    if isinstance(interval, str | bytes) or not isinstance(interval, tuple | list):
        raise ValueError(f"{name} must be a (low, high) pair or None (got {interval!r})")
    if len(interval) != 2:
        raise ValueError(f"{name} must be a (low, high) pair (got {interval!r})")
    low = _checked(interval[0], f"{name}[0]", -math.inf, math.inf)
    high = _checked(interval[1], f"{name}[1]", -math.inf, math.inf)
    if low is None or high is None:
        return None
    if low > high:
        raise ValueError(f"{name} is reversed: low {low!r} > high {high!r}")
    return low, high


def _excludes(interval: Interval | None, null: float) -> bool:
    if interval is None:
        return False
    low, high = interval
    return low > null or high < null


I2Unit = Literal["percent", "fraction"]


def _checked_i2(i2: object, unit: I2Unit | None) -> float | None:
    """I^2 in per cent, validated; a value in (0, 1] without a declared unit is ambiguous."""
    if unit not in (None, "percent", "fraction"):
        raise ValueError(f"i2_unit must be 'percent', 'fraction' or None (got {unit!r})")
    if unit == "fraction":
        value = _checked(i2, "i2 (fraction)", 0.0, 1.0)
        return None if value is None else 100.0 * value
    value = _checked(i2, "i2 (per cent)", 0.0, 100.0)
    if unit is None and value is not None and 0.0 < value <= 1.0:
        raise ValueError(
            f"i2 = {value!r} is ambiguous: a fraction ({100 * value:g} %) or per cent? "
            "Pass i2_unit='percent' or i2_unit='fraction'"
        )
    return value


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
    i2_unit: I2Unit | None = None,
) -> str:
    """Credibility class of an association (Fusar-Poli & Radua 2018, Evid Based Ment Health
    21:95-100; criteria of Ioannidis and co-workers as implemented in R ``metaumbrella``).

    * ``"I"`` (convincing): ``n_cases > 1000``, ``p_value < 1e-6``, ``i2 < 50`` (per cent),
      the prediction interval excludes ``null``, and no small-study effect
      (``egger_p > alpha``) and no excess significance (``esb_p > alpha``);
    * ``"II"`` (highly suggestive): ``n_cases > 1000``, ``p_value < 1e-6`` and the largest
      study (``largest_ci``: CI of the largest study, see ``Conventions.largest_study``) is
      significant in the direction of the pooled estimate (its CI lies entirely on the same
      side of ``null`` as the midpoint of ``pooled_ci``);
    * ``"III"`` (suggestive): ``n_cases > 1000`` and ``p_value < 1e-3``;
    * ``"IV"`` (weak): ``p_value < 0.05``;
    * ``"ns"`` otherwise.

    Each class requires that the higher ones are not met. All thresholds are strict
    (exactly 1000 cases, ``p = 1e-6`` or ``I2 = 50`` do not qualify); a criterion that cannot
    be evaluated (None or NaN, e.g. no prediction interval when k < 3) counts as not met.
    ``null`` is on the scale of the intervals (0 for log ratios and differences).

    Inputs are validated, so that a slip cannot promote an association: ``ValueError`` for a
    p-value (``p_value``, ``egger_p``, ``esb_p``) outside [0, 1], a negative ``n_cases``, an
    I^2 outside [0, 100] %, an interval whose low end exceeds its high end, a boolean or other
    non-number, ``alpha`` outside (0, 1) or a non-finite ``null``. I^2 is in per cent; because
    0.35 could be a fraction or per cent, a value in (0, 1] needs ``i2_unit="percent"`` (or
    ``"fraction"``, then it is multiplied by 100). What counts as a *case* is described in
    ``docs/methods.md`` (events for binary outcomes, participants of the intervention/exposed
    arm for continuous outcomes).
    """
    cases = _checked(n_cases, "n_cases", 0.0, math.inf)
    p = _checked(p_value, "p_value", 0.0, 1.0)
    i2_percent = _checked_i2(i2, i2_unit)
    pi = _checked_interval(prediction_interval, "prediction_interval")
    egger = _checked(egger_p, "egger_p", 0.0, 1.0)
    esb = _checked(esb_p, "esb_p", 0.0, 1.0)
    largest = _checked_interval(largest_ci, "largest_ci")
    pooled = _checked_interval(pooled_ci, "pooled_ci")
    null_value = _checked(null, "null", -math.inf, math.inf)
    if null_value is None:
        raise ValueError(f"null must be a finite number (got {null!r})")
    alpha_value = _checked(alpha, "alpha", 0.0, 1.0)
    if alpha_value is None or not 0.0 < alpha_value < 1.0:
        raise ValueError(f"alpha must lie strictly between 0 and 1 (got {alpha!r})")

    cases_ok = cases is not None and cases > 1000
    if cases_ok and p is not None and p < 1e-6:
        class_one = (
            i2_percent is not None
            and i2_percent < 50.0
            and _excludes(pi, null_value)
            and egger is not None
            and egger > alpha_value
            and esb is not None
            and esb > alpha_value
        )
        if class_one:
            return "I"
        if largest is not None and pooled is not None and _excludes(largest, null_value):
            direction = (pooled[0] + pooled[1]) / 2.0 - null_value
            if (direction > 0 and largest[0] > null_value) or (
                direction < 0 and largest[1] < null_value
            ):
                return "II"
    if cases_ok and p is not None and p < 1e-3:
        return "III"
    if p is not None and p < 0.05:
        return "IV"
    return "ns"
