"""The one job-state rule (`reviews.jobs.move`): a conditional update that the database decides,
shown here on an import job; the cancel races of both job kinds are in tests/dataio and
tests/releases."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Value
from django.db.models.functions import Concat

from dataio.models import ImportJob
from reviews.jobs import move

pytestmark = pytest.mark.django_db
Status = ImportJob.Status


@pytest.fixture
def job(make_umbrella) -> ImportJob:
    user = get_user_model().objects.create_user("uploader")
    return ImportJob.objects.create(
        umbrella=make_umbrella(), user=user, kind="workbook", name="studies.xlsx"
    )


def test_a_move_from_an_expected_state_writes_the_row_and_the_job_in_hand(job):
    assert move(job, (Status.CHECK_QUEUED, Status.CHECKED), Status.CHECKING, report={"rows": 3})
    assert (job.status, job.report) == (Status.CHECKING, {"rows": 3})
    saved = ImportJob.objects.get(pk=job.pk)
    assert (saved.status, saved.report) == (Status.CHECKING, {"rows": 3})


def test_a_move_from_any_other_state_writes_nothing_and_says_so(job):
    assert not move(job, (Status.CHECKED,), Status.IMPORT_QUEUED, report={"rows": 3})
    assert (job.status, job.report) == (Status.CHECK_QUEUED, {})
    saved = ImportJob.objects.get(pk=job.pk)
    assert (saved.status, saved.report) == (Status.CHECK_QUEUED, {})


def test_of_two_copies_of_one_job_only_the_first_to_move_wins(job):
    # The owner's cancel and the worker each hold their own copy, read while it was queued.
    worker = ImportJob.objects.get(pk=job.pk)
    assert move(job, (Status.CHECK_QUEUED,), Status.CANCELLED)
    assert not move(worker, (Status.CHECK_QUEUED,), Status.CHECKING)
    assert worker.status == Status.CHECK_QUEUED  # the loser's copy is left as it was read
    assert ImportJob.objects.get(pk=job.pk).status == Status.CANCELLED


def test_a_value_the_database_computes_is_read_back_onto_the_job(job):
    assert move(job, (Status.CHECK_QUEUED,), Status.CHECKING, name=Concat("name", Value(".bak")))
    assert (job.status, job.name) == (Status.CHECKING, "studies.xlsx.bak")
