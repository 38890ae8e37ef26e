"""Each kind of upload's status page and problem report name the parts of its file as the
importer declares them (dataio.importers): sheets of a workbook, the file itself for the
metaumbrella and ccaR tables, records of a citation file."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dataio.importers import IMPORTERS
from dataio.models import ImportJob
from reviews.models import IncludedReview, Membership
from tests.dataio.metaumbrella.test_import import GOOD, HEADER

pytestmark = pytest.mark.django_db

RIS = "TY  - JOUR\nTI  - Peer support for depression\nPY  - 2019\nER  - \n"


@pytest.fixture
def owner(make_umbrella, client):
    umbrella = make_umbrella(slug="peer", is_published=False)
    user = get_user_model().objects.create_user("owner")
    Membership.objects.create(umbrella=umbrella, user=user, role=Membership.Role.OWNER)
    IncludedReview.objects.create(umbrella=umbrella, label="Chien 2019", title="Peer support")
    client.force_login(user)
    return umbrella


def checked(client, run_tasks, kind: str, name: str, text: str) -> tuple[ImportJob, str]:
    """The upload's dry run, and its status page."""
    client.post(
        reverse("dataio:import", args=["peer"]),
        {"kind": kind, "upload": SimpleUploadedFile(name, text.encode())},
    )
    run_tasks()
    job = ImportJob.objects.get(kind=kind)
    return job, client.get(job.get_absolute_url()).content.decode()


def report_rows(client, job) -> list[list[str]]:
    response = client.get(reverse("dataio:import-report", args=["peer", job.pk]))
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_every_kind_of_upload_declares_its_words():
    assert {kind: (i.part, i.written) for kind, i in IMPORTERS.items()} == {
        "workbook": ("Sheet", "Sheet"),
        "reviews": ("Record", "Record"),
        "studies": ("Record", "Record"),
        "metaumbrella": ("File", "Table"),
        "ccar_matrix": ("File", "Table"),
    }


def test_a_workbook_problem_is_named_by_its_sheet(owner, client, run_tasks):
    text = "label,review_type,title,year\nSmith 2020,sr_meta_analysis,A review,twenty\n"
    job, page = checked(client, run_tasks, "workbook", "included_reviews.csv", text)
    assert job.status == "refused"
    assert "Problems to fix in the file, by sheet, row and column</caption>" in page
    assert '<thead><tr><th scope="col">Sheet</th><th scope="col">Row</th>' in page
    header, *rows = report_rows(client, job)
    assert header == ["sheet", "row", "column", "value", "reason"]
    assert rows[0][:4] == ["included_reviews", "2", "year", "twenty"]


def test_a_metaumbrella_problem_is_named_by_its_file(owner, client, run_tasks):
    text = HEADER + "Chien 2019,Recovery,Sledge,2011,SMD,,,,40,38,,,,,12.5,3.1,x,3.4,low,3\n"
    job, page = checked(client, run_tasks, "metaumbrella", "studies.csv", text)
    assert job.status == "refused"
    assert "Problems to fix in the file, by row and column</caption>" in page
    assert '<thead><tr><th scope="col">File</th><th scope="col">Row</th>' in page
    assert '<th scope="col">Sheet</th>' not in page
    header, *rows = report_rows(client, job)
    assert header == ["file", "row", "column", "value", "reason"]
    assert rows[0][:4] == ["studies.csv", "2", "mean_controls", "x"]


def test_a_metaumbrella_dry_run_counts_the_tables_it_writes(owner, client, run_tasks):
    IncludedReview.objects.all().delete()  # the file's review, new with its AMSTAR 2 rating
    job, page = checked(client, run_tasks, "metaumbrella", "studies.csv", GOOD)
    assert job.status == "checked", job.report
    assert "What the import will do, by table (nothing written yet)</caption>" in page
    assert '<thead><tr><th scope="col">Table</th><th scope="col" class="num">Created' in page
    assert '<th scope="row">study_effects</th><td class="num">3</td>' in page


def test_a_matrix_problem_is_named_by_its_file(owner, client, run_tasks):
    text = "study,Chien 2019\nTrial A,2\n"
    job, page = checked(client, run_tasks, "ccar_matrix", "matrix.csv", text)
    assert job.status == "refused"
    assert '<thead><tr><th scope="col">File</th><th scope="col">Row</th>' in page
    header, *rows = report_rows(client, job)
    assert header == ["file", "row", "column", "value", "reason"]
    assert rows[0][:4] == ["matrix.csv", "2", "Chien 2019", "2"]


def test_a_citation_file_is_listed_record_by_record(owner, client, run_tasks):
    job, page = checked(client, run_tasks, "reviews", "reviews.ris", RIS)
    assert job.status == "checked"
    assert '<thead><tr><th scope="col">Record</th><th scope="col">Outcome</th>' in page
    assert "Sheet" not in page
