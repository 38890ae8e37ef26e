"""GRADE's informative statements (Santesso et al. 2020, Table 3) from size × certainty."""

import pytest

from synthesis.wording import STATEMENTS, Certainty, Size, size_of, statement


def test_the_table_has_a_statement_for_every_certainty_and_size():
    assert set(STATEMENTS) == {(c, s) for c in Certainty for s in Size}


@pytest.mark.parametrize(
    ("certainty", "size", "text"),
    [
        ("high", Size.LARGE, "Peer support results in a large improvement in hope."),
        ("high", Size.MODERATE, "Peer support improves hope."),
        ("high", Size.SMALL, "Peer support slightly improves hope."),
        ("high", Size.LITTLE_OR_NONE, "Peer support results in little to no difference in hope."),
        ("moderate", Size.LARGE, "Peer support likely results in a large improvement in hope."),
        ("moderate", Size.MODERATE, "Peer support probably improves hope."),
        ("moderate", Size.SMALL, "Peer support probably improves hope slightly."),
        ("moderate", Size.LITTLE_OR_NONE,
         "Peer support probably results in little to no difference in hope."),
        ("low", Size.LARGE, "Peer support may result in a large improvement in hope."),
        ("low", Size.MODERATE, "Peer support may improve hope."),
        ("low", Size.SMALL, "Peer support may improve hope slightly."),
        ("low", Size.LITTLE_OR_NONE, "Peer support may result in little to no difference in hope."),
        ("very_low", Size.LARGE, "The evidence is very uncertain about the effect of peer support "
         "on hope."),
        ("", Size.MODERATE, "The selected meta-analysis found an improvement in hope with peer "
         "support; the certainty of the evidence was not assessed."),
    ],
)  # fmt: skip
def test_statement_wording(certainty, size, text):
    made = statement(
        certainty=certainty, size=size, harmful=False, intervention="peer support", outcome="Hope"
    )
    assert made.text == text
    assert made.grade_wording == (certainty != "")


def test_a_harm_is_a_worsening():
    made = statement(certainty="low", size=Size.MODERATE, harmful=True, intervention="X",
                     outcome="Quality of life")  # fmt: skip
    assert made.text == "X may worsen quality of life."
    made = statement(certainty="", size=Size.MODERATE, harmful=True, intervention="X",
                     outcome="HbA1c")  # fmt: skip
    assert made.text.startswith("The selected meta-analysis found a worsening in HbA1c with X;")


@pytest.mark.parametrize(
    ("measure", "estimate", "ci", "null", "finding", "size"),
    [
        ("hedges_g", 0.22, (0.01, 0.42), 0.0, "improvement", Size.SMALL),
        ("smd", -0.55, (-0.8, -0.3), 0.0, "improvement", Size.MODERATE),
        ("smd", 0.8, (0.5, 1.1), 0.0, "improvement", Size.LARGE),
        ("hedges_g", 0.01, (-0.32, 0.35), 0.0, "no_effect", Size.LITTLE_OR_NONE),
        ("rr", 0.86, (0.66, 1.13), 1.0, "no_effect", Size.LITTLE_OR_NONE),
        ("rr", 0.5, (0.3, 0.8), 1.0, "improvement", Size.MODERATE),  # unsized: not an SMD
        ("", None, (None, None), None, "improvement", Size.MODERATE),  # a finding, no figures
        ("", None, (None, None), None, "no_effect", Size.LITTLE_OR_NONE),
        ("", None, (None, None), None, "mixed", None),
        ("", None, (None, None), None, "", None),
    ],
)
def test_size_from_the_figures_or_the_finding(measure, estimate, ci, null, finding, size):
    assert size_of(measure=measure, estimate=estimate, ci_low=ci[0], ci_high=ci[1], null=null,
                   finding=finding) == size  # fmt: skip


def test_no_statement_without_a_size():
    assert statement(certainty="high", size=None, harmful=False, intervention="X",
                     outcome="Y") is None  # fmt: skip
