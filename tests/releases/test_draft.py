"""The draft page and the publish form read the live figures kept per data revision
(releases.draft): computed once per revision, in the background after a write on a large
project, and never shown as current when they are an earlier revision's."""

from unittest.mock import ANY

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import QueryDict
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from releases import draft, figures
from releases.diff import change_log
from releases.figures import reader_figures
from reviews.models import DataRevision, Membership, UmbrellaReview
from reviews.project import warming
from reviews.project.revisions import changed
from reviews.versioning import save_versioned
from synthesis.models import OutcomeResult
from synthesis.selectors import summary_of_findings as sof_selector

pytestmark = pytest.mark.django_db

NOTICE = "The figures on this page are from before the latest change"
RECOMPUTE = "reviews.project.tasks.recompute_figures"


def url(name: str, slug: str = "living") -> str:
    return reverse(f"releases:{name}", kwargs={"slug": slug})


@pytest.fixture
def computed(monkeypatch) -> list[str]:
    """The slugs whose reader figures were computed, in order (the expensive step)."""
    slugs: list[str] = []

    def counted(umbrella: UmbrellaReview) -> dict:
        slugs.append(umbrella.slug)
        return reader_figures(umbrella)

    monkeypatch.setattr(draft, "reader_figures", counted)
    return slugs


def move_adams(project, estimate: float) -> None:
    result = OutcomeResult.objects.get(
        review__umbrella=project.umbrella, review__label="Adams 2018"
    )
    result.estimate, result.ci_low, result.ci_high = estimate, estimate - 0.2, estimate + 0.2
    save_versioned(result, loaded_version=result.version)


def log_of(estimate: float) -> str:
    low, high = round(estimate - 0.2, 2), round(estimate + 0.2, 2)
    return (
        f"- Outcome Hope: pooled estimate 0.3 → {estimate}; "
        f"95% CI low 0.1 → {low}; 95% CI high 0.5 → {high}."
    )


def reader(name: str):
    return get_user_model().objects.create_user(name)


def test_each_edit_shows_on_the_draft_and_each_revision_is_computed_once(
    client, small_project, computed, commit
):
    commit(small_project.release)
    commit(move_adams, small_project, 0.45)
    for name in ("ann", "bob"):  # two readers: no kept page answers for the second
        client.force_login(reader(name))
        assert client.get(url("draft")).context["notes"] == log_of(0.45)
    assert computed == ["living"]  # the second read the kept figures

    commit(move_adams, small_project, 0.6)
    response = client.get(url("draft"))
    assert response.context["notes"] == log_of(0.6)  # never the kept 0.45
    assert response.context["after_label"] == "Current version"
    assert computed == ["living", "living"]
    # The owner's form starts from the same kept figures: nothing computed again.
    client.force_login(small_project.owner)
    assert client.get(url("release-add")).context["form"].initial["notes"] == log_of(0.6)
    assert computed == ["living", "living"]


@pytest.mark.parametrize("name", ["draft", "release-add"])
def test_a_repeated_view_reads_the_kept_figures_in_a_bounded_number_of_queries(
    client, small_project, django_assert_max_num_queries, name, commit
):
    commit(small_project.release)

    def second_view(user) -> int:
        client.force_login(small_project.owner)
        client.get(url(name))  # computes and keeps them
        client.force_login(user)  # another user: their page is not kept yet
        with django_assert_max_num_queries(12) as queries:
            response = client.get(url(name))
        assert response.status_code == 200
        return len(queries.captured_queries)

    def viewer(username: str):
        user = reader(username)
        if name == "release-add":  # the form is the owners'
            Membership.objects.create(
                umbrella=small_project.umbrella, user=user, role=Membership.Role.OWNER
            )
        return user

    small = second_view(viewer("ann"))
    for year in range(2000, 2020):  # 20 reviews more, each with a result and two studies
        small_project.add_review(f"Davis {year}", "moderate", 0.2, [0, 1])
    commit(move_adams, small_project, 0.45)
    larger = second_view(viewer("bob"))
    assert larger == small


