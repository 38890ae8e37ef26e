"""The sheets of the later issues: study effects, CFIR factors, themes, PRISMA, narratives,
AMSTAR 2 and analysis settings — imported with their models' rules, every problem reported."""

import pytest
from django.contrib.auth import get_user_model

from appraisal.models import Appraisal, AppraisalSettings
from dataio.workbook.service import import_workbook
from reviews import models as rm
from synthesis.models import AnalysisSettings, StudyEffect

from .helpers import small_project, write_xlsx

pytestmark = pytest.mark.django_db


def _more(sheets: dict) -> dict:
    sheets["primary_studies"] = [["label", "title"], ["Sledge 2011", "Peer mentors"]]
    sheets["research_questions"] = [["code", "text"], ["RQ1", "Does it work?"]]
    sheets["exclusion_reasons"] = [["name"], ["Wrong design"]]
    sheets["excluded_reviews"] = [["title", "reason"], ["A narrative review", "Wrong design"]]
    sheets["study_effects"] = [
        ["review", "extraction_id", "label", "study", "kind", "mean1", "sd1", "n1",
         "mean2", "sd2", "n2", "estimate", "multiple_es"],
        ["Chien 2019", "O001", "Sledge 2011", "Sledge 2011", "continuous", 5.0, 2.0, 20,
         4.0, 2.5, 22, 0.7, "groups"],  # an estimate on a means row: cleared, as the form does
    ]  # fmt: skip
    sheets["implementation_factors"] = [
        ["code", "domain", "construct", "statement", "valence", "reviews"],
        ["C01", "inner_setting", "Culture", "Peer roles are valued", "facilitator", "Chien 2019"],
    ]
    sheets["perspectives"] = [["name"], ["Service users"], ["Peer workers"]]
    sheets["experience_themes"] = [["name", "position"], ["Connection", 1]]
    sheets["experience_subthemes"] = [
        ["code", "theme", "statement", "valence", "perspectives", "reviews", "contrasting"],
        ["E01", "Connection", "Shared experience builds trust", "positive",
         "Service users; Peer workers", "Chien 2019; Fuhr 2014", True],
    ]  # fmt: skip
    sheets["prisma_flow"] = [
        ["assessed", "excluded", "studies_included", "reports_included", "note"],
        [3, 1, 2, 2, "Figure 1"],
    ]
    sheets["key_finding_narratives"] = [["research_question", "text"], ["RQ1", "It helps."]]
    return sheets


def test_the_later_sheets_import_with_their_links(tmp_path):
    result = import_workbook(write_xlsx(tmp_path / "p.xlsx", _more(small_project())), slug="p")
    assert result.problems == []

    effect = StudyEffect.objects.get()
    assert (effect.outcome_result.extraction_id, effect.study.label) == ("O001", "Sledge 2011")
    assert (effect.mean1, effect.sd2, effect.n2, effect.estimate) == (5.0, 2.5, 22, None)
    assert effect.multiple_es == "groups"
    factor = rm.ImplementationFactor.objects.get()
    assert (factor.code, factor.construct) == ("C01", "Culture")
    assert [r.label for r in factor.reviews.all()] == ["Chien 2019"]
    subtheme = rm.ExperienceSubtheme.objects.get()
    assert (subtheme.theme.name, subtheme.contrasting) == ("Connection", True)
    assert sorted(subtheme.perspectives.values_list("name", flat=True)) == [
        "Peer workers",
        "Service users",
    ]
    assert sorted(subtheme.reviews.values_list("label", flat=True)) == ["Chien 2019", "Fuhr 2014"]
    flow = rm.PrismaFlow.objects.get()
    assert (flow.assessed, flow.excluded, flow.studies_included, flow.databases) == (3, 1, 2, None)
    assert rm.KeyFindingNarrative.objects.get().research_question.code == "RQ1"

    again = import_workbook(write_xlsx(tmp_path / "p.xlsx", _more(small_project())), slug="p")
    assert (again.totals().created, again.totals().skipped) == (0, 0)


def test_problems_of_the_later_sheets_are_all_reported(tmp_path):
    sheets = _more(small_project())
    sheets["study_effects"].append(
        [
            "Chien 2019",
            "O001",
            "Other 2012",
            "",
            "binary",
            None,
            None,
            20,
            None,
            None,
            22,
            None,
            None,
        ]
    )  # a counts row without its events
    sheets["study_effects"].append(
        [
            "Chien 2019",
            "O404",
            "Lost 2013",
            "",
            "estimate",
            None,
            None,
            None,
            None,
            None,
            None,
            1,
            None,
        ]
    )  # no such outcome result, and an estimate without its CI
    sheets["study_effects"].append(
        [
            "Chien 2019",
            "O001",
            "Both 2014",
            "",
            "continuous",
            5.0,
            2.0,
            20,
            4.0,
            2.5,
            22,
            None,
            "both",
        ]
    )  # neither groups nor outcomes
    sheets["implementation_factors"][1][2] = "Innovation Cost"  # a construct of another domain
    sheets["experience_subthemes"][1][4] = "Carers"  # not a perspective
    # 2 reports excluded (3 assessed, 1 included), but one excluded review with its reason.
    sheets["prisma_flow"][1][1:4] = [2, 1, 1]
    sheets["key_finding_narratives"].append(["RQ1", "Twice."])
    result = import_workbook(write_xlsx(tmp_path / "bad.xlsx", sheets), slug="p")

    found = {(p.sheet, p.row, p.column) for p in result.problems}
    assert found == {
        ("study_effects", 3, "events1"),
        ("study_effects", 3, "events2"),
        ("study_effects", 5, "multiple_es"),
        ("study_effects", 4, "extraction_id"),
        ("study_effects", 4, "ci_low"),
        ("implementation_factors", 2, "construct"),
        ("experience_subthemes", 2, "perspectives"),
        ("prisma_flow", 2, ""),
        ("key_finding_narratives", 3, "research_question"),
    }
    reasons = {(p.sheet, p.column): p.reason for p in result.problems}
    assert "Required for this kind of data" in reasons[("study_effects", "events1")]
    assert reasons[("study_effects", "ci_low")] == (
        "Give the 95% CI, the SE, or (for an SMD or g) both arm sizes."
    )
    assert "no row of 'outcome_results'" in reasons[("study_effects", "extraction_id")]
    assert reasons[("study_effects", "multiple_es")] == (
        "not an allowed value; allowed: outcomes, groups"
    )
    assert "Inner setting" in reasons[("implementation_factors", "construct")]
    assert "excluded = sum of the reasons" in reasons[("prisma_flow", "")]
    assert not rm.UmbrellaReview.objects.filter(slug="p").exists()  # nothing written


