"""The pure re-analysis of study-level rows (synthesis.study_data) and its forest plot."""

import math

import pytest

from synthesis.study_data import StudyRow, reanalyse, row_problems
from synthesis.study_plots import study_forest_plot

# BCG vaccine trials (Colditz et al. 1994), metafor's dat.bcg: tpos, tneg+tpos, cpos, cneg+cpos.
BCG = [
    (4, 123, 11, 139), (6, 306, 29, 303), (3, 231, 11, 220), (62, 13598, 248, 12867),
    (33, 5069, 47, 5808), (180, 1541, 372, 1451), (8, 2545, 10, 629),
    (505, 88391, 499, 88391), (29, 7499, 45, 7277), (17, 1716, 65, 1665),
    (186, 50634, 141, 27338), (5, 2498, 3, 2341), (27, 16913, 29, 17854),
]  # fmt: skip


def bcg_rows():
    return [
        StudyRow(f"Trial {i + 1}", "binary", events1=a, n1=b, events2=c, n2=d)
        for i, (a, b, c, d) in enumerate(BCG)
    ]


def test_bcg_reml_matches_metafor_through_the_app_rows():
    # metafor docs rma.uni.html: REML log RR -0.7145 (SE 0.1798), tau2 0.3132; RR 0.4894.
    analysis = reanalyse(bcg_rows(), "rr", "REML")
    assert analysis.pooled.estimate == pytest.approx(-0.7145, abs=5e-5)
    assert analysis.pooled.se == pytest.approx(0.1798, abs=5e-5)
    assert analysis.pooled.tau2 == pytest.approx(0.3132, abs=5e-5)
    assert analysis.shown(analysis.pooled.estimate) == pytest.approx(0.4894, abs=5e-5)
    assert sum(s.weight_percent for s in analysis.studies) == pytest.approx(100.0)
    assert analysis.egger is not None
    assert analysis.egger_note == ""


def test_bcg_mantel_haenszel_matches_metafor_and_weights_use_raw_counts():
    # metafor docs rma.mh.html: MH log RR -0.4537 (SE 0.0393).
    analysis = reanalyse(bcg_rows(), "rr", "MH")
    assert analysis.method == "MH"
    assert analysis.pooled.estimate == pytest.approx(-0.4537, abs=5e-5)
    assert analysis.pooled.se == pytest.approx(0.0393, abs=5e-5)
    # RR weight c*n1/N of trial 8 (the largest): 499*88391/176782 = 249.5 of a total.
    total = sum(c * b / (b + d) for _, b, c, d in BCG)
    assert analysis.studies[7].weight_percent == pytest.approx(100 * 249.5 / total)


def test_bcg_credibility_is_class_three():
    # 2575 cases (events in both arms), REML p = 7.05e-5 < 1e-3 but not < 1e-6.
    cred = reanalyse(bcg_rows(), "rr").credibility
    assert cred.n_cases == 2575
    assert cred.p_value == pytest.approx(7.054e-5, rel=1e-3)
    assert cred.grade == "III"


def test_credibility_is_graded_on_reml_whatever_method_is_shown():
    assert reanalyse(bcg_rows(), "rr", "FE").credibility.grade == "III"


def test_mantel_haenszel_without_counts_for_every_study_falls_back_to_reml_and_says_so():
    rows = [*bcg_rows()[:3], StudyRow("CI only", "estimate", estimate=0.5, ci_low=0.3, ci_high=0.9)]
    analysis = reanalyse(rows, "rr", "MH")
    assert analysis.method == "REML"
    assert analysis.requested_method == "MH"
    assert "Mantel–Haenszel needs counts" in analysis.notes[0]


def test_double_zero_study_is_left_out_and_listed():
    rows = [*bcg_rows()[:3], StudyRow("Empty", "binary", events1=0, n1=20, events2=0, n2=20)]
    analysis = reanalyse(rows, "or", "REML")
    assert analysis.k == 3
    assert analysis.studies[3].weight_percent is None
    assert "left out" in analysis.notes[0]


