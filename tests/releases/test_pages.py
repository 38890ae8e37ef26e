"""The release pages: reading "as of" a release, publishing, comparing, following and citing."""

import io
import json
import re

import bibtexparser
import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from releases.models import PublishJob, Release
from reviews.models import (
    ExcludedReview,
    ExclusionReason,
    IncludedReview,
    PrismaFlow,
    UmbrellaReview,
)
from reviews.publishing.services import set_published
from reviews.versioning import save_versioned
from synthesis.models import OutcomeResult, StudyEffect

pytestmark = pytest.mark.django_db


def url(name: str, slug: str = "living", **kwargs) -> str:
    return reverse(f"releases:{name}", kwargs={"slug": slug, **kwargs})


def _move_adams(project, estimate: float) -> None:
    result = OutcomeResult.objects.get(
        review__umbrella=project.umbrella, review__label="Adams 2018"
    )
    result.estimate, result.ci_low, result.ci_high = estimate, estimate - 0.2, estimate + 0.2
    save_versioned(result, loaded_version=result.version)


def _selected_estimate(client, slug: str) -> float:
    response = client.get(reverse("synthesis:summary-of-findings", kwargs={"slug": slug}))
    (row,) = response.context["sof"].rows
    return row.selected.estimate


def test_as_of_pages_show_the_old_numbers_with_a_banner(client, small_project):
    first = small_project.release()
    _move_adams(small_project, 0.45)
    second = small_project.release()
    copy = first.snapshot.slug
    assert _selected_estimate(client, copy) == 0.3
    assert _selected_estimate(client, "living") == 0.45
    page = client.get(reverse("synthesis:summary-of-findings", kwargs={"slug": copy}))
    text = re.sub(r"\s+", " ", page.content.decode())
    today = f"{first.published_at:%-d %B %Y}"
    assert f"You are reading <strong>release 1</strong> of {today}" in text
    latest = f"/u/{second.snapshot.slug}/evidence/summary/"
    assert f'The latest is <a href="{latest}">release 2</a> of {today}.' in text
    assert '<a href="/u/living/evidence/summary/">This page in the current version</a>' in text
    # The redirect of an as-of address lands on the same page of the release.
    response = client.get(url("read-page", number=1, rest="evidence/summary/"))
    assert response["Location"] == f"/u/{copy}/evidence/summary/"


def test_links_on_an_as_of_page_stay_inside_the_release(client, small_project):
    copy = small_project.release().snapshot.slug
    page = client.get(reverse("reviews:umbrella-detail", kwargs={"slug": copy})).content.decode()
    links = set(re.findall(r'href="(/u/[^"]*)"', page))
    outside = {link for link in links if not link.startswith(f"/u/{copy}/")}
    # Only the banner leaves: to the current version and to the release's own pages.
    assert outside == {"/u/living/", "/u/living/releases/1/", "/u/living/releases/"}
    assert len(links - outside) > 5


def test_frozen_copies_are_never_listed_and_read_as_their_project(client, small_project):
    copy = small_project.release().snapshot
    home = client.get(reverse("reviews:home"))
    assert [u.slug for u in home.context["umbrellas"]] == ["living"]
    api = client.get(reverse("api:projects")).json()
    assert [p["slug"] for p in api["results"]] == ["living"]
    overview = reverse("reviews:umbrella-detail", kwargs={"slug": copy.slug})
    assert client.get(overview).status_code == 200
    # The API serves no copy as a project of its own: a 404 that says where the release is.
    for resource in ("api:project", "api:reviews"):
        response = client.get(reverse(resource, kwargs={"slug": copy.slug}))
        assert response.status_code == 404
        assert response.json()["detail"] == (
            "'living--release-1' is release 1 of the project 'living', not a project: read it "
            "at http://testserver/u/living/releases/1/, its data at "
            "http://testserver/u/living/releases/1/workbook.xlsx."
        )
    # Nor does the admin list a copy or its rows, to superusers either.
    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    projects = client.get(reverse("admin:reviews_umbrellareview_changelist"))
    assert [u.slug for u in projects.context["cl"].result_list] == ["living"]
    reviews = client.get(reverse("admin:reviews_includedreview_changelist"))
    assert {r.umbrella_id for r in reviews.context["cl"].result_list} == {small_project.umbrella.pk}
    change = client.get(reverse("admin:reviews_umbrellareview_change", args=[copy.pk]))
    assert change.status_code == 302  # the admin's "does not exist" (it may be deleted)
    client.logout()
    set_published(
        umbrella=small_project.umbrella,
        published=False,
        user=small_project.owner,
        loaded_version=small_project.umbrella.version,
    )
    assert not UmbrellaReview.objects.get(pk=copy.pk).is_published
    assert client.get(overview).status_code == 404
    assert client.get(url("release-list")).status_code == 404
    # An outsider learns nothing of an unpublished project's release from the API.
    response = client.get(reverse("api:project", kwargs={"slug": copy.slug}))
    assert (response.status_code, "release" in response.json()["detail"]) == (404, False)
    client.force_login(small_project.owner)
    response = client.get(overview)
    assert response.status_code == 200
    # Members read it, but nobody writes to it: no edit links.
    assert response.context["can_write"] is False
    assert client.get(reverse("dataio:import", kwargs={"slug": copy.slug})).status_code == 403


