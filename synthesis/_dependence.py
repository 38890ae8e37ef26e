"""Dependent effects within one study (private; re-exported by ``synthesis.stats``).

A meta-analysis that takes several outcomes, or several intervention groups, from one study
must not count that study twice: its rows are combined first, so that ``k`` counts studies.

* **Several outcomes** (or time points) of the same participants: the composite of
  Borenstein, Hedges, Higgins & Rothstein (2009), *Introduction to Meta-Analysis*, ch. 24,
  "Multiple outcomes or time-points within a study": the mean effect, with variance
  ``(1/m)^2 (sum V_j + sum_{j != l} r sqrt(V_j V_l))`` for an assumed correlation ``r``
  (metaumbrella ``umbrella(mult.level = TRUE, r = 0.5)`` uses the same formula).
* **Several intervention groups** against one control: the groups are merged into one arm
  before the effect is computed (Cochrane Handbook v6, section 6.5.2.10 and Table 6.5.a):
  counts add up; means and SDs combine as
  ``N = N1 + N2``, ``M = (N1 M1 + N2 M2)/N``,
  ``SD^2 = ((N1-1) SD1^2 + (N2-1) SD2^2 + N1 N2/N (M1 - M2)^2) / (N - 1)``,
  applied pairwise for more than two groups.
* **Several independent subgroups** reported as effects (no arm data): their fixed-effect
  (inverse-variance) mean, ``Y = sum(w_j Y_j)/sum(w_j)``, ``V = 1/sum(w_j)``, ``w_j = 1/V_j``
  -- what metaumbrella does with ``multiple_es = "groups"`` (1.1.0: metaConvert
  ``aggregate_df(dependence = "subgroups")``; 1.0: ``.unique_es_subgroups``), also when the
  arms are known. On ratio scales this is not the merged-arm effect: see docs/methods.md.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike

from synthesis._validation import FloatArray, as_vector, as_vectors, check_whole, yi_vi


def _check_r(r: float) -> float:
    r = float(r)
    if not -1.0 <= r <= 1.0:
        raise ValueError(f"the correlation r must lie in [-1, 1] (got {r!r})")
    return r


def combine_dependent_outcomes(
    effects: ArrayLike, variances: ArrayLike, r: float = 0.5
) -> tuple[float, float]:
    """One study's composite of ``m`` dependent outcomes (Borenstein et al. 2009, ch. 24).

    ``Y = mean(Y_j)``; ``V = (1/m)^2 (sum_j V_j + sum_{j != l} r sqrt(V_j V_l))`` with one
    assumed correlation ``r`` between every pair (``r = 1``: no new information, ``r = 0``:
    independent). Returns ``(Y, V)``; a single outcome is returned as is.
    """
    y, v = yi_vi(effects, variances)
    r = _check_r(r)
    m = y.size
    sd = np.sqrt(v)
    total = float(sd.sum())
    cross = total**2 - float(v.sum())  # sum over ordered pairs j != l of sqrt(V_j V_l)
    var = (float(v.sum()) + r * cross) / m**2
    return float(y.mean()), var


def combine_subgroups(effects: ArrayLike, variances: ArrayLike) -> tuple[float, float]:
    """One study's independent subgroups as one effect: their fixed-effect (inverse-variance)
    mean and its variance ``1/sum(1/V_j)`` (metaumbrella's ``multiple_es = "groups"``)."""
    y, v = yi_vi(effects, variances)
    w = 1.0 / v
    return float(np.sum(w * y) / w.sum()), float(1.0 / w.sum())


def merge_arms_counts(events: ArrayLike, n: ArrayLike) -> tuple[float, float]:
    """Merge groups of one arm given as counts: total events and total participants
    (Cochrane Handbook v6, 6.5.2.10)."""
    f = as_vectors(events=events, n=n)
    check_whole(f["events"], "events")
    check_whole(f["n"], "n")
    if (f["n"] < 1).any() or (f["events"] < 0).any() or (f["events"] > f["n"]).any():
        raise ValueError("each group needs 0 <= events <= n and n >= 1")
    return float(f["events"].sum()), float(f["n"].sum())


def merge_arms_means(means: ArrayLike, sds: ArrayLike, n: ArrayLike) -> tuple[float, float, float]:
    """Merge groups of one arm given as mean, SD and size (Cochrane Handbook v6, Table 6.5.a).

    Pairwise: ``N = N1 + N2``, ``M = (N1 M1 + N2 M2)/N``,
    ``SD = sqrt(((N1-1) SD1^2 + (N2-1) SD2^2 + N1 N2/N (M1-M2)^2) / (N-1))``.
    Returns ``(mean, sd, n)``.
    """
    f = as_vectors(means=means, sds=sds, n=n)
    check_whole(f["n"], "n")
    if (f["n"] < 1).any() or (f["sds"] < 0).any():
        raise ValueError("each group needs n >= 1 and SD >= 0")
    n_tot, mean, sd = float(f["n"][0]), float(f["means"][0]), float(f["sds"][0])
    for m2, s2, n2 in zip(f["means"][1:], f["sds"][1:], f["n"][1:], strict=True):
        n_new = n_tot + float(n2)
        ss = (
            (n_tot - 1.0) * sd**2
            + (float(n2) - 1.0) * float(s2) ** 2
            + n_tot * float(n2) / n_new * (mean - float(m2)) ** 2
        )
        mean = (n_tot * mean + float(n2) * float(m2)) / n_new
        sd = math.sqrt(ss / (n_new - 1.0))
        n_tot = n_new
    return mean, sd, n_tot


K = TypeVar("K", bound=Hashable)


def combine_by_study(
    keys: Sequence[K], effects: ArrayLike, variances: ArrayLike, r: float = 0.5
) -> tuple[list[K], FloatArray, FloatArray]:
    """Combine rows that share a study key into one composite each (order of first appearance).

    Rows with a key of their own pass through unchanged; rows sharing a key are combined with
    :func:`combine_dependent_outcomes` at correlation ``r``. Returns ``(keys, yi, vi)`` with
    one entry per study, ready for :func:`synthesis.stats.pool`.
    """
    y, v = yi_vi(effects, variances)
    if len(keys) != y.size:
        raise ValueError(f"mismatched lengths: keys has {len(keys)} values but effects {y.size}")
    groups: dict[K, list[int]] = {}
    for i, key in enumerate(keys):
        if key is None:
            raise ValueError(f"study {i}: the study key is missing")
        groups.setdefault(key, []).append(i)
    out_y, out_v = [], []
    for idx in groups.values():
        cy, cv = combine_dependent_outcomes(y[idx], v[idx], r)
        out_y.append(cy)
        out_v.append(cv)
    return list(groups), as_vector(out_y, "yi"), as_vector(out_v, "vi")
