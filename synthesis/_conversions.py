"""Effect-size harmonisation with provenance (private; re-exported by ``synthesis.stats``).

Umbrella reviews pool what the reviews printed: an MD with its CI where others give SMDs, an
OR beside SMDs, a ratio CI limit printed as 0.00. Each helper returns a :class:`Converted`
whose :class:`Provenance` says which formula, constant and source produced it, so that a
page can show how every number was obtained. Scales: SMD/g and MD natural, ratios on the
natural-log scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

from scipy.special import gammaln, ndtri, stdtrit

from synthesis._validation import finite_number

Z975 = float(ndtri(0.975))
LOGISTIC_SCALE = math.pi / math.sqrt(3.0)  # 1.8138: SD of the standard logistic distribution


@dataclass(frozen=True)
class Provenance:
    """How a value was obtained: the formula, the constant it used, and the source."""

    formula: str
    constant: str
    source: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Converted:
    """An effect on the analysis scale (log for ratios) with its SE and provenance."""

    measure: str  # "SMD", "MD", "logOR", "logRR", "logHR"
    value: float
    se: float
    provenance: Provenance

    @property
    def variance(self) -> float:
        return self.se**2


def _arms(n1: float, n2: float) -> tuple[float, float]:
    a, b = float(n1), float(n2)
    if not (a >= 1 and b >= 1 and a == math.floor(a) and b == math.floor(b)):
        raise ValueError(f"arm sizes must be whole numbers >= 1 (got {n1!r}, {n2!r})")
    if a + b < 4:
        raise ValueError("n1 + n2 must be >= 4 (Hedges' correction needs 2 degrees of freedom)")
    return a, b


def _j(df: float) -> float:
    return math.exp(gammaln(df / 2.0) - 0.5 * math.log(df / 2.0) - gammaln((df - 1.0) / 2.0))


SeMethod = Literal["z", "t"]


def se_from_ci(
    estimate: float,
    ci_low: float,
    ci_high: float,
    *,
    ratio: bool,
    method: SeMethod = "z",
    n: float | None = None,
    groups: Literal[1, 2] = 2,
    measure: str = "",
) -> Converted:
    """SE recovered from a 95% CI: ``(hi - lo) / (2 q)`` (on the log scale for ratios).

    ``method="z"`` (ours): ``q = Phi^-1(0.975) = 1.959964`` (Cochrane Handbook v6, 6.5.2.2).
    ``method="t"`` (metaumbrella/metaConvert for differences with known sizes):
    ``q = t_{0.975, n - 2}`` for two groups (``n`` = both arms) or ``t_{0.975, n - 1}`` for
    one group (Cochrane Handbook v6, 6.5.2.3, small samples).
    """
    est, lo, hi = (
        finite_number(estimate, "estimate"),
        finite_number(ci_low, "ci_low"),
        finite_number(ci_high, "ci_high"),
    )
    if not lo < hi:
        raise ValueError(f"ci_low ({lo!r}) must be below ci_high ({hi!r})")
    if not lo <= est <= hi:
        raise ValueError(f"estimate ({est!r}) lies outside its interval [{lo!r}, {hi!r}]")
    if ratio:
        if lo <= 0:
            raise ValueError(
                "a ratio's CI limits must be > 0; for a limit printed as 0.00 use "
                "se_from_rounded_ci"
            )
        est, lo, hi = math.log(est), math.log(lo), math.log(hi)
    if method == "t":
        if n is None:
            raise ValueError("the t quantile needs the sample size n")
        df = float(n) - groups
        if df < 1:
            raise ValueError(f"n - {groups} must be >= 1 for a t quantile (got n = {n!r})")
        q = float(stdtrit(df, 0.975))
        constant = f"t(0.975, {df:g} df) = {q:.6f}"
        source = "Cochrane Handbook v6, 6.5.2.3; metaumbrella/metaConvert es_from_md_ci"
    elif method == "z":
        q = Z975
        constant = f"z(0.975) = {q:.6f}"
        source = "Cochrane Handbook v6, 6.5.2.2"
    else:
        raise ValueError(f"method must be 'z' or 't' (got {method!r})")
    se = (hi - lo) / (2.0 * q)
    return Converted(
        measure or ("log ratio" if ratio else "difference"),
        est,
        se,
        Provenance(
            "SE = (log(hi) - log(lo)) / (2 q)" if ratio else "SE = (hi - lo) / (2 q)",
            constant,
            source,
        ),
    )


def se_from_rounded_ci(
    estimate: float, ci_low: float, ci_high: float, *, measure: str = "log ratio"
) -> Converted:
    """A ratio whose printed lower limit is 0.00 (rounded): SE from the other half-width.

    ``log(0)`` does not exist, so the row cannot give a width; the upper half
    ``log(hi) - log(estimate)`` still gives ``SE = (log(hi) - log(est)) / z`` (the CI of a
    log ratio is symmetric). This is metaumbrella's ``.improve_ci`` rule for a missing limit
    (a limit of 0 is treated as missing; R/functions_other.R). The result carries the note
    "rounded" so the page can say the row was used as printed. A lower limit above 0 is not
    rounded to nothing and goes through :func:`se_from_ci`.
    """
    est, lo, hi = (
        finite_number(estimate, "estimate"),
        finite_number(ci_low, "ci_low"),
        finite_number(ci_high, "ci_high"),
    )
    if lo != 0.0:
        raise ValueError("only a lower limit printed as 0 (e.g. 0.00) is treated as rounded")
    if not (0 < est < hi):
        raise ValueError(f"need 0 < estimate < ci_high (got {est!r}, {hi!r})")
    se = (math.log(hi) - math.log(est)) / Z975
    return Converted(
        measure,
        math.log(est),
        se,
        Provenance(
            "SE = (log(hi) - log(estimate)) / z",
            f"z(0.975) = {Z975:.6f}",
            "metaumbrella .improve_ci (a CI limit of 0 is treated as missing)",
            ("rounded: lower CI limit printed as 0.00; SE from the upper half of the CI",),
        ),
    )


def smd_from_md_ci(md: float, ci_low: float, ci_high: float, n1: float, n2: float) -> Converted:
    """Hedges' g from a mean difference with its 95% CI and the arm sizes (metaConvert
    ``es_from_md_ci``, used by metaumbrella 1.1.0):

    ``SE(MD) = (hi - lo) / (2 t_{0.975, n1+n2-2})``; ``SD = SE(MD) / sqrt(1/n1 + 1/n2)``;
    ``d = MD / SD``; ``SE(d) = sqrt((n1+n2)/(n1 n2) + d^2/(2(n1+n2)))``;
    ``g = J d``, ``SE(g) = J SE(d)`` with Hedges' exact ``J(n1+n2-2)``. Assumes the CI was
    built with a pooled SD (equal variances), as the source says.
    """
    a, b = _arms(n1, n2)
    se_md = se_from_ci(md, ci_low, ci_high, ratio=False, method="t", n=a + b).se
    sd = se_md / math.sqrt(1.0 / a + 1.0 / b)
    d = float(md) / sd
    j = _j(a + b - 2.0)
    se_d = math.sqrt((a + b) / (a * b) + d**2 / (2.0 * (a + b)))
    return Converted(
        "SMD",
        j * d,
        j * se_d,
        Provenance(
            "SD = SE(MD)/sqrt(1/n1+1/n2); d = MD/SD; g = J d; SE(g) = J sqrt(N/(n1 n2)+d^2/(2N))",
            f"t(0.975, {a + b - 2:g} df); J = {j:.6f}",
            "metaConvert es_from_md_ci / .es_from_d (metaumbrella 1.1.0); Cochrane Handbook "
            "v6, 6.5.2.3; Hedges (1981)",
        ),
    )


def smd_from_estimate_and_n(g: float, n1: float, n2: float) -> Converted:
    """Hedges' g printed without a CI: SE from the arm sizes (metaConvert ``es_from_hedges_g``,
    as metaumbrella does for SMD/G rows with ``n_cases``/``n_controls`` only):
    ``d = g / J``; ``SE(g) = J sqrt((n1+n2)/(n1 n2) + d^2/(2(n1+n2)))``."""
    a, b = _arms(n1, n2)
    j = _j(a + b - 2.0)
    d = finite_number(g, "g") / j
    se = j * math.sqrt((a + b) / (a * b) + d**2 / (2.0 * (a + b)))
    return Converted(
        "SMD",
        float(g),
        se,
        Provenance(
            "d = g/J; SE(g) = J sqrt(N/(n1 n2) + d^2/(2N))",
            f"J = {j:.6f}",
            "metaConvert es_from_hedges_g (metaumbrella 1.1.0); Cooper et al. (2019) 12.13",
        ),
    )


def smd_to_log_or(d: float, se: float) -> Converted:
    """Log odds ratio from an SMD (Hasselblad & Hedges 1995; Chinn 2000; metaConvert
    ``.es_from_d``, metaumbrella's eOR): ``log OR = d pi/sqrt(3)``,
    ``SE = SE(d) pi/sqrt(3)``. Assumes logistic responses in both groups."""
    value, s = finite_number(d, "d"), finite_number(se, "se")
    return Converted(
        "logOR",
        value * LOGISTIC_SCALE,
        s * LOGISTIC_SCALE,
        Provenance(
            "log OR = d * pi/sqrt(3); SE = SE(d) * pi/sqrt(3)",
            f"pi/sqrt(3) = {LOGISTIC_SCALE:.6f}",
            "Hasselblad & Hedges (1995); Chinn (2000); metaConvert .es_from_d (metaumbrella)",
        ),
    )


def log_or_to_smd(log_or: float, se: float) -> Converted:
    """SMD from a log odds ratio, the inverse of :func:`smd_to_log_or` (``d = log OR
    sqrt(3)/pi``; metaumbrella's eG of a ratio)."""
    value, s = finite_number(log_or, "log_or"), finite_number(se, "se")
    return Converted(
        "SMD",
        value / LOGISTIC_SCALE,
        s / LOGISTIC_SCALE,
        Provenance(
            "d = log OR * sqrt(3)/pi; SE = SE(log OR) * sqrt(3)/pi",
            f"sqrt(3)/pi = {1 / LOGISTIC_SCALE:.6f}",
            "Hasselblad & Hedges (1995); Chinn (2000); metaConvert (metaumbrella eG)",
        ),
    )


def ratio_as(converted: Converted, measure: Literal["logOR", "logRR", "logHR"]) -> Converted:
    """Treat one log ratio as another (e.g. an HR pooled with RRs): the value and SE are kept,
    the provenance says so. metaumbrella 1.1.0 does this for HRs (``x_hr_data``: logrr and
    logor are set to loghr); it is a judgement that the outcome is rare enough, not a
    conversion."""
    return replace(
        converted,
        measure=measure,
        provenance=Provenance(
            f"{measure} := {converted.measure} (value and SE unchanged)",
            "none",
            "metaumbrella 1.1.0 R/functions_effectsize.R (HR treated as RR and OR)",
            (*converted.provenance.notes, f"{converted.measure} treated as {measure}"),
        ),
    )


def reverse(converted: Converted) -> Converted:
    """Flip the direction explicitly (arms swapped): value -> -value on the analysis scale
    (a ratio becomes its reciprocal), SE unchanged (metaConvert ``reverse_*`` arguments)."""
    return replace(
        converted,
        value=-converted.value,
        provenance=replace(
            converted.provenance, notes=(*converted.provenance.notes, "reversed: sign flipped")
        ),
    )
