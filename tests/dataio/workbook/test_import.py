"""The workbook importer: every problem reported, all or nothing, idempotent, counted."""

import json

import pytest
from django.core.management import CommandError, call_command

from appraisal.models import Appraisal, ItemAnswer
from dataio.workbook import write
from dataio.workbook.service import import_workbook
from reviews.models import IncludedReview, UmbrellaReview
from synthesis.models import OutcomeResult

from .helpers import small_project, write_csvs, write_xlsx

pytestmark = pytest.mark.django_db


def _counts():
    return (
        UmbrellaReview.objects.count(),
        IncludedReview.objects.count(),
        OutcomeResult.objects.count(),
        Appraisal.objects.count(),
        ItemAnswer.objects.count(),
    )


def test_a_valid_workbook_imports_with_computed_rating_and_finding(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", small_project())
    result = import_workbook(path, slug="peer")
    assert result.problems == []
    assert result.totals().created == 1 + 2 + 1 + 2 + 1 + 2 + 1 + 16
    umbrella = UmbrellaReview.objects.get(slug="peer")
    assert umbrella.title == "Peer support umbrella"
    chien = IncludedReview.objects.get(label="Chien 2019")
    assert sorted(chien.populations.values_list("name", flat=True)) == ["Adults", "Youth"]
    assert chien.doi == "10.1002/14651858.cd010880"  # normalised as the model does
    assert chien.grade_used is True
    assert IncludedReview.objects.get(label="Fuhr 2014").grade_used is None
    # The derived findings of synthesis.findings: CI above 0 on a higher-is-better outcome.
    findings = dict(OutcomeResult.objects.values_list("extraction_id", "finding"))
    assert findings == {"O001": "improvement", "O002": "no_effect"}
    appraisal = Appraisal.objects.get()
    assert (appraisal.overall, appraisal.status, appraisal.variant) == (
        "high",
        "submitted",
        "standard",
    )


def test_five_different_errors_are_all_reported_and_nothing_is_written(tmp_path):
    sheets = small_project()
    sheets["reports"] = [["review", "title"], ["Nobody 2001", "A lost report"]]  # unknown label
    sheets["outcome_results"][1][7] = 0.9  # estimate 0.9 outside its CI 0.1 to 0.5
    sheets["appraisal_answers"][3][3] = "partial_yes"  # item 3 offers only yes / no
    sheets["included_reviews"][2][4] = "10.1002/14651858.cd010880"  # Chien's DOI again
    sheets["outcome_results"][2][4] = "3"  # k typed as text in a number column
    path = write_xlsx(tmp_path / "bad.xlsx", sheets)

    before = _counts()
    with pytest.raises(CommandError, match="5 problem"):
        call_command("import_workbook", path, "--project", "peer", "--report", tmp_path / "r.json")
    assert _counts() == before

    report = json.loads((tmp_path / "r.json").read_text())
    assert report["written"] is False
    found = {(p["sheet"], p["row"], p["column"]) for p in report["problems"]}
    assert found == {
        ("reports", 2, "review"),
        ("outcome_results", 2, "estimate"),
        ("appraisal_answers", 4, "answer"),
        ("included_reviews", 3, "doi"),
        ("outcome_results", 3, "k"),
    }
    reasons = {p["column"]: p["reason"] for p in report["problems"]}
    assert "no row of 'included_reviews'" in reasons["review"]
    assert "outside its CI" in reasons["estimate"]
    assert "Item 3" in reasons["answer"]
    assert "duplicate DOI" in reasons["doi"]
    assert "number stored as text" in reasons["k"]


def test_problems_are_printed_as_a_table(tmp_path, capsys):
    sheets = small_project()
    sheets["included_reviews"][1][3] = 1850  # before 1900
    path = write_xlsx(tmp_path / "bad.xlsx", sheets)
    with pytest.raises(CommandError):
        call_command("import_workbook", path, "--project", "peer")
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["sheet", "row", "column", "value", "reason"]
    assert "included_reviews  2" in out
    assert "1850" in out


def test_csv_text_in_number_columns_must_parse_exactly(tmp_path):
    sheets = {
        "project": [["title"], ["P"]],
        "reported_frequencies": [
            ["times_included", "n_primary_studies"],
            ["1", "300"],
            ["2", "7 studies"],
            ["3", "1.5"],
        ],
    }
    result = import_workbook(write_csvs(tmp_path / "csv", sheets), slug="p")
    assert [(p.row, p.column, p.value) for p in result.problems] == [
        (3, "n_primary_studies", "7 studies"),
        (4, "n_primary_studies", "1.5"),
    ]


def test_unknown_sheets_and_columns_are_problems_not_silently_dropped(tmp_path):
    sheets = small_project()
    sheets["inclusion"] = [["review", "study"]]
    sheets["populations"][0].append("colour")
    result = import_workbook(write_xlsx(tmp_path / "p.xlsx", sheets), slug="peer")
    assert {(p.sheet, p.column) for p in result.problems} == {
        ("inclusion", ""),
        ("populations", "colour"),
    }


def test_a_failure_half_way_through_the_write_leaves_the_database_unchanged(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "p.xlsx", small_project())
    original = write.insert  # the writer's bulk insert (COPY on PostgreSQL, else bulk_create)

    def fail_after_half(model, rows):
        if model is OutcomeResult:
            original(model, rows[: len(rows) // 2])  # half is written…
            raise ConnectionError("the database went away")  # …then the connection drops
        return original(model, rows)

    monkeypatch.setattr(write, "insert", fail_after_half)
    before = _counts()
    with pytest.raises(ConnectionError):
        import_workbook(path, slug="peer")
    assert _counts() == before


def test_importing_twice_changes_nothing_and_update_counts(tmp_path, capsys):
    sheets = small_project()
    path = write_xlsx(tmp_path / "p.xlsx", sheets)
    call_command("import_workbook", path, "--project", "peer")
    capsys.readouterr()
    call_command("import_workbook", path, "--project", "peer")
    assert "Total: 0 created, 0 updated, 26 unchanged, 0 skipped." in capsys.readouterr().out

    sheets["included_reviews"][2][2] = "Peer-delivered interventions (revised)"
    sheets["outcome_results"][2][7:10] = [0.3, 0.1, 0.5]
    sheets["populations"].append(["Older adults", 3])
    path = write_xlsx(tmp_path / "p2.xlsx", sheets)
    call_command("import_workbook", path, "--project", "peer")
    out = capsys.readouterr().out
    assert "Total: 1 created, 0 updated, 24 unchanged, 2 skipped." in out
    assert IncludedReview.objects.get(label="Fuhr 2014").title == "Peer-delivered interventions"

    call_command("import_workbook", path, "--project", "peer", "--update", "--dry-run")
    assert "Total: 0 created, 2 updated, 25 unchanged, 0 skipped." in capsys.readouterr().out
    assert IncludedReview.objects.get(label="Fuhr 2014").title == "Peer-delivered interventions"

    call_command("import_workbook", path, "--project", "peer", "--update")
    assert "Total: 0 created, 2 updated, 25 unchanged, 0 skipped." in capsys.readouterr().out
    fuhr = OutcomeResult.objects.get(extraction_id="O002")
    assert (fuhr.finding, fuhr.version) == ("improvement", 2)  # re-derived; a new version
    call_command("import_workbook", path, "--project", "peer", "--update")
    assert "Total: 0 created, 0 updated, 27 unchanged, 0 skipped." in capsys.readouterr().out


def test_list_columns_are_updated_as_sets(tmp_path):
    sheets = small_project()
    import_workbook(write_xlsx(tmp_path / "a.xlsx", sheets), slug="peer")
    sheets["included_reviews"][1][5] = "Youth"
    result = import_workbook(write_xlsx(tmp_path / "b.xlsx", sheets), slug="peer", update=True)
    assert result.counts["included_reviews"].updated == 1
    chien = IncludedReview.objects.get(label="Chien 2019")
    assert list(chien.populations.values_list("name", flat=True)) == ["Youth"]


def test_a_new_project_needs_a_project_sheet(tmp_path):
    sheets = small_project()
    del sheets["project"]
    result = import_workbook(write_xlsx(tmp_path / "p.xlsx", sheets), slug="nowhere")
    assert [(p.sheet, p.reason[:20]) for p in result.problems] == [
        ("project", "there is no project ")
    ]


def test_a_submitted_appraisal_with_a_missing_item_is_refused(tmp_path):
    sheets = small_project()
    del sheets["appraisal_answers"][-1]  # item 16 unanswered
    result = import_workbook(write_xlsx(tmp_path / "p.xlsx", sheets), slug="peer")
    assert [(p.sheet, p.row, p.column, p.reason) for p in result.problems] == [
        ("appraisals", 2, "status", "Item 16 needs an answer before submitting.")
    ]