def test_an_owner_publishes_with_the_generated_notes(client, small_project, run_tasks):
    small_project.release()
    small_project.add_review("Chen 2023", "moderate", 0.25, [0, 2])
    client.force_login(small_project.owner)
    form = client.get(url("release-add")).context["form"]
    assert form.initial["number"] == 2
    assert form.initial["notes"].splitlines()[0] == "- Reviews added: Chen 2023."
    response = client.post(url("release-add"), {"number": 2, "notes": "Chen 2023 added."})
    job = PublishJob.objects.get()
    assert response["Location"] == url("publish-status", job=job.pk)
    run_tasks()
    assert Release.objects.get(number=2).notes == "Chen 2023 added."


def test_a_stale_or_refused_publish_says_why_and_writes_nothing(client, small_project):
    client.force_login(small_project.owner)
    response = client.post(url("release-add"), {"number": 3, "notes": ""})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "number": [
            "Release 0 was published while this page was open: read what changed and publish again."
        ]
    }
    UmbrellaReview.objects.filter(pk=small_project.umbrella.pk).update(is_published=False)
    response = client.post(url("release-add"), {"number": 1, "notes": ""})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Only a published umbrella review can be released: publish it first."
    ]
    assert not Release.objects.exists()
    assert not PublishJob.objects.exists()
    assert UmbrellaReview.objects.count() == 1


def test_the_changes_page_compares_any_two_releases(client, small_project):
    small_project.release()
    rating = IncludedReview.objects.get(umbrella=small_project.umbrella, label="Baker 2021")
    rating.published_rating = "moderate"
    save_versioned(rating, loaded_version=rating.version)
    small_project.release()
    small_project.add_review("Chen 2023", "moderate", 0.25, [0, 2])
    small_project.release()
    response = client.get(url("changes"), {"from": 1, "to": 2})
    (entry,) = response.context["changes"].section("reviews").entries
    assert (entry.key, entry.status, entry.changes[0].after) == (
        "Baker 2021",
        "changed",
        "Moderate",
    )
    # By default the latest two: release 2 to release 3.
    response = client.get(url("changes"))
    assert (response.context["first"], response.context["second"]) == (2, 3)
    assert [e.key for e in response.context["changes"].section("reviews").entries] == ["Chen 2023"]
    response = client.get(url("changes"), {"from": "9", "to": "2"})
    assert response.status_code == 400
    assert (
        "There is no release &#x27;9&#x27; to compare (&#x27;from&#x27;)."
        in response.content.decode()
    )


def test_the_draft_page_shows_what_the_next_release_would_change(client, small_project):
    small_project.release()
    _move_adams(small_project, 0.45)
    response = client.get(url("draft"))
    assert response.context["notes"] == (
        "- Outcome Hope: pooled estimate 0.3 → 0.45; 95% CI low 0.1 → 0.25; 95% CI high 0.5 → 0.65."
    )