def test_kept_figures_belong_to_one_project_and_one_revision(small_project, commit):
    release = commit(small_project.release)
    copy, project = release.snapshot, small_project.umbrella
    # The same revision number on the project and its frozen copy: still two entries.
    commit(move_adams, small_project, 0.45)
    for umbrella in (copy, project):
        DataRevision.objects.update_or_create(umbrella=umbrella, defaults={"number": 7})
    copy, project = (UmbrellaReview.objects.get(pk=u.pk) for u in (copy, project))

    def estimate(figures: dict) -> float:
        return figures["outcomes"]["Hope"]["estimate"]

    assert estimate(draft.live_figures(project)) == 0.45
    assert estimate(draft.live_figures(copy)) == 0.3
    other = UmbrellaReview.objects.create(title="Another project", slug="another")
    DataRevision.objects.create(umbrella=other, number=7)
    assert draft.live_figures(other)["outcomes"] == {}
    # The next revision is not the kept one's: it is computed, and the one before dropped.
    commit(move_adams, small_project, 0.6)
    project = UmbrellaReview.objects.get(pk=project.pk)
    assert estimate(draft.live_figures(project)) == 0.6
    assert cache.get(draft._key(project.pk, 7)) is None
    assert estimate(cache.get(draft._key(copy.pk, 7))) == 0.3
    # The kept changes belong to one revision and one release: against none, all is added.
    assert draft.draft_changes(project, release) == (ANY, True)
    assert change_log(draft.draft_changes(project, release)[0]) == log_of(0.6)
    assert change_log(draft.draft_changes(project, None)[0]).splitlines()[0] == (
        "- Reviews added: Adams 2018, Baker 2021."
    )


@pytest.fixture
def large_project(small_project, settings, monkeypatch):
    """The small project treated as a large one, with a background worker (a shared cache)."""
    settings.RECOMPUTE_AFTER_WRITE = True
    monkeypatch.setattr(draft, "SYNC_REVIEWS", 1)
    return small_project


def test_on_a_large_project_the_draft_is_computed_after_the_write_not_on_the_request(
    client, large_project, computed, commit, run_tasks
):
    client.force_login(large_project.owner)
    commit(large_project.release)
    run_tasks()  # the release's write: the recomputation keeps the figures of a living project
    assert computed == ["living"]
    assert client.get(url("draft")).context["changes"].is_empty

    commit(move_adams, large_project, 0.45)  # queues the recomputation; until it ran:
    response = client.get(url("draft"))
    page = response.content.decode()
    assert response.context["updating"] is True
    assert NOTICE in page  # the previous revision's (empty) changes, said to be earlier ones
    assert response.context["after_label"] == "Before the latest change"
    assert "Nothing a reader sees has changed." in page
    form = client.get(url("release-add"))
    assert form.context["form"].initial["notes"] == ""  # not the earlier revision's log
    assert "the notes start blank" in form.content.decode()
    assert computed == ["living"]  # no request computed anything

    run_tasks()
    assert computed == ["living", "living"]
    response = client.get(url("draft"))
    assert response.context["notes"] == log_of(0.45)
    assert NOTICE not in response.content.decode()
    assert client.get(url("release-add")).context["form"].initial["notes"] == log_of(0.45)


def test_an_updating_draft_is_not_kept_as_the_page_of_its_revision(
    client, large_project, commit, run_tasks
):
    commit(large_project.release)
    run_tasks()
    commit(move_adams, large_project, 0.45)
    assert "Updating…" in client.get(url("draft")).content.decode()  # anonymous, published
    run_tasks()
    assert client.get(url("draft")).context["notes"] == log_of(0.45)


def test_asked_for_with_nothing_kept_the_draft_queues_once_then_stops_waiting(
    client, large_project, computed, commit
):
    commit(large_project.release)
    DBTaskResult.objects.all().delete()
    cache.clear()  # a fresh cache, no recomputation pending: nothing kept at all
    response = client.get(url("draft"))
    assert response.context["updating"] is True
    assert "changes" not in response.context
    assert 'id="draft-updating"' in response.content.decode()
    pk = large_project.umbrella.pk
    tasks = [(t.task_path, t.args_kwargs["args"]) for t in DBTaskResult.objects.all()]
    assert tasks == [(RECOMPUTE, [pk])]
    assert computed == []
    # The worker never took it (stopped): once the mark lapses, the request computes them.
    cache.delete(warming._updating_key(pk))
    response = client.get(url("draft"))
    assert response.context["changes"].is_empty
    assert computed == ["living"]
    assert DBTaskResult.objects.count() == 1  # queued once per revision


def test_the_recomputation_keeps_figures_of_living_projects_only(small_project, computed):
    project = small_project.umbrella
    draft.keep_after_write(project)  # no release, no reader asked for its draft
    assert computed == []
    release = small_project.release()
    computed.clear()
    draft.keep_after_write(release.snapshot)  # a frozen copy has no draft
    draft.keep_after_write(UmbrellaReview.objects.get(pk=project.pk))
    assert computed == ["living"]


