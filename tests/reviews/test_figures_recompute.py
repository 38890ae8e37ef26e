"""After a write commits, the project's pages are recomputed in the background
(reviews.project.warming): the write queues the task, the task fills the new revision's cached
parts, and until it has, pages show the previous figures with an "updating" notice."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from reviews.models import Membership
from reviews.overlap import selectors as overlap_selectors
from reviews.project import warming
from reviews.project.revisions import changed

TASK = "reviews.project.tasks.recompute_figures"
NOTICE = "The figures on this page are from before the latest change"


@pytest.fixture(autouse=True)
def recompute_after_write(settings):
    # On with a shared cache (CACHE_URL); the tests' worker runs in their own process.
    settings.RECOMPUTE_AFTER_WRITE = True


@pytest.fixture
def project(make_umbrella, make_review):
    umbrella = make_umbrella(is_published=False)
    for _ in range(3):
        make_review(umbrella)
    return umbrella


@pytest.fixture
def member(client, project):
    user = get_user_model().objects.create_user("researcher")
    Membership.objects.create(umbrella=project, user=user, role=Membership.Role.RESEARCHER)
    client.force_login(user)
    return client


def queued() -> list[tuple[str, list]]:
    return [(r.task_path, r.args_kwargs["args"]) for r in DBTaskResult.objects.order_by("pk")]


def add_review(project, make_review, django_capture_on_commit_callbacks):
    """A write as every write service makes it: the rows, then `changed`, then the commit."""
    with django_capture_on_commit_callbacks(execute=True):
        make_review(project)
        changed(project)


def test_a_committed_write_queues_one_recomputation_of_its_project(
    project, make_review, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_review(project)
        changed(project)
        changed(project)  # twice in one transaction: one bump, one task
        assert queued() == []  # nothing before the commit
    assert queued() == [(TASK, [project.pk])]


def test_quick_writes_share_one_queued_recomputation_until_it_starts(
    project, make_review, django_capture_on_commit_callbacks, run_tasks
):
    for _ in range(3):  # three writes, each committed, before the worker takes the task
        add_review(project, make_review, django_capture_on_commit_callbacks)
    assert queued() == [(TASK, [project.pk])]
    run_tasks()  # it computed the revision of the third write: ready, nothing updating
    assert cache.get(warming._ready_key(project.pk)) == 3
    assert not cache.get(warming._updating_key(project.pk))
    add_review(project, make_review, django_capture_on_commit_callbacks)
    assert queued() == [(TASK, [project.pk])] * 2  # after it started, a write queues again


def test_a_rolled_back_write_queues_nothing(
    project, make_review, django_capture_on_commit_callbacks
):
    def failing_write():
        with transaction.atomic():
            make_review(project)
            changed(project)
            raise RuntimeError("the write fails")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        failing_write()
    assert callbacks == []
    assert queued() == []


def test_the_first_reader_after_the_recomputation_gets_the_new_figures_warm(
    project, member, make_review, django_capture_on_commit_callbacks, run_tasks, monkeypatch
):
    url = reverse("reviews:overlap", kwargs={"slug": project.slug})
    add_review(project, make_review, django_capture_on_commit_callbacks)
    run_tasks()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"

    def not_again(*args, **kwargs):
        raise AssertionError("the page computed the overlap itself")

    # The task computed the overlap of the new revision: the reader's page only reads it.
    monkeypatch.setattr(overlap_selectors, "overlap_for_reviews", not_again)
    response = member.get(url)
    assert len(response.context["overlap"].reviews) == 4
    assert NOTICE not in response.content.decode()

    home = member.get(reverse("reviews:umbrella-detail", kwargs={"slug": project.slug}))
    assert home.context["summary"].n_reviews == 4
    assert not home.context["figures_updating"]


def test_until_the_recomputation_ran_pages_show_the_previous_figures_as_updating(
    project, member, make_review, django_capture_on_commit_callbacks, run_tasks
):
    url = reverse("reviews:umbrella-detail", kwargs={"slug": project.slug})
    add_review(project, make_review, django_capture_on_commit_callbacks)  # revision 1
    run_tasks()  # revision 1 is ready
    add_review(project, make_review, django_capture_on_commit_callbacks)  # revision 2, queued

    response = member.get(url)
    assert response.context["summary"].n_reviews == 4  # revision 1's figures...
    assert response.context["figures_updating"] is True  # ...said to be updating
    assert NOTICE in response.content.decode()
    # A page that shows no computed figure reads the current data and says nothing.
    reviews = member.get(reverse("reviews:review-list", kwargs={"slug": project.slug}))
    assert reviews.context["paginator"].count == 5
    assert NOTICE not in reviews.content.decode()

    run_tasks()
    response = member.get(url)
    assert response.context["summary"].n_reviews == 5
    assert NOTICE not in response.content.decode()


def test_an_updating_page_is_not_kept_for_anonymous_readers(
    client, project, make_review, django_capture_on_commit_callbacks, run_tasks
):
    project.is_published = True
    project.save()
    url = reverse("reviews:umbrella-detail", kwargs={"slug": project.slug})
    add_review(project, make_review, django_capture_on_commit_callbacks)
    run_tasks()
    add_review(project, make_review, django_capture_on_commit_callbacks)
    assert NOTICE in client.get(url).content.decode()
    run_tasks()
    # Had the updating page been kept for this revision, the public would see it for 10 min.
    response = client.get(url)
    assert NOTICE not in response.content.decode()
    assert response.context["summary"].n_reviews == 5


def test_without_a_worker_the_mark_expires_and_pages_compute_the_current_figures(
    project, member, make_review, django_capture_on_commit_callbacks, run_tasks
):
    url = reverse("reviews:umbrella-detail", kwargs={"slug": project.slug})
    add_review(project, make_review, django_capture_on_commit_callbacks)
    run_tasks()
    add_review(project, make_review, django_capture_on_commit_callbacks)
    cache.delete(warming._updating_key(project.pk))  # what WARMING_SECONDS does to it
    response = member.get(url)
    assert response.context["summary"].n_reviews == 5
    assert NOTICE not in response.content.decode()


def test_the_recomputation_of_a_deleted_project_does_nothing(project):
    pk = project.pk
    project.delete()
    assert warming.recompute(pk) is None
