"""The upload folder: where uploads wait, their expiry, the quota, and the request-size cap."""

import os
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dataio.models import ImportJob
from dataio.uploads import progress_path, report_path, upload_path
from reviews.models import Membership

pytestmark = pytest.mark.django_db
DAY = 24 * 3600


@pytest.fixture
def writer(make_umbrella, client):
    umbrella = make_umbrella(slug="peer")
    user = get_user_model().objects.create_user("res")
    Membership.objects.create(umbrella=umbrella, user=user, role=Membership.Role.RESEARCHER)
    client.force_login(user)
    return umbrella, user


def _post(client, content: bytes, name="populations.csv"):
    return client.post(
        reverse("dataio:import", args=["peer"]),
        {"kind": "workbook", "upload": SimpleUploadedFile(name, content)},
    )


def _age(job: ImportJob, seconds: int) -> None:
    """Make a job and its files look `seconds` old."""
    then = timezone.now() - timedelta(seconds=seconds)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=then)
    for path in (upload_path(job), progress_path(job), report_path(job)):
        if path.exists():
            os.utime(path, (then.timestamp(), then.timestamp()))


def test_uploads_wait_in_the_project_folder_not_the_machines_temp_folder(
    writer, client, upload_folder, settings
):
    assert _post(client, b"name\nAdults\n").status_code == 302
    job = ImportJob.objects.get()
    assert upload_path(job) == upload_folder / f"{job.pk}.csv"
    assert upload_path(job).read_bytes() == b"name\nAdults\n"
    assert oct(upload_folder.stat().st_mode & 0o777) == "0o700"


def test_expire_imports_deletes_old_uploads_and_marks_their_jobs(writer, client, upload_folder):
    _post(client, b"name\nAdults\n")
    _post(client, b"name\nYouth\n")
    old, new = ImportJob.objects.order_by("created_at")
    _age(old, DAY + 60)
    stray = upload_folder / "left-over.xlsx"  # a file no job knows, from an old version
    stray.write_bytes(b"x")
    os.utime(stray, (time.time() - 2 * DAY, time.time() - 2 * DAY))
    out = StringIO()
    call_command("expire_imports", stdout=out)
    assert out.getvalue() == "1 import job(s) expired, 2 file(s) deleted.\n"
    assert sorted(p.name for p in upload_folder.iterdir()) == [f"{new.pk}.csv"]
    old.refresh_from_db()
    assert (old.status, new.status) == ("expired", "check_queued")
    page = client.get(old.get_absolute_url()).content.decode()
    assert "This upload has expired" in page
    assert "Confirm and import" not in page


def test_each_upload_sweeps_expired_uploads_first(writer, client, upload_folder):
    _post(client, b"name\nAdults\n")
    first = ImportJob.objects.get()
    _age(first, DAY + 60)
    _post(client, b"name\nYouth\n")
    first.refresh_from_db()
    assert first.status == "expired"
    assert not upload_path(first).exists()


def test_the_folder_has_a_quota(writer, client, upload_folder, settings):
    settings.IMPORT_UPLOAD_QUOTA_BYTES = 30
    assert _post(client, b"name\nAdults\nYouth\n").status_code == 302  # 18 bytes
    response = _post(client, b"name\nCarers\nStaff\n")  # 18 more: 36 > 30
    assert response.status_code == 400
    assert response.context["form"].errors["upload"] == [
        "The upload was not kept: the server's import folder is full (18 bytes of 30 bytes "
        "held by imports waiting for confirmation; setting IMPORT_UPLOAD_QUOTA_BYTES). Confirm "
        "or cancel your pending imports, or try again later."
    ]
    assert ImportJob.objects.count() == 1
    assert len(list(upload_folder.iterdir())) == 1


def test_a_file_over_the_upload_limit_is_refused_by_the_form(writer, client, settings):
    settings.UPLOAD_MAX_BYTES = 2048
    response = _post(client, b"name\n" + b"A" * 2100)
    assert response.context["form"].errors["upload"] == [
        "The file is 2.1 KiB; at most 2.0 KiB may be uploaded (setting UPLOAD_MAX_BYTES)."
    ]
    assert ImportJob.objects.count() == 0


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(writer, client, settings):
    settings.UPLOAD_MAX_BYTES = 2048
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = _post(client, b"name\n" + b"A" * 4000)
    assert response.status_code == 413
    assert response.content.decode().startswith(
        "The upload is too large (4.1 KiB): a file may be at most 2.0 KiB (setting "
        "UPLOAD_MAX_BYTES). Nothing was read or kept."
    )
    assert ImportJob.objects.count() == 0