def test_a_one_row_sheet_refuses_a_second_row(tmp_path):
    sheets = _more(small_project())
    sheets["prisma_flow"].append([3, 1, 2, 2, "again"])
    result = import_workbook(write_xlsx(tmp_path / "p.xlsx", sheets), slug="p")
    assert [(p.sheet, p.row, p.reason) for p in result.problems] == [
        ("prisma_flow", 3, "the prisma_flow sheet has one row")
    ]


def test_the_appraisal_settings_of_the_file_rate_its_appraisals(tmp_path):
    sheets = small_project()
    sheets["included_reviews"][1][1] = "sr_no_meta_analysis"
    sheets["appraisal_settings"] = [["use_adapted_variants"], [False]]
    result = import_workbook(write_xlsx(tmp_path / "p.xlsx", sheets), slug="p")
    assert result.problems == []
    assert AppraisalSettings.objects.get().use_adapted_variants is False
    # Variants switched off: the standard instrument rates the review, whatever its type.
    appraisal = Appraisal.objects.get()
    assert (appraisal.variant, appraisal.overall) == ("standard", "high")


def test_an_appraisal_names_its_rater_by_username(tmp_path):
    rater = get_user_model().objects.create_user("grace")
    sheets = small_project()
    sheets["appraisals"][0].append("rater")
    sheets["appraisals"][1].append("grace")
    sheets["appraisals"].append(["Fuhr 2014", "first", "draft", "nobody"])
    result = import_workbook(write_xlsx(tmp_path / "p.xlsx", sheets), slug="p")
    assert [(p.row, p.column, p.value, p.reason) for p in result.problems] == [
        (3, "rater", "nobody", "no user account has this username")
    ]
    del sheets["appraisals"][-1]
    result = import_workbook(write_xlsx(tmp_path / "p.xlsx", sheets), slug="p")
    assert result.problems == []
    assert Appraisal.objects.get().rater == rater


def test_one_account_as_both_raters_is_reported_not_written(tmp_path):
    get_user_model().objects.create_user("grace")
    sheets = small_project()
    sheets["appraisals"] = [
        ["review", "role", "status", "rater"],
        ["Chien 2019", "first", "draft", "grace"],
        ["Chien 2019", "second", "draft", "grace"],
    ]
    sheets["appraisal_answers"] = [["review", "role", "item", "answer"]]
    result = import_workbook(write_xlsx(tmp_path / "p.xlsx", sheets), slug="p")
    assert [(p.sheet, p.row, p.column, p.value, p.reason) for p in result.problems] == [
        (
            "appraisals",
            3,
            "rater",
            "grace",
            "one person cannot be both raters of a review: also the first rater",
        )
    ]
    assert not Appraisal.objects.exists()


def test_the_analysis_settings_and_a_reversed_study_row_come_in_from_the_file(tmp_path):
    sheets = _more(small_project())
    sheets["analysis_settings"] = [["conventions", "dependent_r"], ["metaumbrella", 0.8]]
    sheets["study_effects"][0].append("reverse")
    sheets["study_effects"][1].append(True)
    result = import_workbook(write_xlsx(tmp_path / "p.xlsx", sheets), slug="p")
    assert result.problems == []
    saved = AnalysisSettings.objects.get()
    assert (saved.conventions, saved.dependent_r) == ("metaumbrella", 0.8)
    assert StudyEffect.objects.get().reverse is True


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["stata", 0.5], "conventions", "not an allowed value; allowed: ours, metaumbrella"),
        (["ours", 1.5], "dependent_r", "less than or equal to 1.0"),
    ],
)
def test_an_analysis_setting_out_of_range_is_refused_by_name(tmp_path, row, column, reason):
    sheets = small_project()
    sheets["analysis_settings"] = [["conventions", "dependent_r"], row]
    result = import_workbook(write_xlsx(tmp_path / "p.xlsx", sheets), slug="p")
    found = [(p.sheet, p.column, p.reason) for p in result.problems]
    assert [(sheet, col) for sheet, col, _ in found] == [("analysis_settings", column)]
    assert reason in found[0][2]
    assert not AnalysisSettings.objects.exists()
