"""The "Import data" page: upload, background dry run, confirm or cancel, access; exports."""

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dataio.models import ImportJob
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


def upload(client, name: str, content: bytes, kind: str = "workbook", **extra):
    """Post a file to the import page; the response is the redirect to its status page."""
    response = client.post(
        reverse("dataio:import", args=["peer"]),
        {"kind": kind, "upload": SimpleUploadedFile(name, content), **extra},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(), response["Location"]


def _xlsx(tmp_path, sheets) -> bytes:
    return write_xlsx(tmp_path / "p.xlsx", sheets).read_bytes()


def test_upload_runs_the_dry_run_in_the_background_then_confirm_writes(
    researcher, client, tmp_path, run_tasks, upload_folder
):
    job, status_url = upload(client, "p.xlsx", _xlsx(tmp_path, small_project()))
    assert status_url == f"/u/peer/import/{job.pk}/"
    waiting = client.get(status_url)
    assert waiting.context["job"].status == "check_queued"
    assert b"Waiting for the import worker" in waiting.content
    assert b'http-equiv="refresh"' in waiting.content
    assert sorted(p.name for p in upload_folder.iterdir()) == [f"{job.pk}.xlsx"]

    run_tasks()
    # The upload waits for confirmation; the dry run's progress file is gone.
    assert sorted(p.name for p in upload_folder.iterdir()) == [f"{job.pk}.xlsx"]
    checked = client.get(status_url)
    job.refresh_from_db()
    assert job.status == "checked"
    assert job.report["counts"]["included_reviews"]["created"] == 2
    assert job.report["counts"]["appraisal_answers"]["created"] == 16
    assert IncludedReview.objects.count() == 0  # the dry run wrote nothing
    assert b"Dry run of p.xlsx: no problems" in checked.content
    assert b"Confirm and import" in checked.content
    assert b'http-equiv="refresh"' not in checked.content

    confirm = reverse("dataio:import-confirm", args=["peer", job.pk])
    assert client.post(confirm)["Location"] == status_url
    assert b"Waiting to import" in client.get(status_url).content
    run_tasks()
    done = client.get(status_url)
    assert b"Imported p.xlsx" in done.content
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
    # The upload is deleted once imported; a second confirm imports nothing.
    assert list(upload_folder.iterdir()) == []
    again = client.post(confirm, follow=True)
    assert (
        "p.xlsx cannot be imported now (imported). Nothing was written." in again.content.decode()
    )
    run_tasks()
    assert IncludedReview.objects.count() == 2


def test_progress_is_shown_as_rows_of_the_total(researcher, client, tmp_path):
    from dataio.jobs import _Progress

    job = ImportJob.objects.create(
        umbrella=researcher, user=get_user_model().objects.get(), name="big.zip", status="checking"
    )
    progress = _Progress(job, dry_run=True)
    progress("included_reviews", 1000, 0)
    progress("outcome_results", 2000, 0)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Reading the file" in page
    assert "3,000 rows read so far." in page
    progress.on_phase("checking")  # the total is every row read
    progress("included_reviews", 1000, 1000)
    progress("outcome_results", 500, 2000)
    page = client.get(job.get_absolute_url()).content.decode()
    assert '<progress aria-labelledby="report-heading"' in page
    assert 'max="3000" value="1500"' in page
    assert "1,500 of 3,000 rows checked (a dry run: nothing stays written)." in page


def test_a_bad_workbook_shows_its_problems_and_no_confirm_button(
    researcher, client, tmp_path, run_tasks, upload_folder
):
    sheets = small_project()
    sheets["outcome_results"][1][7] = 0.9
    job, status_url = upload(client, "p.xlsx", _xlsx(tmp_path, sheets))
    run_tasks()
    page = client.get(status_url)
    job.refresh_from_db()
    assert job.status == "refused"
    problems = job.report["problems"]
    assert [(p["sheet"], p["row"], p["column"]) for p in problems] == [
        ("outcome_results", 2, "estimate")
    ]
    assert b"p.xlsx: 1 problem, nothing was written" in page.content
    assert b"Confirm and import" not in page.content
    # Nothing left to confirm: the upload is gone, the report stays for download.
    assert [p.name for p in upload_folder.iterdir()] == [f"{job.pk}.problems.csv"]


def test_ten_thousand_problems_list_the_first_200_and_download_all(researcher, client, run_tasks):
    rows = "name,position\n" + "".join(f"Term {i},x\n" for i in range(10_000))
    job, status_url = upload(client, "populations.csv", rows.encode())
    run_tasks()
    page = client.get(status_url).content.decode()
    assert "populations.csv: 10,000 problems, nothing was written" in page
    assert "The first 200 are listed here." in page
    assert page.count("expected a whole number") == 200
    report = reverse("dataio:import-report", args=["peer", job.pk])
    assert f'href="{report}"' in page
    response = client.get(report)
    assert response["Content-Disposition"] == 'attachment; filename="populations-problems.csv"'
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "sheet,row,column,value,reason"
    assert lines[1] == "populations,2,position,x,expected a whole number"
    assert len(lines) == 10_001
    assert lines[-1] == "populations,10001,position,x,expected a whole number"


def test_one_csv_sheet_is_named_by_the_users_file_name(researcher, client, run_tasks):
    job, _status_url = upload(client, "outcome_domains.csv", b"name\nRecovery\nWellbeing\n")
    run_tasks()
    job.refresh_from_db()
    assert job.report["problems"] == []
    assert job.report["counts"]["outcome_domains"]["created"] == 2


def test_messages_name_the_users_file_never_a_server_path(
    researcher, client, tmp_path, run_tasks, upload_folder
):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes/readme.txt", "no sheets here")
    job, status_url = upload(client, "my data.zip", buffer.getvalue())
    run_tasks()
    page = client.get(status_url).content.decode()
    job.refresh_from_db()
    assert job.report["problems"] == [
        {
            "sheet": "",
            "row": None,
            "column": "",
            "value": "my data.zip",
            "reason": "no .csv files in this ZIP",
        }
    ]
    assert str(upload_folder) not in page
    assert str(job.pk) + ".zip" not in page

    sheets = {"Sheet9": [["a"], [1]]}
    ImportJob.objects.all().delete()
    job, status_url = upload(client, "Our project.xlsx", _xlsx(tmp_path, sheets))
    run_tasks()
    job.refresh_from_db()
    ((problem),) = job.report["problems"]
    assert (problem["sheet"], problem["value"]) == ("Sheet9", "Our project.xlsx")
    assert problem["reason"].startswith("unknown sheet (known: project, research_questions")


def test_cancel_deletes_the_upload_and_the_queued_task_does_nothing(
    researcher, client, tmp_path, run_tasks, upload_folder
):
    job, status_url = upload(client, "p.xlsx", _xlsx(tmp_path, small_project()))
    assert b"Cancel and delete the upload" in client.get(status_url).content
    response = client.post(reverse("dataio:import-cancel", args=["peer", job.pk]), follow=True)
    assert response.redirect_chain == [("/u/peer/import/", 302)]
    assert "Cancelled: p.xlsx was deleted; nothing was written." in response.content.decode()
    assert list(upload_folder.iterdir()) == []
    run_tasks()
    job.refresh_from_db()
    assert job.status == "cancelled"
    assert job.report == {}
    assert b"Confirm and import" not in client.get(status_url).content


def test_a_checked_upload_can_be_cancelled_instead_of_confirmed(
    researcher, client, tmp_path, run_tasks, upload_folder
):
    job, _status_url = upload(client, "p.xlsx", _xlsx(tmp_path, small_project()))
    run_tasks()
    client.post(reverse("dataio:import-cancel", args=["peer", job.pk]))
    assert list(upload_folder.iterdir()) == []
    client.post(reverse("dataio:import-confirm", args=["peer", job.pk]))
    run_tasks()
    assert IncludedReview.objects.count() == 0
    assert ImportJob.objects.get().status == "cancelled"


def test_nobody_else_sees_a_job_not_even_another_writer_of_the_project(
    researcher, client, tmp_path, run_tasks
):
    sheets = small_project()
    sheets["outcome_results"][1][7] = 0.9
    job, status_url = upload(client, "p.xlsx", _xlsx(tmp_path, sheets))
    run_tasks()
    colleague = get_user_model().objects.create_user("colleague")
    Membership.objects.create(umbrella=researcher, user=colleague, role="researcher")
    client.force_login(colleague)
    urls = [
        status_url,
        reverse("dataio:import-report", args=["peer", job.pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [404, 404]
    assert client.post(reverse("dataio:import-cancel", args=["peer", job.pk])).status_code == 404
    # The same id under another project the user may write to is not found either.
    other = researcher.__class__.objects.create(slug="other", title="Other")
    Membership.objects.create(umbrella=other, user=colleague, role="owner")
    assert client.get(f"/u/other/import/{job.pk}/").status_code == 404
    assert ImportJob.objects.get().status == "refused"


def test_readers_may_not_import(make_umbrella, client):
    umbrella = make_umbrella(slug="peer")
    user = get_user_model().objects.create_user("reader")
    Membership.objects.create(umbrella=umbrella, user=user, role=Membership.Role.READER)
    client.force_login(user)
    assert client.get(reverse("dataio:import", args=["peer"])).status_code == 403


def test_export_downloads_read_back_and_the_template_has_a_readme(
    researcher, client, tmp_path, run_tasks
):
    job, _ = upload(client, "p.xlsx", _xlsx(tmp_path, small_project()))
    run_tasks()
    client.post(reverse("dataio:import-confirm", args=["peer", job.pk]))
    run_tasks()
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


def test_a_citation_file_is_checked_then_imported_with_its_refused_years_named(
    researcher, client, run_tasks
):
    from reviews.models import PrimaryStudy
    from tests.dataio.test_citations import RIS

    ris = RIS.replace("PY  - 2019", "PY  - 3000").encode()
    job, status_url = upload(client, "studies.ris", ris, kind="studies")
    run_tasks()
    page = client.get(status_url).content.decode()
    assert "Dry run of studies.ris: 1 new, 0 matched, 1 skipped" in page
    assert "skipped: the year 3000 of &#x27;Peer support for people with schizophrenia" in page
    client.post(reverse("dataio:import-confirm", args=["peer", job.pk]))
    run_tasks()
    assert "Imported studies.ris: 1 new" in client.get(status_url).content.decode()
    assert list(PrimaryStudy.objects.values_list("label", flat=True)) == ["Fuhr 2014"]


def test_a_review_already_in_the_project_is_refused_with_a_link_to_it(
    researcher, client, run_tasks, make_review
):
    from tests.dataio.test_citations import RIS

    chien = make_review(researcher, label="Chien 2019", doi="10.1002/14651858.cd010880.pub2")
    _, status_url = upload(client, "reviews.ris", RIS.encode(), kind="reviews")
    run_tasks()
    page = client.get(status_url).content.decode()
    assert "Dry run of reviews.ris: 1 new, 1 matched, 0 skipped" in page
    assert (
        "not imported: the project already has it as "
        f'<a href="{chien.get_absolute_url()}">Chien 2019</a> (same DOI or PMID'
    ) in page
    assert list(IncludedReview.objects.values_list("label", flat=True)) == ["Chien 2019"]


def test_an_unexpected_error_fails_the_job_with_a_plain_message(
    researcher, client, tmp_path, run_tasks, upload_folder
):
    from django_tasks_db.models import DBTaskResult

    from dataio.uploads import upload_path

    job, status_url = upload(client, "p.xlsx", _xlsx(tmp_path, small_project()))
    upload_path(job).unlink()  # the folder lost the file under the worker's feet
    run_tasks()
    job.refresh_from_db()
    assert job.status == "failed"
    page = client.get(status_url).content.decode()
    assert "The import stopped on an unexpected error; nothing was written." in page
    assert str(upload_folder) not in page  # the traceback stays in the task's record
    (task,) = DBTaskResult.objects.all()
    assert (task.status, task.exception_class_path) == ("FAILED", "builtins.FileNotFoundError")


def test_only_a_confirmed_import_retires_the_projects_cached_pages(
    researcher, client, tmp_path, run_tasks, django_capture_on_commit_callbacks
):
    from reviews.project.revisions import current_revision

    def revision() -> int:
        return current_revision(researcher.__class__.objects.get(pk=researcher.pk))

    before = revision()
    job, _ = upload(client, "p.xlsx", _xlsx(tmp_path, small_project()))
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()  # the dry run writes and rolls back: nothing to retire
    assert revision() == before
    client.post(reverse("dataio:import-confirm", args=["peer", job.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    assert revision() == before + 1