def test_an_edit_that_moves_no_reader_figure_leaves_the_draft_empty(client, small_project, commit):
    # What the releases benchmark first did: move the estimate of a meta-analysis that is not
    # the selected one (Baker 2021 is rated low, Adams 2018 high) within a CI still crossing
    # zero. The outcome's figures are its selected meta-analysis and the count of findings,
    # so nothing a reader sees moved and the diff is rightly empty.
    commit(small_project.release)
    result = OutcomeResult.objects.get(
        review__umbrella=small_project.umbrella, review__label="Baker 2021"
    )
    result.estimate, result.ci_low, result.ci_high = 0.0, -0.2, 0.2
    commit(save_versioned, result, loaded_version=result.version)
    response = client.get(url("draft"))
    assert response.context["notes"] == "No changes."

    # A review whose meta-analysis the rule selects (rated high, larger k) changes the finding.
    def add_chen() -> None:
        small_project.add_review("Chen 2023", "high", 0.5, [0, 2])
        OutcomeResult.objects.filter(review__label="Chen 2023").update(k=9, n=900)
        changed(small_project.umbrella)

    commit(add_chen)
    (outcome,) = client.get(url("draft")).context["changes"].section("outcomes").entries
    moved = {c.field: (c.before, c.after) for c in outcome.changes}
    assert moved["selected_review"] == ("Adams 2018", "Chen 2023")
    assert (moved["estimate"], moved["k"], moved["n"]) == ((0.3, 0.5), (4, 9), (400, 900))
    assert moved["summary"][1] == (
        "2 of 3 meta-analyses found an improvement; 2 from a review rated high or moderate."
    )


@pytest.fixture
def summaries(monkeypatch) -> list[str]:
    """The slugs whose summary of findings was computed, in order (the draft's main cost)."""
    slugs: list[str] = []
    compute = sof_selector.summary_of_findings

    def counted(umbrella, params, outcome=None):
        slugs.append(umbrella.slug)
        return compute(umbrella, params, outcome)

    monkeypatch.setattr(sof_selector, "summary_of_findings", counted)
    monkeypatch.setattr(figures, "summary_of_findings", counted)  # a release copy's
    return slugs


def test_the_summary_of_findings_is_kept_per_revision_for_its_page_and_the_draft(
    client, small_project, commit, django_assert_num_queries, summaries
):
    project = small_project.umbrella
    release = commit(small_project.release)  # the copy's figures: computed, not kept
    assert summaries == ["living--release-1"]
    first = sof_selector.kept_summary_of_findings(project, QueryDict())
    with django_assert_num_queries(0):  # the second read: no summary query at all
        second = sof_selector.kept_summary_of_findings(project, QueryDict())
    assert [r.selected.estimate for r in second.rows] == [r.selected.estimate for r in first.rows]
    assert second.filter.is_bound is False
    # The draft figures and the page (an anonymous reader, the project published) read it.
    assert draft.live_figures(project)["outcomes"]["Hope"]["estimate"] == 0.3
    sof_page = reverse("synthesis:summary-of-findings", kwargs={"slug": "living"})
    assert client.get(sof_page).context["sof"].rows[0].selected.estimate == 0.3
    assert summaries == ["living--release-1", "living"]

    # A write moves the revision on: the new revision's summary is read, never the kept one.
    commit(move_adams, small_project, 0.45)
    project = UmbrellaReview.objects.get(pk=project.pk)
    queries = [q["sql"] for q in _captured(lambda: draft.live_figures(project))]
    assert any("synthesis_selectionrule" in sql for sql in queries)  # computed again
    assert draft.live_figures(project)["outcomes"]["Hope"]["estimate"] == 0.45
    assert client.get(sof_page).context["sof"].rows[0].selected.estimate == 0.45
    # A filtered view is kept apart from the whole summary.
    low = client.get(sof_page, {"min_rating": "high"}).context["sof"]
    assert [r.selected.review.label for r in low.rows] == ["Adams 2018"]
    assert summaries == ["living--release-1", "living", "living", "living"]

    # The release's copy has a summary of its own: release 1's estimate, not the live one.
    copy = release.snapshot
    copy_page = reverse("synthesis:summary-of-findings", kwargs={"slug": copy.slug})
    client.force_login(small_project.owner)  # the copy is not published: its members read it
    assert client.get(copy_page).context["sof"].rows[0].selected.estimate == 0.3
    assert sof_selector.kept_summary_of_findings(copy, QueryDict()).rows[0].selected.estimate == 0.3
    assert summaries[-1] == copy.slug


def _captured(call) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        call()
    return context.captured_queries


def test_the_recomputation_after_a_write_keeps_the_summary_the_draft_figures_read(
    large_project, commit, run_tasks, summaries
):
    commit(large_project.release)
    run_tasks()  # the release's own recomputation
    summaries.clear()
    commit(move_adams, large_project, 0.45)
    run_tasks()  # renders the registered pages, the summary's among them, then the draft step
    assert summaries == ["living"]  # once: the draft figures read the page's kept summary
    project = UmbrellaReview.objects.select_related("data_revision").get(slug="living")
    assert draft.draft_figures(project).figures["outcomes"]["Hope"]["estimate"] == 0.45
    assert summaries == ["living"]
