"""Study-level effect sizes and sampling variances (private; re-exported by ``stats``).

Conventions (identical to R metafor's ``escalc`` defaults, Viechtbauer 2010):

* arm 1 is the intervention (or exposed) arm, arm 2 the control arm;
* ratio measures (RR, OR) are returned on the natural-log scale;
* every function is vectorised: inputs are equally long 1-D sequences (a scalar is a
  one-study input) and the result is a pair of float64 arrays ``(yi, vi)``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import gammaln, ndtri

from synthesis._validation import (
    BoolArray,
    FloatArray,
    as_vectors,
    check_at_least,
    check_events,
    check_positive,
    check_whole,
    raise_first,
)

BinaryMeasure = Literal["RR", "OR", "RD"]

#: Added to every cell of a 2x2 table that has at least one zero cell.
ZERO_CELL_CORRECTION = 0.5


def _arms(**arms: ArrayLike) -> dict[str, FloatArray]:
    """Validate two arms' means, SDs and sizes as equally long vectors: sizes whole and >= 1,
    SDs >= 0 (metafor accepts both; what each effect size cannot compute is refused there)."""
    f = as_vectors(**arms)
    for name in ("n1", "n2"):
        check_at_least(f[name], name, 1.0)
        check_whole(f[name], name)
    for name in ("sd1", "sd2"):
        check_at_least(f[name], name, 0.0)
    return f


def hedges_g(
    m1: ArrayLike, sd1: ArrayLike, n1: ArrayLike, m2: ArrayLike, sd2: ArrayLike, n2: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Bias-corrected standardised mean difference (Hedges' g) and its variance.

    Source: Hedges (1981), J Educ Stat 6:107-128, exact correction factor; variance is
    the large-sample one used by metafor ``escalc(measure="SMD", vtype="LS")``.

    * pooled SD  ``s = sqrt(((n1-1) sd1^2 + (n2-1) sd2^2) / (n1+n2-2))``
    * ``d = (m1 - m2) / s``
    * ``J = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2))`` with ``m = n1+n2-2`` (via ``gammaln``)
    * ``g = J d``;  ``v = 1/n1 + 1/n2 + g^2 / (2 (n1+n2))``

    Arms as real data sets have them (computed as metafor ``escalc`` does): an arm of one
    participant (``n = 1``, its SD is multiplied by ``n - 1 = 0``) and an SD of 0 in one arm
    are accepted as long as the pooled SD is positive. Refused, with the reason: fewer than
    ``n1 + n2 - 2 = 2`` degrees of freedom (with one, ``J = Gamma(1/2)/... `` has
    ``Gamma(0)`` in it: metafor returns ``g = 0``, an artefact, not an estimate) and a pooled
    SD of 0 (no spread at all: the standardised difference is undefined).

    Raises ``ValueError`` (naming study index and field) for non-finite values, ``n < 1``,
    ``n`` not whole, ``SD < 0``, ``n1 + n2 < 4`` or a pooled SD of 0.
    """
    f = _arms(m1=m1, sd1=sd1, n1=n1, m2=m2, sd2=sd2, n2=n2)
    n1a, n2a = f["n1"], f["n2"]
    m = n1a + n2a - 2.0
    raise_first(
        m < 2.0,
        lambda i: (
            "n1 + n2 must be >= 4 for a standardised mean difference (got "
            f"{float(n1a[i] + n2a[i])!r}): Hedges' correction needs n1 + n2 - 2 >= 2 degrees "
            "of freedom"
        ),
    )
    sp = np.sqrt(((n1a - 1.0) * f["sd1"] ** 2 + (n2a - 1.0) * f["sd2"] ** 2) / m)
    raise_first(
        ~(sp > 0),
        lambda i: (
            "the pooled SD is 0 (no spread in either arm): a standardised mean "
            "difference is undefined"
        ),
    )
    d = (f["m1"] - f["m2"]) / sp
    j = np.exp(gammaln(m / 2.0) - 0.5 * np.log(m / 2.0) - gammaln((m - 1.0) / 2.0))
    g = j * d
    v = 1.0 / n1a + 1.0 / n2a + g**2 / (2.0 * (n1a + n2a))
    return g, v