def test_the_feed_lists_each_release_with_its_notes(client, small_project):
    small_project.release(notes="First release.")
    small_project.add_review("Chen 2023", "moderate", 0.25, [0, 2])
    small_project.release(notes="Chen 2023 added.")
    response = client.get(url("feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = response.content.decode()
    assert feed.count("<entry>") == 2
    assert "<title>Releases of Peer support: a living umbrella review</title>" in feed
    assert feed.index("Chen 2023 added.") < feed.index("First release.")
    assert "http://testserver/u/living/releases/2/" in feed


def test_cite_this_version_in_bibtex_and_csl_json(client, small_project):
    release = small_project.release()
    library = bibtexparser.parse_string(client.get(url("cite-bib", number=1)).content.decode())
    (entry,) = library.entries
    assert entry.key == "living_v1"
    assert entry.fields_dict["title"].value == "{Peer support: a living umbrella review}"
    assert entry.fields_dict["version"].value == "1"
    assert entry.fields_dict["url"].value == "http://testserver/u/living/releases/1/"
    (record,) = json.loads(client.get(url("cite-json", number=1)).content)
    day = release.published_at.date()
    assert record == {
        "id": "living_v1",
        "type": "dataset",
        "title": "Peer support: a living umbrella review",
        "version": "1",
        "issued": {"date-parts": [[day.year, day.month, day.day]]},
        "publisher": "Umbrella-review evidence database",
        "URL": "http://testserver/u/living/releases/1/",
    }


def test_the_release_workbook_holds_the_old_numbers(client, small_project):
    small_project.release()
    _move_adams(small_project, 0.45)
    response = client.get(url("workbook", number=1))
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book["outcome_results"].values)
    estimate = rows[0].index("estimate")
    review = rows[0].index("review")
    assert {row[review]: row[estimate] for row in rows[1:]} == {
        "Adams 2018": 0.3,
        "Baker 2021": -0.05,
    }


@pytest.mark.parametrize("name", ["release-list", "changes"])
def test_release_pages_run_a_bounded_number_of_queries(
    client, small_project, django_assert_max_num_queries, name
):
    # Logged in (a reader of the published project), so no kept page answers for the view.
    client.force_login(get_user_model().objects.create_user("reader"))
    small_project.release()
    small_project.release()
    with django_assert_max_num_queries(12) as two:
        client.get(url(name))
    for estimate in (0.4, 0.5, 0.6):
        _move_adams(small_project, estimate)
        small_project.release()
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(url(name))
    assert response.status_code == 200


def test_an_owners_list_with_a_publish_in_progress_runs_a_bounded_number_of_queries(
    client, small_project, django_assert_max_num_queries
):
    client.force_login(small_project.owner)  # an owner's list is never kept: the view runs
    small_project.release()
    small_project.release()
    job = PublishJob.objects.create(
        umbrella=small_project.umbrella, user=small_project.owner, number=3, notes=""
    )
    with django_assert_max_num_queries(8) as two:
        assert client.get(url("release-list")).context["pending"] == job
    job.delete()
    for estimate in (0.4, 0.5, 0.6):
        _move_adams(small_project, estimate)
        small_project.release()
    PublishJob.objects.create(
        umbrella=small_project.umbrella, user=small_project.owner, number=6, notes=""
    )
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(url("release-list"))
    assert (len(response.context["releases"]), response.context["pending"].number) == (5, 6)


def test_a_project_the_import_would_refuse_is_refused_with_each_reason(
    client, small_project, run_tasks
):
    # Both rows were valid when saved; an edit of another row broke them afterwards (an
    # excluded review added; the result's measure changed to a ratio), which the import checks
    # again: on PRISMA, the exclusions by reason; on a study row, its result's measure.
    umbrella = small_project.umbrella
    reason = ExclusionReason.objects.create(umbrella=umbrella, name="Wrong population")
    PrismaFlow.objects.create(umbrella=umbrella, assessed=5, excluded=1, studies_included=4)
    for title in ("Excluded A", "Excluded B"):
        ExcludedReview.objects.create(umbrella=umbrella, title=title, reason=reason)
    result = OutcomeResult.objects.get(review__umbrella=umbrella, review__label="Baker 2021")
    StudyEffect.objects.create(
        outcome_result=result, label="Trial 2 2010", kind="estimate", estimate=0.1,
        ci_low=-0.1, ci_high=0.3,
    )  # fmt: skip
    OutcomeResult.objects.filter(pk=result.pk).update(
        measure="or", estimate=1.1, ci_low=0.9, ci_high=1.3
    )
    client.force_login(small_project.owner)
    response = client.post(url("release-add"), {"number": 1, "notes": ""})
    job = PublishJob.objects.get()
    assert response["Location"] == url("publish-status", job=job.pk)
    run_tasks()
    job.refresh_from_db()
    assert job.status == PublishJob.Status.REFUSED
    errors = job.reasons
    assert errors[0].startswith(
        "This project cannot be released yet: the workbook import refuses 2 of its rows"
    )
    assert errors[1:] == [
        f"sheet study_effects, row 2 (Baker 2021, {result.extraction_id}, Trial 2 2010), column "
        "ci_low (value: -0.1): A ratio (OR) must be positive.",
        "sheet prisma_flow, row 2: The counts do not add up: reports excluded: excluded = sum "
        "of the reasons fails (1 ≠ 2).",
    ]
    assert not Release.objects.exists()
    assert list(UmbrellaReview.objects.values_list("slug", flat=True)) == ["living"]
    # The status page shows each reason, not its colour alone, and no refresh any more.
    page = client.get(url("publish-status", job=job.pk))
    assert page.context["job"] == job
    text = page.content.decode()
    assert "Release 1 was not published" in text
    assert "Status: Refused: nothing was released." in text
    assert "A ratio (OR) must be positive." in text
    assert 'http-equiv="refresh"' not in text
