"""The "Import data" page: dry run, confirm, access; the export and template downloads."""

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dataio.workbook.read import read_workbook
from reviews.models import IncludedReview, Membership
from tests.dataio.workbook.helpers import small_project, write_xlsx

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def researcher(make_umbrella, client):
    umbrella = make_umbrella(slug="peer", is_published=False)
    user = get_user_model().objects.create_user("res")
    Membership.objects.create(umbrella=umbrella, user=user, role=Membership.Role.OWNER)
    client.force_login(user)
    return umbrella


def _upload(client, tmp_path, sheets, **extra):
    path = write_xlsx(tmp_path / "p.xlsx", sheets)
    upload = SimpleUploadedFile("p.xlsx", path.read_bytes(), content_type=XLSX)
    return client.post(
        reverse("dataio:import", args=["peer"]), {"kind": "workbook", "upload": upload, **extra}
    )


def test_upload_shows_the_dry_run_then_confirm_writes(researcher, client, tmp_path):
    response = _upload(client, tmp_path, small_project())
    counts = response.context["workbook"].counts
    assert counts["included_reviews"].created == 2
    assert IncludedReview.objects.count() == 0  # the dry run wrote nothing
    token = response.context["pending"]["token"]
    assert b"Confirm and import" in response.content

    response = client.post(
        reverse("dataio:import", args=["peer"]), {"confirm": "1", "token": token}
    )
    assert response.context["done"] is True
    assert sorted(IncludedReview.objects.values_list("label", flat=True)) == [
        "Chien 2019",
        "Fuhr 2014",
    ]
    # The history of the bulk-written rows names the user who confirmed and the file.
    (record,) = IncludedReview.objects.get(label="Chien 2019").history.all()
    assert (record.history_user.username, record.history_change_reason) == (
        "res",
        "workbook import p.xlsx",
    )
    # The token is single use.
    again = client.post(reverse("dataio:import", args=["peer"]), {"confirm": "1", "token": token})
    assert again.status_code == 400


def test_a_bad_workbook_shows_its_problems_and_no_confirm_button(researcher, client, tmp_path):
    sheets = small_project()
    sheets["outcome_results"][1][7] = 0.9
    response = _upload(client, tmp_path, sheets)
    problems = response.context["workbook"].problems
    assert [(p.sheet, p.row, p.column) for p in problems] == [("outcome_results", 2, "estimate")]
    assert b"Confirm and import" not in response.content


def test_readers_may_not_import(make_umbrella, client):
    umbrella = make_umbrella(slug="peer")
    user = get_user_model().objects.create_user("reader")
    Membership.objects.create(umbrella=umbrella, user=user, role=Membership.Role.READER)
    client.force_login(user)
    assert client.get(reverse("dataio:import", args=["peer"])).status_code == 403


def test_export_downloads_read_back_and_the_template_has_a_readme(researcher, client, tmp_path):
    _upload(client, tmp_path, small_project())
    token = client.session["pending_import"]["token"]
    client.post(reverse("dataio:import", args=["peer"]), {"confirm": "1", "token": token})
    response = client.get(reverse("dataio:export", args=["peer", "xlsx"]))
    (tmp_path / "e.xlsx").write_bytes(response.content)
    tables, problems = read_workbook(tmp_path / "e.xlsx")
    assert problems == []
    assert [r.values["label"] for r in tables["included_reviews"].rows] == [
        "Chien 2019",
        "Fuhr 2014",
    ]
    zipped = client.get(reverse("dataio:export", args=["peer", "zip"]))
    assert zipped["Content-Type"] == "application/zip"

    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("dataio:template")).content))
    assert book.sheetnames[0] == "README"
    readme = list(book["README"].iter_rows(values_only=True))
    estimate = next(r for r in readme if r[:2] == ("outcome_results", "estimate"))
    assert estimate[2:4] == ("number", "no")
    review_type = next(r for r in readme if r[:2] == ("included_reviews", "review_type"))
    assert "sr_meta_analysis" in review_type[5]
