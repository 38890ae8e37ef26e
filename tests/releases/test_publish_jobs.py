"""Publishing off the web request: the queued publish job, its status page, one publish at a
time per project, and a task that publishes at most once however often it runs."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult

from releases import jobs
from releases.models import PublishJob, Release
from reviews.models import Membership, UmbrellaReview

pytestmark = pytest.mark.django_db
Status = PublishJob.Status


def url(name: str, **kwargs) -> str:
    return reverse(f"releases:{name}", kwargs={"slug": "living", **kwargs})


def _status_text(client, job: PublishJob) -> str:
    return client.get(url("publish-status", job=job.pk)).content.decode()


def test_the_page_queues_the_publish_and_its_status_page_follows_it(
    client, small_project, run_tasks
):
    client.force_login(small_project.owner)
    response = client.post(url("release-add"), {"number": 1, "notes": "The first version."})
    job = PublishJob.objects.get()
    assert response["Location"] == url("publish-status", job=job.pk)
    # Nothing is published by the request itself: the job waits for the worker.
    assert (job.status, job.number, job.notes, job.user) == (
        Status.QUEUED, 1, "The first version.", small_project.owner,
    )  # fmt: skip
    assert not Release.objects.exists()
    assert DBTaskResult.objects.get().args_kwargs == {"args": [str(job.pk)], "kwargs": {}}
    waiting = _status_text(client, job)
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert "Waiting for the publishing worker" in waiting
    assert "Status: Waiting for the publishing worker." in waiting
    # The form links to it meanwhile.
    form = client.get(url("release-add"))
    assert form.context["pending"] == job
    assert "Release 1 is being published (asked for by owner at " in form.content.decode()

    run_tasks()
    job.refresh_from_db()
    release = Release.objects.get()
    assert (job.status, job.release, job.reasons) == (Status.DONE, release, [])
    assert job.started_at <= job.finished_at
    assert (release.number, release.notes, release.published_by) == (
        1, "The first version.", small_project.owner,
    )  # fmt: skip
    done = _status_text(client, job)
    assert "http-equiv" not in done
    assert "Release 1 is published" in done
    assert "Status: Published." in done
    assert f'<a href="{url("release-detail", number=1)}">Read release 1</a>' in done
    assert client.get(url("release-add")).context["pending"] is None


def test_a_second_publish_while_one_is_pending_is_refused_and_shown_the_running_one(
    client, small_project
):
    client.force_login(small_project.owner)
    client.post(url("release-add"), {"number": 1, "notes": "First."})
    first = PublishJob.objects.get()
    other = get_user_model().objects.create_user("co-owner")
    Membership.objects.create(umbrella=small_project.umbrella, user=other, role="owner")
    client.force_login(other)
    for status in (Status.QUEUED, Status.RUNNING):
        PublishJob.objects.filter(pk=first.pk).update(status=status)
        response = client.post(url("release-add"), {"number": 1, "notes": "Mine."}, follow=True)
        assert response.redirect_chain == [(url("publish-status", job=first.pk), 302)]
        (message,) = [str(m) for m in response.context["messages"]]
        assert message.startswith("Release 1 is already being published (asked for by owner at ")
        assert message.endswith("); nothing more was queued. This page follows it.")
        assert response.context["job"] == first
    # One job, one queued task; the co-owner reads the running job's page.
    assert list(PublishJob.objects.values_list("pk", flat=True)) == [first.pk]
    assert DBTaskResult.objects.count() == 1
    assert "Publishing: exporting, freezing the copy" in _status_text(client, first)


def test_a_publish_that_crashes_fails_clearly_and_writes_nothing(
    client, small_project, run_tasks, monkeypatch
):
    def crash(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "publish_release", crash)
    client.force_login(small_project.owner)
    client.post(url("release-add"), {"number": 1, "notes": "Kept notes."})
    run_tasks()
    job = PublishJob.objects.get()
    assert (job.status, job.reasons, job.release) == (Status.FAILED, [jobs.CRASHED], None)
    assert DBTaskResult.objects.get().status == "FAILED"  # its traceback, for the administrator
    assert not Release.objects.exists()
    assert list(UmbrellaReview.objects.values_list("slug", flat=True)) == ["living"]
    text = _status_text(client, job)
    assert "Status: Failed: nothing was released." in text
    assert escape(jobs.CRASHED) in text
    # Publishing again starts from the notes asked for.
    again = f"{url('release-add')}?notes_of={job.pk}"
    assert f'href="{again}"' in text.replace("&amp;", "&")
    assert client.get(again).context["form"].initial["notes"] == "Kept notes."
    assert client.get(f"{url('release-add')}?notes_of=nonsense").status_code == 200


def test_the_task_publishes_at_most_once_however_often_it_runs(small_project):
    job = PublishJob.objects.create(
        umbrella=small_project.umbrella, user=small_project.owner, number=1, notes=""
    )
    # A worker that died mid-run left it running; the retry publishes it ...
    PublishJob.objects.filter(pk=job.pk).update(status=Status.RUNNING)
    assert jobs.run(str(job.pk)) == Status.DONE
    # ... and a further run finds it done and writes nothing.
    assert jobs.run(str(job.pk)) == Status.DONE
    assert list(Release.objects.values_list("number", "notes")) == [(1, "First release.")]
    assert UmbrellaReview.objects.filter(frozen_from=small_project.umbrella).count() == 1
    assert jobs.run("00000000-0000-0000-0000-000000000000") == "gone"


def test_the_number_is_checked_again_when_the_job_runs(small_project):
    stale = PublishJob.objects.create(
        umbrella=small_project.umbrella, user=small_project.owner, number=1, notes="Late."
    )
    small_project.release(notes="Published first, by a command.")
    assert jobs.run(str(stale.pk)) == Status.REFUSED
    stale.refresh_from_db()
    assert stale.reasons == [
        "Release 1 was published while this publish of release 1 waited: read what changed "
        "and publish again; nothing was released."
    ]
    assert list(Release.objects.values_list("number", "notes")) == [
        (1, "Published first, by a command.")
    ]


def test_only_the_projects_owners_read_its_publish_jobs(client, small_project, make_umbrella):
    job = PublishJob.objects.create(
        umbrella=small_project.umbrella, user=small_project.owner, number=1, status="refused"
    )
    researcher = get_user_model().objects.create_user("researcher")
    Membership.objects.create(umbrella=small_project.umbrella, user=researcher, role="researcher")
    client.force_login(researcher)
    assert client.get(url("publish-status", job=job.pk)).status_code == 403
    # Another project's owner, under their own project's address: no such job there.
    other = make_umbrella(slug="other")
    Membership.objects.create(umbrella=other, user=researcher, role="owner")
    other_url = reverse("releases:publish-status", kwargs={"slug": "other", "job": job.pk})
    assert client.get(other_url).status_code == 404


def test_a_run_a_killed_worker_left_behind_stops_blocking_after_a_while(small_project):
    stuck = PublishJob.objects.create(
        umbrella=small_project.umbrella, user=small_project.owner, number=1, status="running",
        started_at=timezone.now() - timedelta(minutes=30),
    )  # fmt: skip
    new = {"umbrella": small_project.umbrella, "user": small_project.owner, "number": 1}
    with pytest.raises(jobs.PublishPending):  # half an hour: a large project may still run
        jobs.start(**new, notes="")
    PublishJob.objects.filter(pk=stuck.pk).update(
        started_at=timezone.now() - jobs.ABANDONED_AFTER - timedelta(minutes=1)
    )
    job = jobs.start(**new, notes="Again.")
    stuck.refresh_from_db()
    assert (stuck.status, stuck.reasons) == (Status.FAILED, [jobs.ABANDONED])
    assert (job.status, job.notes) == (Status.QUEUED, "Again.")
    assert jobs.run(str(job.pk)) == Status.DONE


def test_the_list_shows_owners_a_publish_in_progress_and_readers_nothing(
    client, small_project, run_tasks
):
    small_project.release()
    reader = get_user_model().objects.create_user("reader")
    Membership.objects.create(umbrella=small_project.umbrella, user=reader, role="reader")
    client.force_login(reader)
    client.get(url("release-list"))  # kept for the reader at this revision
    client.force_login(small_project.owner)
    assert "is being published" not in client.get(url("release-list")).content.decode()
    client.post(url("release-add"), {"number": 2, "notes": "Second."})
    job = PublishJob.objects.get()

    listed = client.get(url("release-list")).content.decode()
    assert '<h2 id="pending-heading">Release 2 is being published</h2>' in listed
    assert "Status: Waiting for the publishing worker. Asked for by owner on " in listed
    follow = f'<a href="{url("publish-status", job=job.pk)}">Follow the publish of release 2</a>'
    assert f"{follow} (or cancel it there while it waits)" in listed
    assert "Publish release 2</a>" not in listed  # the form would only send them here
    PublishJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, started_at=timezone.now())
    running = client.get(url("release-list")).content.decode()
    assert "Status: Publishing. Asked for by owner on " in running
    assert "or cancel it there" not in running

    # Readers, logged in or not, see nothing of it, kept page or not.
    for user in (reader, None):
        client.logout()
        if user:
            client.force_login(user)
        page = client.get(url("release-list")).content.decode()
        assert "being published" not in page
        assert str(job.pk) not in page
        assert "Release 1" in page

    PublishJob.objects.filter(pk=job.pk).update(status=Status.QUEUED, started_at=None)
    run_tasks()
    client.force_login(small_project.owner)
    done = client.get(url("release-list")).content.decode()
    assert "being published" not in done
    assert f'href="{url("release-detail", number=2)}">Release 2</a>' in done
    assert "Publish release 3</a>" in done
