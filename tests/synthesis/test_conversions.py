"""Effect-size harmonisation with provenance (issue #22), by hand and against the sources.

Sources: metaConvert (the engine of metaumbrella 1.1.0), R/es_from_stand_MD.R
(es_from_md_ci -> es_from_md_se -> es_from_md_sd), R/es_from_stand_SMD.R (es_from_hedges_g),
R/internal_es_from_d.R (.es_from_d: d -> g, d -> log OR); metaumbrella R/functions_other.R
(.improve_ci); Cochrane Handbook v6, 6.5.2.2-6.5.2.3. Each formula is re-implemented here
from that arithmetic and cross-checked by an independent route where one exists.
"""

from __future__ import annotations

import math
import re

import pytest

from synthesis.stats import (
    hedges_g,
    log_or_to_smd,
    ratio_as,
    reverse,
    se_from_ci,
    se_from_rounded_ci,
    smd_from_estimate_and_n,
    smd_from_md_ci,
    smd_to_log_or,
)
from tests.synthesis.reference import assert_printed


def test_se_from_ci_z_or_t_quantile():
    """Cochrane Handbook 6.5.2.2: SE = width / 3.92 (z); 6.5.2.3: with 25 per group the
    divisor is 2 t(0.975, 48) = 2 * 2.0106 (t tables)."""
    z = se_from_ci(0.5, 0.1, 0.9, ratio=False)
    assert z.se == pytest.approx(0.8 / (2 * 1.959964), rel=1e-6)
    t = se_from_ci(0.5, 0.1, 0.9, ratio=False, method="t", n=50)
    assert_printed(0.8 / t.se / 2, 2.0106, 4)
    assert "t(0.975, 48 df)" in t.provenance.constant
    one_group = se_from_ci(0.5, 0.1, 0.9, ratio=False, method="t", n=50, groups=1)
    assert "t(0.975, 49 df)" in one_group.provenance.constant
    ratio = se_from_ci(0.8, 0.5, 1.28, ratio=True)
    assert ratio.value == pytest.approx(math.log(0.8))
    assert ratio.se == pytest.approx(math.log(1.28 / 0.5) / (2 * 1.959964), rel=1e-6)
    with pytest.raises(ValueError, match="se_from_rounded_ci"):
        se_from_ci(0.1, 0.0, 0.9, ratio=True)
    with pytest.raises(ValueError, match="needs the sample size"):
        se_from_ci(0.5, 0.1, 0.9, ratio=False, method="t")


def test_ratio_with_lower_limit_printed_as_zero_uses_the_upper_half():
    """OR 0.05 (0.00 to 0.40) as printed: log(0.40) - log(0.05) = 2.0794 is the upper half
    width, SE = 2.0794 / 1.959964 = 1.0610 (metaumbrella .improve_ci: a limit of 0 is
    missing, me = log(ci_up) - log(value))."""
    res = se_from_rounded_ci(0.05, 0.00, 0.40, measure="logOR")
    assert res.value == pytest.approx(math.log(0.05))
    assert_printed(res.se, 1.0610, 4)
    assert res.provenance.notes[0].startswith("rounded")
    with pytest.raises(ValueError, match="printed as 0"):
        se_from_rounded_ci(0.05, 0.01, 0.40)


def test_smd_from_md_with_ci_and_arm_sizes():
    """metaConvert es_from_md_ci(md = 4, md_ci_lo = 2, md_ci_up = 6, n_exp = 20,
    n_nexp = 22) (its man-page example; the output is not printed there, so by hand):
    SE(MD) = 4 / (2 t(0.975, 40)) = 0.98957; SD = SE / sqrt(1/20 + 1/22) = 3.20294;
    d = 4 / SD = 1.24886; g = J(40) d. Cross-check of g: our hedges_g on means 4 and 0 with
    that pooled SD in both arms (a pooled-variance CI is exactly what the source assumes)."""
    res = smd_from_md_ci(4.0, 2.0, 6.0, 20, 22)
    t40 = 2.021075390306273
    sd = 4 / (2 * t40) / math.sqrt(1 / 20 + 1 / 22)
    assert_printed(sd, 3.20294, 5)
    d = 4 / sd
    g, _ = hedges_g(4.0, sd, 20, 0.0, sd, 22)
    assert res.value == pytest.approx(float(g[0]), rel=1e-12)
    j = float(g[0]) / d
    assert res.se == pytest.approx(j * math.sqrt(42 / 440 + d**2 / 84), rel=1e-12)
    assert "es_from_md_ci" in res.provenance.source


def test_smd_printed_with_n_but_no_ci():
    """metaConvert es_from_hedges_g(hedges_g = 0.243, n_exp = 20, n_nexp = 20):
    d = g / J(38), SE(g) = J sqrt(40/400 + d^2/80)."""
    res = smd_from_estimate_and_n(0.243, 20, 20)
    j = math.exp(math.lgamma(19) - 0.5 * math.log(19) - math.lgamma(18.5))
    d = 0.243 / j
    assert res.se == pytest.approx(j * math.sqrt(0.1 + d**2 / 80), rel=1e-12)
    assert res.value == 0.243


def test_smd_and_log_odds_ratio_hasselblad_hedges():
    """log OR = d pi/sqrt(3) (Chinn 2000: 1.81 d); both directions are inverses."""
    res = smd_to_log_or(0.5, 0.1)
    assert_printed(res.value, 0.9069, 4)  # 0.5 * 1.8138
    assert_printed(res.se, 0.1814, 4)
    back = log_or_to_smd(res.value, res.se)
    assert (back.value, back.se) == (pytest.approx(0.5), pytest.approx(0.1))
    assert "Hasselblad" in back.provenance.source


def test_reverse_and_ratio_as_keep_a_trail():
    hr = se_from_ci(0.8, 0.6, 1.1, ratio=True, measure="logHR")
    as_rr = ratio_as(hr, "logRR")
    assert (as_rr.value, as_rr.se, as_rr.measure) == (hr.value, hr.se, "logRR")
    assert as_rr.provenance.notes == ("logHR treated as logRR",)
    flipped = reverse(as_rr)
    assert flipped.value == pytest.approx(math.log(1 / 0.8))
    assert flipped.provenance.notes[-1] == "reversed: sign flipped"


@pytest.mark.parametrize(
    ("convert", "args", "message"),
    [
        (smd_from_md_ci, (0.3, math.nan, 0.5, 20, 20), "ci_low must be finite (got nan)"),
        (smd_to_log_or, (0.4, math.inf), "se must be finite (got inf)"),
        (log_or_to_smd, (-math.inf, 0.2), "log_or must be finite (got -inf)"),
    ],
)
def test_a_value_that_is_not_finite_is_refused_by_name(convert, args, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        convert(*args)
