"""Cancelling a queued publish: owners only, POST only, and a cancel racing the worker's start
decided in the database (whichever moves the job from QUEUED first wins)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from releases import jobs
from releases.models import PublishJob, Release
from reviews.models import Membership, UmbrellaReview

pytestmark = pytest.mark.django_db
Status = PublishJob.Status


def url(name: str, **kwargs) -> str:
    return reverse(f"releases:{name}", kwargs={"slug": "living", **kwargs})


def _queued(client, project, notes: str = "Notes kept for later.") -> PublishJob:
    client.force_login(project.owner)
    client.post(url("release-add"), {"number": 1, "notes": notes})
    return PublishJob.objects.get(status=Status.QUEUED)


def test_an_owner_cancels_a_queued_publish_and_the_worker_skips_it(
    client, small_project, run_tasks
):
    job = _queued(client, small_project)
    waiting = client.get(url("publish-status", job=job.pk)).content.decode()
    cancel = url("publish-cancel", job=job.pk)
    assert f'<form method="post" action="{cancel}">' in waiting
    assert ">Cancel this publish</button>" in waiting

    response = client.post(cancel, follow=True)
    assert response.redirect_chain == [(url("publish-status", job=job.pk), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Cancelled: release 1 was not published."
    ]
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    (reason,) = job.reasons
    assert reason.startswith("Cancelled by owner at ")
    assert reason.endswith(", before the worker started it.")
    assert job.finished_at is not None
    assert job.started_at is None
    page = response.content.decode()
    # Said as a status (the owner's own choice), with who cancelled it and when.
    assert (
        f'<p role="status" class="message">Status: Cancelled: nothing was released. {reason}</p>'
        in page
    )
    assert "http-equiv" not in page
    assert "Cancel this publish" not in page
    again = f"{url('release-add')}?notes_of={job.pk}"
    assert f'<a href="{again}">Publish again, with the same notes</a>' in page
    assert client.get(again).context["form"].initial["notes"] == "Notes kept for later."

    # The task was queued before the cancel: the worker runs it and skips the job.
    assert DBTaskResult.objects.count() == 1
    run_tasks()
    assert DBTaskResult.objects.get().return_value == Status.CANCELLED
    job.refresh_from_db()
    assert (job.status, job.release, job.started_at) == (Status.CANCELLED, None, None)
    assert not Release.objects.exists()
    assert list(UmbrellaReview.objects.values_list("slug", flat=True)) == ["living"]
    # Nothing pends any more: publishing again is queued at once.
    client.post(url("release-add"), {"number": 1, "notes": "Second try."})
    assert PublishJob.objects.get(status=Status.QUEUED).notes == "Second try."


def test_a_cancel_after_the_worker_started_is_refused_and_the_release_is_published(
    client, small_project, monkeypatch
):
    job = _queued(client, small_project)
    publish = jobs.publish_release
    answers = []

    def cancel_meanwhile(**kwargs):
        # The owner presses "Cancel" while the worker publishes: the job is running already.
        answers.append(client.post(url("publish-cancel", job=job.pk), follow=True))
        return publish(**kwargs)

    monkeypatch.setattr(jobs, "publish_release", cancel_meanwhile)
    assert jobs.run(str(job.pk)) == Status.DONE
    (response,) = answers
    assert [str(m) for m in response.context["messages"]] == [
        "Release 1 can no longer be cancelled: the worker has started publishing it, in one "
        "transaction that is not cut short."
    ]
    job.refresh_from_db()
    assert (job.status, job.release.number, job.reasons) == (Status.DONE, 1, [])
    # Once it has ended, a cancel (a page left open) says so and changes nothing.
    late = client.post(url("publish-cancel", job=job.pk), follow=True)
    assert [str(m) for m in late.context["messages"]] == [
        "Release 1 can no longer be cancelled: it has ended (Published)."
    ]
    assert PublishJob.objects.get().status == Status.DONE


def test_the_database_decides_a_cancel_racing_the_workers_start(small_project):
    owner = small_project.owner
    new = {"umbrella": small_project.umbrella, "user": owner, "notes": ""}
    # Both hold the job as read while it was queued; each moves it only if it still is.
    first = jobs.start(**new, number=1)
    seen_by_worker = PublishJob.objects.get(pk=first.pk)
    assert jobs.cancel(first, owner) is True
    assert jobs.run(str(seen_by_worker.pk)) == Status.CANCELLED
    assert not Release.objects.exists()

    second = jobs.start(**new, number=1)
    seen_by_owner = PublishJob.objects.get(pk=second.pk)
    assert jobs.run(str(second.pk)) == Status.DONE
    assert jobs.cancel(seen_by_owner, owner) is False
    assert PublishJob.objects.get(pk=second.pk).status == Status.DONE
    assert list(Release.objects.values_list("number", flat=True)) == [1]


def test_only_owners_cancel_and_only_by_post_with_the_csrf_token(client, small_project):
    job = _queued(client, small_project)
    cancel = url("publish-cancel", job=job.pk)
    users = get_user_model().objects
    for role in ("reader", "researcher"):
        member = users.create_user(role)
        Membership.objects.create(umbrella=small_project.umbrella, user=member, role=role)
        client.force_login(member)
        assert client.post(cancel).status_code == 403
    client.logout()
    assert client.post(cancel)["Location"].startswith(reverse("login"))
    # Another project's owner: the project is published, so they are refused, not told.
    outsider = users.create_user("outsider")
    other = UmbrellaReview.objects.create(title="Other", slug="other")
    Membership.objects.create(umbrella=other, user=outsider, role="owner")
    client.force_login(outsider)
    assert client.post(cancel).status_code == 403
    elsewhere = reverse("releases:publish-cancel", kwargs={"slug": "other", "job": job.pk})
    assert client.post(elsewhere).status_code == 404  # not that project's job
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(small_project.owner)
    assert strict.post(cancel).status_code == 403  # no CSRF token
    assert strict.get(cancel).status_code == 405
    assert PublishJob.objects.get().status == Status.QUEUED
