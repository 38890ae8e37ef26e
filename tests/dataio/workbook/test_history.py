"""Rows written by the importer's bulk statements still get their history (issue 9)."""

import pytest
from django.contrib.auth import get_user_model

from appraisal.models import Appraisal, ItemAnswer
from dataio.workbook.service import import_workbook
from reviews.models import IncludedReview, Inclusion, PrimaryStudy, UmbrellaReview
from synthesis.models import OutcomeResult

from .helpers import small_project, write_xlsx

pytestmark = pytest.mark.django_db


def _with_studies(sheets: dict) -> dict:
    sheets["primary_studies"] = [["label", "title"], ["Smith 2010", "A trial"]]
    sheets["inclusions"] = [["review", "study"], ["Chien 2019", "Smith 2010"]]
    return sheets


def test_every_imported_row_has_one_history_record_with_the_reason(tmp_path):
    path = write_xlsx(tmp_path / "peer.xlsx", _with_studies(small_project()))
    result = import_workbook(path, slug="peer")
    assert result.ok, result.problems

    chien = IncludedReview.objects.get(label="Chien 2019")
    (record,) = chien.history.all()
    assert (record.history_type, record.history_change_reason) == ("+", "workbook import peer.xlsx")
    assert record.history_user is None  # from the command line
    assert (record.title, record.doi) == ("Peer support for SMI", "10.1002/14651858.cd010880")
    # The review's many-to-many links are kept with its historical record, as on a save.
    assert sorted(p.population.name for p in record.populations.all()) == ["Adults", "Youth"]

    result_row = OutcomeResult.objects.get(extraction_id="O001")
    (record,) = result_row.history.all()
    assert (record.history_type, record.history_change_reason) == ("+", "workbook import peer.xlsx")
    assert (record.estimate, record.finding, record.version) == (0.3, "improvement", 1)

    # Every other model written in bulk: one record per row, and the project's own save.
    for model in (UmbrellaReview, PrimaryStudy, Inclusion, Appraisal, ItemAnswer):
        rows = model.objects.count()
        assert rows > 0
        reasons = list(model.history.values_list("history_change_reason", flat=True))
        assert reasons == ["workbook import peer.xlsx"] * rows, model


def test_an_update_adds_a_change_record_by_the_importing_user(tmp_path):
    user = get_user_model().objects.create_user("ada", password="x")
    sheets = small_project()
    import_workbook(write_xlsx(tmp_path / "a.xlsx", sheets), slug="peer", user=user, name="a.xlsx")
    sheets["outcome_results"][2][7:10] = [0.3, 0.1, 0.5]
    result = import_workbook(
        write_xlsx(tmp_path / "b.xlsx", sheets), slug="peer", update=True, user=user, name="b.xlsx"
    )
    assert result.counts["outcome_results"].updated == 1

    fuhr = OutcomeResult.objects.get(extraction_id="O002")
    history = list(fuhr.history.order_by("history_id"))
    assert [(h.history_type, h.history_change_reason, h.history_user) for h in history] == [
        ("+", "workbook import a.xlsx", user),
        ("~", "workbook import b.xlsx", user),
    ]
    assert (history[0].estimate, history[1].estimate) == (0.1, 0.3)
    assert history[1].version == 2  # the stored row after the update
    # Unchanged rows get no new record.
    assert OutcomeResult.objects.get(extraction_id="O001").history.count() == 1


def test_a_dry_run_leaves_no_history(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", small_project())
    result = import_workbook(path, slug="p", dry_run=True)
    assert result.ok
    assert IncludedReview.history.count() == 0
    assert OutcomeResult.history.count() == 0
