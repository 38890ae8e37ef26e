"""metaumbrella's example data sets end to end under ``METAUMBRELLA`` (issue #22).

Inputs: tests/synthesis/datasets_metaumbrella.py. Outputs: the same vignette (R
metaumbrella 1.1.0, cran/metaumbrella commit 90729392591edcbb965445e7b9c169bb1e40aded,
inst/doc/conduct-umbrella.html, built 2025-02-28) prints ``summary(umbrella(...))`` for
each, 3 decimals, p-values to 3 significant digits; Example 1 also prints the Ioannidis
class. metaumbrella prints ratio results on the ratio scale (``value``, ``eOR``) and as an
equivalent SMD (``eG = log(eOR) sqrt(3)/pi``); both are checked for the prediction interval.
``df.SMD`` (Example 3) is in test_conventions.py.

Not reproducible from published numbers (looked for in the package's vignettes, manual
pages and tests/testthat): ``df.HR``, ``df.IRR``, ``df.MD``, ``df.SMC``, ``df.R``, ``df.MC``
and ``df.radua2019`` have no printed data or results; ``df.train``'s results are drawn only
as forest-plot images; tests/testthat asserts classes under the "Personalized" and "GRADE"
criteria, which we do not implement. See docs/methods.md, "metaumbrella's example data".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from synthesis.stats import (
    METAUMBRELLA,
    Grading,
    binary_effect,
    combine_dependent_outcomes,
    combine_subgroups,
    grade_association,
    log_or_to_smd,
)
from tests.synthesis import datasets_metaumbrella as d
from tests.synthesis.reference import assert_printed

Z975 = 1.959963984540054


@dataclass(frozen=True)
class Printed:
    """One row of ``summary(umbrella(...))``: ratio scale, except ``pi_eg`` (eG)."""

    k: int
    n_cases: int
    value: float
    ci: tuple[float, float]
    p: float
    i2: float
    pi: tuple[float, float]
    pi_eg: tuple[float, float]
    egger_p: float | None  # printed NaN when k < 3
    esb_p: float
    largest: tuple[float, float]


def assert_reproduced(graded: Grading, printed: Printed, *, largest: bool = True) -> None:
    pooled = graded.pooled
    assert pooled.k == printed.k
    assert graded.n_cases == printed.n_cases
    assert_printed(math.exp(pooled.estimate), printed.value, 3)
    assert_printed(math.exp(pooled.ci_low), printed.ci[0], 3)
    assert_printed(math.exp(pooled.ci_high), printed.ci[1], 3)
    assert pooled.p == pytest.approx(printed.p, rel=0.5e-2)  # 3 significant digits
    assert_printed(pooled.i2, printed.i2, 3)
    assert graded.prediction_interval is not None
    for limit, want, want_eg in zip(graded.prediction_interval, printed.pi, printed.pi_eg,
                                    strict=True):  # fmt: skip
        assert_printed(math.exp(limit), want, 3)
        assert_printed(log_or_to_smd(limit, 0.0).value, want_eg, 3)
    if printed.egger_p is None:
        assert graded.egger_p is None
    else:
        assert graded.egger_p == pytest.approx(printed.egger_p, rel=0.5e-2)
    assert graded.esb_p == pytest.approx(printed.esb_p, rel=0.5e-2)
    if largest:
        assert_printed(math.exp(graded.largest_ci[0]), printed.largest[0], 3)
        assert_printed(math.exp(graded.largest_ci[1]), printed.largest[1], 3)


# --- Example 1: df.OR, summary(umb.OR) and the Ioannidis classes of summary(strat.io) ------
DF_OR_PRINTED = {
    "ADHD": (Printed(10, 987, 1.526, (1.043, 2.231), 2.94e-02, 70.886, (0.437, 5.327),
                     (-0.456, 0.922), 4.84e-01, 3.75e-01, (0.527, 1.978)), "IV"),
    "ASD": (Printed(18, 1967, 1.02, (0.778, 1.339), 8.84e-01, 67.742, (0.354, 2.939),
                    (-0.572, 0.594), 5.06e-01, 1.68e-01, (0.356, 1.433)), "ns"),
    "dyslexia": (Printed(7, 626, 1.498, (1.004, 2.236), 4.80e-02, 60.556, (0.476, 4.714),
                         (-0.409, 0.855), 2.29e-01, 5.47e-01, (1.048, 3.692)), "IV"),
    "ID": (Printed(25, 2586, 1.355, (1.078, 1.703), 9.21e-03, 67.231, (0.491, 3.741),
                   (-0.393, 0.727), 6.00e-01, 4.61e-01, (0.897, 2.952)), "IV"),
}  # fmt: skip


@pytest.mark.parametrize("factor", DF_OR_PRINTED)
def test_metaumbrella_conventions_reproduce_its_df_or_example(factor):
    """Log ORs from the 2x2 tables (the printed value and Woolf CI are the same numbers),
    REML, t(k - 1) PI, TESSPSST on z tests, the largest study by n_cases + n_controls."""
    printed, grade = DF_OR_PRINTED[factor]
    idx = [i for i, f in enumerate(d.DF_OR_FACTOR) if f == factor]
    a, c = d.DF_OR_N_CASES_EXP[idx], d.DF_OR_N_CASES_NEXP[idx]
    b, dd = d.DF_OR_N_CONTROLS_EXP[idx], d.DF_OR_N_CONTROLS_NEXP[idx]
    yi, vi = binary_effect(a, a + b, c, c + dd, "OR")
    np.testing.assert_allclose(np.exp(yi), d.DF_OR_VALUE[idx], rtol=1e-12)
    n_cases, n_controls = d.DF_OR_N_CASES[idx], d.DF_OR_N_CONTROLS[idx]
    graded = grade_association(
        yi, vi, n_cases=n_cases.sum(), conventions=METAUMBRELLA, sizes=n_cases + n_controls
    )
    assert_reproduced(graded, printed)
    assert graded.grade == grade


# --- Example 2: df.RR, summary(umb.RR) -----------------------------------------------------
DF_RR_PRINTED = Printed(51, 4107, 0.777, (0.728, 0.829), 2.19e-14, 65.767, (0.527, 1.144),
                        (-0.353, 0.074), 1.21e-04, 1.27e-02, (0.635, 0.918))  # fmt: skip


def test_metaumbrella_conventions_reproduce_its_df_rr_example():
    """Log RRs from the counts (= the printed RR and Wald CI). The vignette grades df.RR
    with its GRADE criteria ("Very weak"), which we do not implement; under the Ioannidis
    criteria (``.add.evidence_Ioannidis``, R/functions_evidence.R) its printed figures give
    class II: > 1000 cases, p < 1e-6, I² > 50, largest study significant on the pooled side."""
    a, n1 = d.DF_RR_N_CASES_EXP, d.DF_RR_N_EXP
    c, n2 = d.DF_RR_N_CASES_NEXP, d.DF_RR_N_NEXP
    yi, vi = binary_effect(a, n1, c, n2, "RR")
    np.testing.assert_allclose(np.exp(yi), d.DF_RR_VALUE, rtol=1e-12)
    graded = grade_association(
        yi, vi, n_cases=(a + c).sum(), conventions=METAUMBRELLA, sizes=n1 + n2
    )
    assert_reproduced(graded, DF_RR_PRINTED)
    assert (n1 + n2).sum() == 6138  # printed total_n
    assert graded.grade == "II"


# --- Example 4: df.OR.multi, summary(umb.OR.multi_2) (r = 0.6 for every multi-outcome study) -
DF_OR_MULTI_PRINTED = {
    "n-3 fatty acids": Printed(11, 1406, 0.86, (0.673, 1.099), 2.29e-01, 67.73, (0.385, 1.919),
                               (-0.526, 0.359), 3.55e-01, 1.17e-02, (0.367, 0.957)),
    "Protein": Printed(5, 1107, 0.644, (0.447, 0.929), 1.85e-02, 70.297, (0.212, 1.954),
                       (-0.854, 0.369), 8.82e-01, 3.74e-01, (0.454, 0.722)),
    "Carbohydrates": Printed(17, 2731, 1.043, (0.922, 1.179), 5.03e-01, 35.502, (0.736, 1.478),
                             (-0.169, 0.216), 4.65e-03, 5.80e-01, (0.618, 1.36)),
    "Lipid": Printed(32, 5091, 0.948, (0.876, 1.025), 1.78e-01, 0.0, (0.873, 1.028),
                     (-0.075, 0.015), 4.81e-01, 8.83e-01, (0.632, 1.356)),
    "Dietary fiber": Printed(6, 9044, 1.123, (1.059, 1.19), 9.21e-05, 0.0, (1.04, 1.211),
                             (0.022, 0.106), 2.21e-01, 5.32e-01, (1.0, 1.218)),
    "Sodium": Printed(2, 991, 0.574, (0.369, 0.894), 1.39e-02, 84.064, (0.005, 62.804),
                      (-2.894, 2.283), None, 1.56e-01, (0.573, 0.889)),
    "Zinc": Printed(31, 4919, 0.887, (0.821, 0.959), 2.51e-03, 0.0, (0.818, 0.962),
                    (-0.111, -0.021), 1.28e-01, 9.47e-01, (0.655, 1.375)),
    "Vitamin D": Printed(8, 879, 1.203, (0.965, 1.5), 1.01e-01, 6.171, (0.817, 1.771),
                         (-0.111, 0.315), 2.76e-01, 8.35e-01, (0.591, 1.303)),
}  # fmt: skip
#: the largest study metaumbrella 1.1.0 prints differs from the one its documented rule
#: (largest n_cases + n_controls) picks: see the test below and docs/methods.md.
LARGEST_NOT_REPRODUCED = {"n-3 fatty acids": "al-Hamad", "Carbohydrates": "el-Zadeh",
                          "Vitamin D": "el-Omar"}  # fmt: skip


def df_or_multi(factor: str) -> tuple[list[str], np.ndarray, np.ndarray, int, np.ndarray]:
    """One factor of df.OR.multi aggregated per study as metaumbrella 1.1.0 does (R/
    functions_multilevel.R ``.agg_mcv``, metaConvert ``aggregate_df``): log OR and SE from
    the printed value and CI (z); "groups" -> fixed-effect mean, cases and controls summed;
    "outcomes" -> Borenstein composite at r = 0.6, the largest n_cases and n_controls.
    Returns (authors, yi, vi, n_cases, sizes)."""
    rows: dict[tuple[str, int], list[int]] = {}
    for i, f in enumerate(d.DF_OR_MULTI_FACTOR):
        if f == factor:
            rows.setdefault((d.DF_OR_MULTI_AUTHOR[i], int(d.DF_OR_MULTI_YEAR[i])), []).append(i)
    y = np.log(d.DF_OR_MULTI_VALUE)
    v = ((np.log(d.DF_OR_MULTI_CI_UP) - np.log(d.DF_OR_MULTI_CI_LO)) / (2 * Z975)) ** 2
    cases = d.DF_OR_MULTI_N_CASES_EXP + d.DF_OR_MULTI_N_CASES_NEXP
    controls = d.DF_OR_MULTI_N_CONTROLS_EXP + d.DF_OR_MULTI_N_CONTROLS_NEXP
    yi, vi, n_cases, sizes = [], [], [], []
    for (author, _), idx in rows.items():
        kind = d.DF_OR_MULTI_MULTIPLE_ES.get(author) if len(idx) > 1 else None
        if kind == "groups":
            effect = combine_subgroups(y[idx], v[idx])
            n1, n2 = cases[idx].sum(), controls[idx].sum()
        elif kind == "outcomes":
            effect = combine_dependent_outcomes(y[idx], v[idx], r=0.6)
            n1, n2 = cases[idx].max(), controls[idx].max()
        else:
            assert len(idx) == 1, author
            effect, n1, n2 = (float(y[idx[0]]), float(v[idx[0]])), cases[idx[0]], controls[idx[0]]
        yi.append(effect[0])
        vi.append(effect[1])
        n_cases.append(n1)
        sizes.append(n1 + n2)
    authors = [author for author, _ in rows]
    return authors, np.array(yi), np.array(vi), int(sum(n_cases)), np.array(sizes)


@pytest.mark.parametrize("factor", DF_OR_MULTI_PRINTED)
def test_metaumbrella_conventions_reproduce_its_df_or_multi_example(factor):
    """Dependent effects as metaumbrella aggregates them; everything printed is reproduced
    except the largest study in three factors (``LARGEST_NOT_REPRODUCED``)."""
    _, yi, vi, n_cases, sizes = df_or_multi(factor)
    graded = grade_association(yi, vi, n_cases=n_cases, conventions=METAUMBRELLA, sizes=sizes)
    assert_reproduced(graded, DF_OR_MULTI_PRINTED[factor],
                      largest=factor not in LARGEST_NOT_REPRODUCED)  # fmt: skip


@pytest.mark.parametrize("factor", LARGEST_NOT_REPRODUCED)
def test_df_or_multi_prints_as_largest_a_study_its_own_rule_does_not_pick(factor):
    """metaumbrella 1.1.0 prints the CI of a study that is not the one with the most
    participants, which its ``.largest_or_rr_hr`` (R/functions_other.R: the largest
    ``n_sample``, ties to the smallest |effect|) would pick. In all three factors the printed
    study is the first aggregated study in the data's order. Part of the cause is in
    ``.agg_mcv`` (R/functions_multilevel.R), which gives every aggregated multi-outcome row
    the same ``n_sample``, the sum over all of them (``with(df_outcome, ifelse(...,
    sum(n_cases + n_controls), ...))``); but the tie-break would then pick Andrzejczak and
    Edwards, and "Vitamin D" has no multi-outcome study at all: the rest is not explained by
    the readable source. We keep the documented rule (the most participants, cases plus
    controls); the printed CI is the one of the study named here."""
    authors, yi, vi, _, sizes = df_or_multi(factor)
    printed = DF_OR_MULTI_PRINTED[factor].largest
    shown = authors.index(LARGEST_NOT_REPRODUCED[factor])
    half = Z975 * math.sqrt(vi[shown])
    assert_printed(math.exp(yi[shown] - half), printed[0], 3)
    assert_printed(math.exp(yi[shown] + half), printed[1], 3)
    assert sizes[shown] < sizes.max()
