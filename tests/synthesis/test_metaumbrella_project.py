"""metaumbrella's df.OR.multi (vignette 2, Example 4) entered as a project, re-analysed
through the app's selectors under the project's metaumbrella conventions (issue #22).

Every row of the data set is a registry study's study-effect row; the rows of one study carry
the data set's `multiple_es` ("groups" or "outcomes") and the project's r is the vignette's
0.6 (``umbrella(df.OR.multi, mult.level = TRUE, r = 0.6)``). Entered twice: as its 2x2
tables (which give the cases, so the class), and as its printed OR with its CI, which is what
metaumbrella pools when a row has both: the tables' Woolf SEs differ from the CIs' by up to
1e-5, enough to move I² in the third decimal (67.7313 for the printed 67.73). The printed
figures are ``DF_OR_MULTI_PRINTED`` (tests/synthesis/test_metaumbrella_examples.py, with
its source); the vignette prints no class for this example, so the class checked is the one
its printed criteria give (cases > 1000 and p < 10⁻³: III; p < 0.05: IV; else ns; no factor reaches
p < 10⁻⁶, where I² and the rest would count).
"""

import math

import pytest

from reviews.models import PrimaryStudy
from synthesis import stats
from synthesis.models import (
    AnalysisSettings,
    ConventionChoice,
    MultipleEs,
    Outcome,
    OutcomeDomain,
    OutcomeResult,
    StudyEffect,
)
from synthesis.selectors.reanalysis import analyse, credibility_cell, project_conventions
from tests.synthesis import datasets_metaumbrella as d
from tests.synthesis.reference import assert_printed
from tests.synthesis.test_metaumbrella_examples import (
    DF_OR_MULTI_PRINTED,
    LARGEST_NOT_REPRODUCED,
)

pytestmark = pytest.mark.django_db

#: The class each factor's printed criteria give (see the module's docstring).
CLASSES = {"n-3 fatty acids": "ns", "Protein": "IV", "Carbohydrates": "ns", "Lipid": "ns",
           "Dietary fiber": "III", "Sodium": "IV", "Zinc": "IV", "Vitamin D": "ns"}  # fmt: skip


def build(make_umbrella, make_review, *, printed: bool):
    """The whole data set as one project: one outcome result per factor, one registry study
    per author and year, one study-effect row per data-set row (its 2x2 table, or with
    `printed` its OR and CI)."""
    umbrella = make_umbrella(is_published=False)
    AnalysisSettings.objects.create(
        umbrella=umbrella, conventions=ConventionChoice.METAUMBRELLA, dependent_r=0.6
    )
    review = make_review(umbrella=umbrella, label="Example 4 2025")
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Nutrition")
    results = {
        factor: OutcomeResult.objects.create(
            review=review,
            outcome=Outcome.objects.create(umbrella=umbrella, name=factor, domain=domain),
            extraction_id=f"F{n}",
            evidence_type="meta_analysis",
            measure="or",
        )
        for n, factor in enumerate(dict.fromkeys(d.DF_OR_MULTI_FACTOR), start=1)
    }
    keys = [f"{a} {y:.0f}" for a, y in zip(d.DF_OR_MULTI_AUTHOR, d.DF_OR_MULTI_YEAR, strict=True)]
    studies = {
        study.label: study
        for study in PrimaryStudy.objects.bulk_create(
            PrimaryStudy(umbrella=umbrella, label=key, title=key) for key in dict.fromkeys(keys)
        )
    }
    rows = []
    for i, (factor, key) in enumerate(zip(d.DF_OR_MULTI_FACTOR, keys, strict=True)):
        cases = (d.DF_OR_MULTI_N_CASES_EXP[i], d.DF_OR_MULTI_N_CASES_NEXP[i])
        controls = (d.DF_OR_MULTI_N_CONTROLS_EXP[i], d.DF_OR_MULTI_N_CONTROLS_NEXP[i])
        marker = d.DF_OR_MULTI_MULTIPLE_ES.get(key.rsplit(" ", 1)[0], MultipleEs.OUTCOMES)
        data = (
            {"kind": "estimate", "estimate": d.DF_OR_MULTI_VALUE[i],
             "ci_low": d.DF_OR_MULTI_CI_LO[i], "ci_high": d.DF_OR_MULTI_CI_UP[i]}
            if printed
            else {"kind": "binary", "events1": int(cases[0]), "n1": int(cases[0] + controls[0]),
                  "events2": int(cases[1]), "n2": int(cases[1] + controls[1])}
        )  # fmt: skip
        rows.append(
            StudyEffect(
                outcome_result=results[factor],
                study=studies[key],
                label=f"{key} #{i + 1}",  # one label per row; the study links them
                multiple_es=marker,
                **data,
            )
        )
    StudyEffect.objects.bulk_create(rows)
    return umbrella, results