def test_estimate_rows_are_pooled_on_the_log_scale_for_ratios():
    # One study: the pooled result is the study itself; SE from the CI width on the log scale.
    rows = [StudyRow("A", "estimate", estimate=0.86, ci_low=0.66, ci_high=1.13)]
    analysis = reanalyse(rows, "rr", "REML")
    se = (math.log(1.13) - math.log(0.66)) / (2 * 1.959963984540054)
    assert analysis.pooled.estimate == pytest.approx(math.log(0.86))
    assert analysis.pooled.se == pytest.approx(se)
    assert analysis.egger is None
    assert analysis.egger_note.startswith("not computed (k = 1")


def test_continuous_rows_use_hedges_g_for_smd_and_the_raw_difference_for_md():
    row = StudyRow("A", "continuous", mean1=10, sd1=2, n1=20, mean2=9, sd2=2, n2=20)
    g = reanalyse([row], "hedges_g").studies[0]
    md = reanalyse([row], "md").studies[0]
    j = 1 - 3 / (4 * 38 - 1)  # close to the exact correction for m = 38
    assert g.yi == pytest.approx(0.5 * j, abs=1e-4)
    assert md.yi == pytest.approx(1.0)
    assert md.vi == pytest.approx(4 / 20 + 4 / 20)


def test_egger_below_ten_studies_is_shown_with_a_caution():
    analysis = reanalyse(bcg_rows()[:5], "rr")
    assert analysis.egger is not None
    assert analysis.egger_note.startswith("Caution: k = 5 < 10")


@pytest.mark.parametrize(
    ("row", "measure", "expected"),
    [
        (StudyRow("A", "binary", events1=5, n1=4, events2=1, n2=4), None,
         [("events1", "Events must lie between 0 and n = 4.")]),
        (StudyRow("A", "binary", events1=0, n1=0, events2=1, n2=4), None,
         [("n1", "An arm has at least 1 participant.")]),
        (StudyRow("A", "binary", events1=1, n1=4, n2=4), None,
         [("events2", "Required for this kind of data.")]),
        (StudyRow("A", "continuous", mean1=1, sd1=-1, n1=10, mean2=1, sd2=1, n2=0), None,
         [("sd1", "An SD cannot be negative."), ("n2", "An arm has at least 1 participant.")]),
        (StudyRow("A", "continuous", mean1=1, sd1=1, n1=2.5, mean2=1, sd2=1, n2=3), None,
         [("n1", "A number of participants is a whole number.")]),
        (StudyRow("A", "binary", events1=1.5, n1=4, events2=1, n2=4), None,
         [("events1", "A number of events is a whole number.")]),
        (StudyRow("A", "binary", events1=True, n1=4, events2=1, n2=4), None,
         [("events1", "Must be a finite number.")]),
        # metafor escalc computes these; they are no estimate (docs/methods.md)
        (StudyRow("A", "continuous", mean1=1, sd1=0, n1=1, mean2=2, sd2=0, n2=1), "md",
         [("sd1", "Both SDs are 0: the mean difference would have no variance.")]),
        (StudyRow("A", "continuous", mean1=1, sd1=0, n1=1, mean2=2, sd2=1, n2=2), "smd",
         [("n1", "A standardised mean difference needs at least 4 participants in all "
                 "(Hedges' correction uses n1 + n2 − 2 ≥ 2 degrees of freedom).")]),
        (StudyRow("A", "continuous", mean1=1, sd1=0, n1=1, mean2=2, sd2=0, n2=5), "smd",
         [("sd1", "No spread in either arm: the pooled SD is 0.")]),
        # accepted, as metafor: one arm of one participant, an SD of 0 in one arm
        (StudyRow("A", "continuous", mean1=1, sd1=0, n1=1, mean2=2, sd2=1, n2=5), "smd", []),
        (StudyRow("A", "estimate", estimate=0.5, ci_low=0, ci_high=2), "rr", []),
        (StudyRow("A", "estimate", estimate=2, ci_low=0.5, ci_high=1.5), None,
         [("estimate", "The estimate must lie inside its CI.")]),
        (StudyRow("A", "estimate", estimate=1, ci_low=1, ci_high=1), None,
         [("ci_low", "The lower CI limit must be below the upper.")]),
        (StudyRow("A", "estimate", estimate=0, ci_low=-1, ci_high=1), "rr",
         [("ci_low", "A ratio (RR) must be positive.")]),
        (StudyRow("A", "binary", events1=1, n1=4, events2=1, n2=4), "hedges_g",
         [("kind", "This outcome result's measure (HEDGES_G) cannot use this kind of data.")]),
        (StudyRow("A", "estimate", estimate=1, ci_low=0.5, ci_high=2), "other",
         [("kind", "The outcome result has no effect measure that can be re-analysed.")]),
        (StudyRow("A", "sideways"), None,
         [("kind", "Choose the kind of data: counts, means or an estimate with its CI.")]),
    ],
)  # fmt: skip
def test_row_problems_name_the_field(row, measure, expected):
    assert row_problems(row, measure) == expected


