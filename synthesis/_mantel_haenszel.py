"""Mantel-Haenszel pooling of 2x2 tables (private; re-exported by ``synthesis.stats``)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from synthesis._effect_sizes import BinaryMeasure, binary_effect, double_zero_mask
from synthesis._effect_sizes import _tables as _binary_tables
from synthesis._heterogeneity import heterogeneity_from_q
from synthesis._results import NO_HETEROGENEITY, Pooled
from synthesis._results import pooled_result as _pooled


def mantel_haenszel(
    e1: ArrayLike, n1: ArrayLike, e2: ArrayLike, n2: ArrayLike, measure: BinaryMeasure
) -> Pooled:
    """Mantel-Haenszel fixed-effect pooling of 2x2 tables (log RR, log OR or RD).

    Estimates use the raw counts of **every** table (no continuity correction), exactly as
    metafor ``rma.mh`` with its defaults (``add = c(1/2, 0)``, ``drop00 = c(TRUE, FALSE)``):

    * OR: ``sum(a d/n) / sum(b c/n)`` with the Robins, Breslow & Greenland (1986) variance;
    * RR: ``sum(a n2/n) / sum(c n1/n)`` with the Greenland & Robins (1985) variance;
    * RD: weights ``n1 n2 / n`` with the Sato, Greenland & Robins (1989) variance.

    Double-zero tables (no events in both arms, or all participants with events in both
    arms) stay in the estimate -- a table where everyone has the event pulls an MH risk ratio
    towards 1; for the OR and a no-event table their terms are 0 anyway -- and ``k`` counts
    them, but they are left out of the heterogeneity statistics (listed in
    ``Pooled.heterogeneity_excluded``), for RD as for RR/OR: Cochran's Q is
    ``sum (yi - theta_MH)^2 / vi`` over the other tables, with ``yi, vi`` from
    :func:`binary_effect` (0.5 added to tables with a zero cell), on ``df = k_Q - 1``.
    ``tau2 = 0``; ``tau2_ci`` is the Q-profile interval of those ``yi, vi``; ``hksj`` and
    ``prediction_interval`` are None.

    Raises ``ValueError`` for invalid counts, an unknown measure, a pooled RR/OR that is 0 or
    infinite (e.g. no events at all in one arm of every table) and an estimate whose SE is 0
    (e.g. an RD where every table is double-zero: metafor returns NaN for z and p).
    """
    if measure not in ("RR", "OR", "RD"):
        raise ValueError(f"measure must be 'RR', 'OR' or 'RD' (got {measure!r})")
    a, b, c, d = _binary_tables(e1, n1, e2, n2)
    yi_all, vi_all = binary_effect(a, a + b, c, c + d, measure)
    in_q = ~double_zero_mask(a, b, c, d)
    dropped = tuple(int(i) for i in np.flatnonzero(~in_q))
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
    if not var > 0.0:
        raise ValueError(
            f"Mantel-Haenszel {measure}: the standard error is 0, so z, p and the CI are "
            "undefined (every table is double-zero: no events, or only events, in both arms)"
        )

    level = 0.95
    k = int(a.size)
    y, v = yi_all[in_q], vi_all[in_q]
    # Q around the MH estimate; with fewer than 2 tables in Q, as metafor: Q = 0 on 0 df (we
    # leave p(Q) and H^2 undefined, as for k = 1).
    heterogeneity = (
        heterogeneity_from_q(float(np.dot(1.0 / v, (y - est) ** 2)), y, v, level)
        if y.size >= 2
        else NO_HETEROGENEITY
    )
    return _pooled(
        est,
        math.sqrt(var),
        level,
        heterogeneity,
        k=k,
        tau2=0.0,
        hksj=None,
        prediction_interval=None,
        method="MH",
        heterogeneity_excluded=dropped,
    )