def mean_difference(
    m1: ArrayLike, sd1: ArrayLike, n1: ArrayLike, m2: ArrayLike, sd2: ArrayLike, n2: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Raw mean difference ``m1 - m2`` with variance ``sd1^2/n1 + sd2^2/n2``.

    Source: metafor ``escalc(measure="MD")`` default (unpooled, heteroscedastic
    variance; Viechtbauer 2010). To reproduce a pooled-SD analysis pass the pooled SD
    as both ``sd1`` and ``sd2``. As metafor, an arm of one participant and an SD of 0 in
    one arm are accepted; both SDs 0 (variance 0) is refused.

    Raises ``ValueError`` for non-finite values, ``n < 1``, ``n`` not whole, ``SD < 0`` or
    a variance of 0.
    """
    f = _arms(m1=m1, sd1=sd1, n1=n1, m2=m2, sd2=sd2, n2=n2)
    yi = f["m1"] - f["m2"]
    vi = f["sd1"] ** 2 / f["n1"] + f["sd2"] ** 2 / f["n2"]
    raise_first(~(vi > 0), lambda i: "sd1 and sd2 are both 0: the mean difference has variance 0")
    return yi, vi


def _tables(
    e1: ArrayLike, n1: ArrayLike, e2: ArrayLike, n2: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Validate two-arm event counts; return the cells ``a, b, c, d``.

    Counts must be whole numbers (a 2.5 is a data-entry or conversion error); an arm of one
    participant is accepted, as metafor ``escalc`` does (its table always has a zero cell and
    so gets the 0.5 correction).
    """
    f = as_vectors(e1=e1, n1=n1, e2=e2, n2=n2)
    for name in ("n1", "n2"):
        check_at_least(f[name], name, 1.0)
    for name in ("e1", "n1", "e2", "n2"):
        check_whole(f[name], name)
    check_events(f["e1"], f["n1"], "e1", "n1")
    check_events(f["e2"], f["n2"], "e2", "n2")
    a, c = f["e1"], f["e2"]
    return a, f["n1"] - a, c, f["n2"] - c


def double_zero_mask(a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray) -> BoolArray:
    """True where a study has no events in both arms or only events in both arms."""
    mask: BoolArray = ((a == 0) & (c == 0)) | ((b == 0) & (d == 0))  # numpy types `==` as Any
    return mask


def double_zero_studies(e1: ArrayLike, n1: ArrayLike, e2: ArrayLike, n2: ArrayLike) -> list[int]:
    """0-based indices of double-zero studies (``e1 == e2 == 0`` or ``e1 == n1 and e2 == n2``).

    Such studies carry no information on a risk ratio or odds ratio; they are left out
    of RR/OR pooling (Cochrane Handbook, version 6, chapter 10) and :func:`binary_effect`
    returns NaN for them.
    """
    a, b, c, d = _tables(e1, n1, e2, n2)
    return [int(i) for i in np.flatnonzero(double_zero_mask(a, b, c, d))]


def binary_effect(
    e1: ArrayLike, n1: ArrayLike, e2: ArrayLike, n2: ArrayLike, measure: BinaryMeasure
) -> tuple[FloatArray, FloatArray]:
    """Log risk ratio, log odds ratio or risk difference of a 2x2 table, with variance.

    Cells: ``a = e1, b = n1 - e1, c = e2, d = n2 - e2`` (arm 1 = intervention).
    A table with any zero cell gets 0.5 added to all four cells, for RR, OR and RD alike
    (metafor ``escalc`` default ``add=1/2, to="only0"``).

    * RR: ``yi = log((a/n1)/(c/n2))``, ``vi = 1/a - 1/n1 + 1/c - 1/n2``
    * OR: ``yi = log(a d / (b c))``, ``vi = 1/a + 1/b + 1/c + 1/d`` (Woolf)
    * RD: ``yi = a/n1 - c/n2``, ``vi = p1 (1-p1)/n1 + p2 (1-p2)/n2``

    Double-zero studies (no events in both arms, or all participants with events in both
    arms) have no defined RR/OR: their ``yi`` and ``vi`` are NaN, so that they cannot be
    pooled by accident (:func:`synthesis.stats.pool` rejects NaN); use
    :func:`double_zero_studies` to drop them. For RD they are kept (RD = 0 is informative).

    Raises ``ValueError`` for negative events, events > n, ``n < 1``, counts that are not
    whole numbers or booleans, non-finite values or an unknown measure.
    """
    if measure not in ("RR", "OR", "RD"):
        raise ValueError(f"measure must be 'RR', 'OR' or 'RD' (got {measure!r})")
    a, b, c, d = _tables(e1, n1, e2, n2)
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    add = np.where(zero, ZERO_CELL_CORRECTION, 0.0)
    a, b, c, d = a + add, b + add, c + add, d + add
    n1c, n2c = a + b, c + d
    if measure == "RD":
        p1, p2 = a / n1c, c / n2c
        return p1 - p2, p1 * (1.0 - p1) / n1c + p2 * (1.0 - p2) / n2c
    dz = double_zero_mask(a - add, b - add, c - add, d - add)
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "RR":
            yi = np.log(a / n1c) - np.log(c / n2c)
            vi = 1.0 / a - 1.0 / n1c + 1.0 / c - 1.0 / n2c
        else:
            yi = np.log(a) + np.log(d) - np.log(b) - np.log(c)
            vi = 1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d
    yi = np.where(dz, np.nan, yi)
    vi = np.where(dz, np.nan, vi)
    return yi, vi


def from_confidence_interval(
    estimate: ArrayLike, ci_low: ArrayLike, ci_high: ArrayLike, ratio: bool
) -> tuple[FloatArray, FloatArray]:
    """Effect size and sampling variance recovered from a reported 95% confidence interval.

    Source: Cochrane Handbook for Systematic Reviews of Interventions (version 6), chapter 6,
    "obtaining standard errors from confidence intervals": ``SE = (upper - lower) / (2 z)`` with
    ``z = Phi^-1(0.975) = 1.959964`` (the exact 95% quantile, i.e. "1.96"; the Handbook's
    rounded divisor 3.92 differs by 0.002%).

    * ``ratio=False``: inputs on the analysis scale; ``yi = estimate``.
    * ``ratio=True``: inputs are ratios (RR/OR/HR); ``yi = log(estimate)`` and the SE is
      taken from the width of the log-transformed interval.

    ``vi = SE^2``. Only the interval *width* is used (reported intervals are often rounded
    and slightly asymmetric). Raises ``ValueError`` unless ``ci_low < ci_high`` and
    ``ci_low <= estimate <= ci_high`` (and, for ratios, all values > 0).
    """
    f = as_vectors(estimate=estimate, ci_low=ci_low, ci_high=ci_high)
    est, lo, hi = f["estimate"], f["ci_low"], f["ci_high"]
    if ratio:
        for name in ("estimate", "ci_low", "ci_high"):
            check_positive(f[name], name)
    raise_first(
        ~(lo < hi), lambda i: f"ci_low ({float(lo[i])!r}) must be below ci_high ({float(hi[i])!r})"
    )
    raise_first(
        (est < lo) | (est > hi),
        lambda i: (
            f"estimate ({float(est[i])!r}) lies outside its interval "
            f"[{float(lo[i])!r}, {float(hi[i])!r}]"
        ),
    )
    z = float(ndtri(0.975))
    if ratio:
        yi = np.log(est)
        se = (np.log(hi) - np.log(lo)) / (2.0 * z)
    else:
        yi = est.copy()
        se = (hi - lo) / (2.0 * z)
    return yi, se**2