def test_reanalyse_refuses_an_invalid_row_naming_it():
    rows = [StudyRow("Bad 2001", "binary", events1=9, n1=4, events2=1, n2=4)]
    with pytest.raises(ValueError, match="Bad 2001: events1"):
        reanalyse(rows, "rr")


def test_forest_plot_has_weighted_squares_diamond_prediction_line_and_log_axis():
    analysis = reanalyse(bcg_rows()[:4], "rr")
    fig = study_forest_plot(analysis, measure_label="RR")
    studies, diamond, prediction = fig.data
    assert list(studies.y) == ["Trial 1", "Trial 2", "Trial 3", "Trial 4"]
    assert studies.x[0] == pytest.approx(math.exp(analysis.studies[0].yi))
    sizes = list(studies.marker.size)
    assert sizes.index(max(sizes)) == 3  # Trial 4 carries the most weight
    assert diamond.fill == "toself"
    assert diamond.x[1] == pytest.approx(math.exp(analysis.pooled.estimate))
    assert diamond.x[0] == pytest.approx(math.exp(analysis.pooled.ci_low))
    assert diamond.x[2] == pytest.approx(math.exp(analysis.pooled.ci_high))
    low, high = analysis.pooled.prediction_interval
    assert list(prediction.x) == [pytest.approx(math.exp(low)), pytest.approx(math.exp(high))]
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.shapes[0].x0 == 1  # the null line


def test_forest_plot_of_differences_is_linear_with_null_zero_and_no_pi_for_two_studies():
    rows = [
        StudyRow("A", "estimate", estimate=0.2, ci_low=0.0, ci_high=0.4),
        StudyRow("B", "estimate", estimate=0.4, ci_low=0.1, ci_high=0.7),
    ]
    fig = study_forest_plot(reanalyse(rows, "hedges_g"), measure_label="Hedges' g")
    assert len(fig.data) == 2  # studies and diamond; no prediction interval for k < 3
    assert fig.layout.xaxis.type == "linear"
    assert fig.layout.shapes[0].x0 == 0


def test_mantel_haenszel_keeps_an_all_event_study_in_the_estimate_as_metafor():
    # metafor 3.8-1 rma.mh(measure="RR"): log RR 0.2877 (SE 0.183), issue #22.
    rows = [
        StudyRow("A", "binary", events1=10, n1=20, events2=5, n2=20),
        StudyRow("All events", "binary", events1=10, n1=10, events2=10, n2=10),
    ]
    analysis = reanalyse(rows, "rr", "MH")
    assert analysis.pooled.estimate == pytest.approx(math.log(4 / 3))
    assert analysis.k == 2
    assert analysis.studies[1].weight_percent is None  # RR weight c n1/N: 5 of 2.5 + 5
    assert (
        "in the MH estimate (weight 66.7%), not in Q: double zero"
        in analysis.studies[1].excluded_reason
    )
    assert "left out of Q" in analysis.notes[0]