@pytest.fixture
def project(make_umbrella, make_review):
    return build(make_umbrella, make_review, printed=False)


def reanalysed(umbrella, result):
    conventions = project_conventions(umbrella)
    assert conventions.name == stats.METAUMBRELLA.name
    analysis = analyse(result, list(result.study_effects.all()), "REML", conventions).analysis
    assert analysis is not None
    assert analysis.pooled is not None
    assert analysis.credibility is not None
    return analysis, analysis.credibility


def assert_pooled_as_printed(analysis, credibility, printed, i2_decimals: int) -> None:
    assert analysis.k == printed.k  # studies, not rows
    pooled = analysis.pooled
    assert_printed(math.exp(pooled.estimate), printed.value, 3)
    assert_printed(math.exp(pooled.ci_low), printed.ci[0], 3)
    assert_printed(math.exp(pooled.ci_high), printed.ci[1], 3)
    assert credibility.p_value == pytest.approx(printed.p, rel=0.5e-2)
    assert_printed(credibility.i2, printed.i2, i2_decimals)
    assert credibility.prediction_interval is not None
    for limit, want in zip(credibility.prediction_interval, printed.pi, strict=True):
        assert_printed(math.exp(limit), want, 3)
    assert credibility.esb_p == pytest.approx(printed.esb_p, rel=0.5e-2)
    if printed.egger_p is None:
        assert credibility.egger_p is None
    else:
        assert credibility.egger_p == pytest.approx(printed.egger_p, rel=0.5e-2)


@pytest.mark.parametrize("factor", DF_OR_MULTI_PRINTED)
def test_df_or_multi_as_a_project_reproduces_metaumbrellas_printed_results(project, factor):
    """From the 2x2 tables: cases (summed over groups, the largest of outcomes), the class and
    everything printed, I² to 2 decimals (the module's docstring says why)."""
    umbrella, results = project
    result = results[factor]
    analysis, credibility = reanalysed(umbrella, result)
    printed = DF_OR_MULTI_PRINTED[factor]
    assert credibility.n_cases == printed.n_cases
    assert credibility.n_cases_complete
    assert_pooled_as_printed(analysis, credibility, printed, i2_decimals=2)
    if factor not in LARGEST_NOT_REPRODUCED:
        assert_printed(math.exp(credibility.largest_ci[0]), printed.largest[0], 3)
        assert_printed(math.exp(credibility.largest_ci[1]), printed.largest[1], 3)
    assert credibility.grade == CLASSES[factor]
    # The evidence tables' cell reads the same class under the project's conventions.
    cell = credibility_cell(result, umbrella)
    assert (cell.grade, cell.conventions) == (CLASSES[factor], stats.METAUMBRELLA.name)


def test_df_or_multi_entered_as_printed_reproduces_every_printed_digit(make_umbrella, make_review):
    """From the printed ORs and CIs, as metaumbrella pools them: I² to its 3 printed decimals
    too (no cases here: an estimate row has none, so no class)."""
    umbrella, results = build(make_umbrella, make_review, printed=True)
    for factor, printed in DF_OR_MULTI_PRINTED.items():
        analysis, credibility = reanalysed(umbrella, results[factor])
        assert_pooled_as_printed(analysis, credibility, printed, i2_decimals=3)
        assert not credibility.n_cases_complete


def test_the_same_rows_as_outcomes_only_no_longer_reproduce_it(project):
    """The marker matters: in "Dietary fiber", Jauch 2021's three groups read as outcomes of
    the same participants count their cases once (the largest group) and pool as a composite,
    so the printed cases and estimate are no longer reproduced."""
    umbrella, results = project
    result = results["Dietary fiber"]
    printed = DF_OR_MULTI_PRINTED["Dietary fiber"]
    result.study_effects.update(multiple_es=MultipleEs.OUTCOMES)
    analysis, credibility = reanalysed(umbrella, result)
    assert analysis.k == printed.k
    jauch = d.DF_OR_MULTI_N_CASES_EXP + d.DF_OR_MULTI_N_CASES_NEXP
    rows = [i for i, a in enumerate(d.DF_OR_MULTI_AUTHOR) if a == "Jauch"]
    assert credibility.n_cases == printed.n_cases - sum(jauch[rows]) + max(jauch[rows])
    assert round(math.exp(analysis.pooled.estimate), 3) != printed.value
    assert "combined into one composite effect (correlation r = 0.6" in analysis.notes[0]
