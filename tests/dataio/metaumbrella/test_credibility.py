"""A constructed metaumbrella data set, imported, gets the credibility classes that
metaumbrella's "Ioannidis" criteria give (add.evidence; Fusar-Poli & Radua 2018).

Each factor is built to sit in one class; the simple ones are worked by hand below. The test
also re-applies the criteria as metaumbrella's manual words them to the figures our
re-analysis graded on, so a change of convention on either side shows here.
"""

import math

import pytest
from scipy.stats import norm

from dataio.metaumbrella.service import import_metaumbrella
from synthesis.models import OutcomeResult
from synthesis.study_data import reanalyse

pytestmark = pytest.mark.django_db

HEADER = "meta_review,factor,author,year,measure,value,ci_lo,ci_up,n_cases,n_controls,mean_cases,sd_cases,mean_controls,sd_controls\n"  # noqa: E501


def _means(factor: str, rows: list[tuple[int, float]]) -> str:
    """Studies of n per arm with means `d` SDs apart (SD 1 in both arms)."""
    return "".join(
        f"Constructed 2024,{factor},Study{i},{2000 + i},SMD,,,,{n},{n},{10 + d},1,10,1\n"
        for i, (n, d) in enumerate(rows)
    )


def _estimates(factor: str, value: float, half: float, k: int) -> str:
    return "".join(
        f"Constructed 2024,{factor},Study{i},{2000 + i},SMD,{value},{value - half:.6f},"
        f"{value + half:.6f},,,,,,\n"
        for i in range(k)
    )


HALF = 1.959963984540054 * 0.2  # a 95% CI half-width for SE = 0.2
DATA = (
    HEADER
    # ns: two studies of SMD 0.1 with SE 0.2 → pooled SE 0.2/√2, z = 0.7071, p = 0.4795.
    + _estimates("ns", 0.1, HALF, 2)
    # IV: two studies of SMD 0.5 with SE 0.2 → z = 3.5355, p = 4.07e-4 < 0.05; estimates
    # carry no case counts, so the 1000-case criterion of classes I–III cannot be met.
    + _estimates("IV", 0.5, HALF, 2)
    # III: three studies of 400 per arm, d = 0.15 → 1,200 cases, p between 1e-6 and 1e-3.
    + _means("III", [(400, 0.15)] * 3)
    # II: the same with d = 0.4 → p < 1e-6, the largest study significant; but three equal
    # studies leave Egger's test undefined, so class I is not met.
    + _means("II", [(400, 0.4)] * 3)
    # I: six studies of 150–400 per arm around d = 0.3, their scatter unrelated to size.
    + _means("I", [(150, 0.32), (200, 0.27), (250, 0.33), (300, 0.28), (350, 0.31), (400, 0.29)])
)


def ioannidis(c) -> str:
    """metaumbrella's criteria as its manual words them (add.evidence, "Ioannidis")."""
    cases = c.n_cases is not None and c.n_cases_complete and c.n_cases > 1000
    pi_excludes = c.prediction_interval is not None and not (
        c.prediction_interval[0] <= 0 <= c.prediction_interval[1]
    )
    largest_significant = not (c.largest_ci[0] <= 0 <= c.largest_ci[1])
    if cases and c.p_value < 1e-6:
        if c.i2 < 50 and pi_excludes and (c.egger_p or 0) > 0.05 and (c.esb_p or 0) > 0.05:
            return "I"
        if largest_significant:
            return "II"
    if cases and c.p_value < 1e-3:
        return "III"
    return "IV" if c.p_value < 0.05 else "ns"


def test_constructed_factors_get_the_classes_of_metaumbrellas_criteria(make_umbrella, tmp_path):
    umbrella = make_umbrella()
    (tmp_path / "constructed.csv").write_text(DATA, encoding="utf-8")
    assert import_metaumbrella(tmp_path / "constructed.csv", umbrella=umbrella).ok
    graded = {}
    for result in OutcomeResult.objects.filter(review__umbrella=umbrella):
        rows = [effect.as_row() for effect in result.study_effects.all()]
        graded[result.outcome.name] = reanalyse(rows, result.measure).credibility
    assert {name: c.grade for name, c in graded.items()} == {
        "ns": "ns",
        "IV": "IV",
        "III": "III",
        "II": "II",
        "I": "I",
    }
    assert all(ioannidis(c) == c.grade for c in graded.values())

    # Worked by hand: equal studies pool to their own effect with SE = 0.2 / √2.
    assert graded["ns"].p_value == pytest.approx(2 * norm.sf(0.1 / (0.2 / math.sqrt(2))), rel=1e-5)
    assert graded["ns"].p_value == pytest.approx(0.4795, abs=1e-4)
    assert graded["IV"].p_value == pytest.approx(4.07e-4, rel=1e-2)
    assert graded["IV"].n_cases is None  # estimates only: no case count
    # Cases are the intervention arms' participants of means (docs/methods.md).
    assert graded["III"].n_cases == graded["II"].n_cases == 1200
    assert graded["I"].n_cases == 150 + 200 + 250 + 300 + 350 + 400
    # Hedges' g of d = 0.15 at 798 df, J = 1 - 3 / (4·798 - 1); v = 2/400 + g²/1600.
    g = 0.15 * (1 - 3 / (4 * 798 - 1))
    z = g / math.sqrt((2 / 400 + g**2 / 1600) / 3)
    assert graded["III"].p_value == pytest.approx(2 * norm.sf(z), rel=1e-3)
    assert 1e-6 < graded["III"].p_value < 1e-3
    assert graded["II"].egger_p is None
    assert graded["II"].i2 == pytest.approx(0, abs=1e-9)
    first = graded["I"]
    assert first.i2 < 50
    assert first.egger_p > 0.05
    assert first.esb_p > 0.05
