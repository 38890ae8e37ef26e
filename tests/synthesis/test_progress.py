"""Assignments (one review's form, the balanced bulk spread, the extraction mode) and the
progress dashboard, my tasks and the CSV, computed in a bounded number of queries."""

import csv
import io
from collections import Counter

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from reviews.assignments.services import bulk_assign, spread
from reviews.models import IncludedReview, ReviewAssignment, ReviewType

from .extraction_helpers import dual_project, member


@pytest.fixture
def dual(make_umbrella, make_review):
    return dual_project(make_umbrella, make_review)


def add_reviews(umbrella, n):
    IncludedReview.objects.bulk_create(
        IncludedReview(
            umbrella=umbrella,
            label=f"Review {i:03d}",
            title=f"Review {i}",
            review_type=ReviewType.SR_META_ANALYSIS,
        )
        for i in range(n)
    )


def test_bulk_spreads_35_reviews_over_four_people_two_different_per_review(dual):
    add_reviews(dual.umbrella, 34)  # with White 2020: 35
    people = [dual.one, dual.two, dual.owner, member(dual.umbrella, "fourth", "reviewer")]
    assigned = bulk_assign(
        umbrella=dual.umbrella, tasks=("rater1", "rater2"), people=people, only_unassigned=True
    )
    assert assigned == 35
    pairs = list(ReviewAssignment.objects.values_list("rater1__username", "rater2__username"))
    assert len(pairs) == 35
    assert all(a != b for a, b in pairs)
    load = Counter(name for pair in pairs for name in pair)
    assert sorted(load.values()) == [17, 17, 18, 18]  # 70 tasks, balanced within one
    again = bulk_assign(
        umbrella=dual.umbrella, tasks=("rater1", "rater2"), people=people, only_unassigned=True
    )
    assert again == 0  # nothing left unassigned


def test_bulk_refuses_one_person_for_a_pair_and_members_without_a_fitting_role(dual):
    with pytest.raises(ValidationError, match="at least two people"):
        spread(3, [dual.one], paired=True)
    reader = member(dual.umbrella, "reader-1", "reader")
    with pytest.raises(ValidationError, match="Not a member with a role for this task: reader-1"):
        bulk_assign(
            umbrella=dual.umbrella,
            tasks=("extractor1", "extractor2"),
            people=[dual.one, reader],
            only_unassigned=False,
        )
    assert not ReviewAssignment.objects.exists()


def test_the_bulk_form_names_the_problem_and_writes_nothing(dual, client):
    client.force_login(dual.owner)
    url = reverse("reviews:assignments", args=[dual.umbrella.slug])
    response = client.post(url, {"task": "extractors", "people": [dual.one.pk], "bulk": "1"})
    assert response.status_code == 400
    assert response.context["bulk_form"].errors["people"] == [
        "Choose at least two people: each review goes to two different people."
    ]
    assert not ReviewAssignment.objects.exists()


def test_one_reviews_form_refuses_the_same_person_as_both_extractors(dual, client):
    client.force_login(dual.owner)
    url = reverse("reviews:review-assignments", args=[dual.umbrella.slug, dual.review.pk])
    data = {"extractor1": dual.one.pk, "extractor2": dual.one.pk, "version": ""}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The two extractors of a review must be different people."
    ]
    assert not ReviewAssignment.objects.exists()
    assert client.post(url, data | {"extractor2": dual.two.pk}).status_code == 302
    opened = data | {"extractor2": dual.two.pk, "version": "1"}
    assert client.post(url, opened | {"reconciler": dual.owner.pk}).status_code == 302
    stale = client.post(url, opened | {"extractor2": dual.owner.pk})  # opened at version 1
    assert stale.context["stale"].version == 2
    assert [tuple(c) for c in stale.context["conflicts"]] == [
        ("Extraction 2", "owner", "ext-two"),
        ("Reconciliation", "–", "owner"),
    ]
    saved = ReviewAssignment.objects.get()
    assert (saved.extractor2, saved.reconciler) == (dual.two, dual.owner)


def test_a_reader_cannot_be_offered_as_an_extractor(dual, client):
    member(dual.umbrella, "reader-1", "reader")
    client.force_login(dual.owner)
    url = reverse("reviews:review-assignments", args=[dual.umbrella.slug, dual.review.pk])
    form = client.get(url).context["form"]
    offered = [u.username for u in form.fields["extractor1"].queryset]
    assert offered == ["ext-one", "ext-two", "owner"]


def test_the_extraction_mode_is_switched_by_owners_under_locking(dual, client):
    client.force_login(dual.owner)
    url = reverse("reviews:settings-extraction", args=[dual.umbrella.slug])
    page = client.get(url).content.decode()
    assert 'value="dual" id="id_extraction_mode_1" required checked' in page
    version = dual.umbrella.version
    ok = client.post(url, {"extraction_mode": "single", "version": version})
    assert (ok.status_code, ok["Location"]) == (302, url)
    message = "Extraction: Single entry, checked by a second person."
    assert [str(m) for m in get_messages(ok.wsgi_request)] == [message]
    stale = client.post(url, {"extraction_mode": "dual", "version": version})
    assert stale.status_code == 400
    assert stale.context["form"].non_field_errors() == [
        "The project changed since you opened the page: reload it."
    ]
    dual.umbrella.refresh_from_db()
    assert (dual.umbrella.extraction_mode, dual.umbrella.version) == ("single", version + 1)


def test_a_bad_extraction_mode_is_refused_on_its_field_and_nothing_changes(dual, client):
    client.force_login(dual.owner)
    url = reverse("reviews:settings-extraction", args=[dual.umbrella.slug])
    response = client.post(url, {"extraction_mode": "triple", "version": dual.umbrella.version})
    assert response.status_code == 400
    assert response.context["form"].errors["extraction_mode"] == [
        "Select a valid choice. triple is not one of the available choices."
    ]
    assert 'aria-describedby="id_extraction_mode_error"' in response.content.decode()
    dual.umbrella.refresh_from_db()
    assert dual.umbrella.extraction_mode == "dual"


def test_only_owners_switch_the_extraction_mode(dual, client):
    client.force_login(dual.one)  # a researcher
    url = reverse("reviews:settings-extraction", args=[dual.umbrella.slug])
    response = client.post(url, {"extraction_mode": "single", "version": dual.umbrella.version})
    assert response.status_code == 403
    dual.umbrella.refresh_from_db()
    assert dual.umbrella.extraction_mode == "dual"


def test_the_assignments_page_links_to_the_mode_and_passes_an_old_form_on(dual, client):
    client.force_login(dual.owner)
    url = reverse("reviews:assignments", args=[dual.umbrella.slug])
    settings = reverse("reviews:settings-extraction", args=[dual.umbrella.slug])
    page = client.get(url).content.decode()
    assert "<strong>dual independent extraction, then reconciliation</strong>" in page
    assert f'<a href="{settings}">Settings → Extraction</a>' in page
    data = {"mode": "1", "extraction_mode": "single", "version": dual.umbrella.version}
    moved = client.post(url, data)
    assert (moved.status_code, moved["Location"]) == (307, settings)
    assert client.post(url, data, follow=True).redirect_chain == [(settings, 307), (settings, 302)]
    dual.umbrella.refresh_from_db()
    assert dual.umbrella.extraction_mode == "single"


def statuses(client, p, **params):
    response = client.get(reverse("synthesis:progress", args=[p.umbrella.slug]), params)
    (row,) = [r for r in response.context["page_obj"].object_list if r.review == p.review]
    return {cell.task.field: cell.status.value for cell in row.cells}, response


def test_the_dashboard_follows_dual_extraction_step_by_step(dual, client):
    ReviewAssignment.objects.create(review=dual.review, extractor1=dual.one, extractor2=dual.two)
    client.force_login(dual.owner)
    seen, _ = statuses(client, dual)
    assert (seen["extractor1"], seen["extractor2"], seen["reconciler"]) == (
        "not_started", "not_started", "not_started",
    )  # fmt: skip
    one = dual.extract(dual.one, "first")
    assert statuses(client, dual)[0]["extractor1"] == "in_progress"
    dual.submit(dual.one, "first")
    two = dual.extract(dual.two, "second", ci_low=0.61)
    dual.submit(dual.two, "second")
    seen, response = statuses(client, dual)
    assert (seen["extractor1"], seen["extractor2"]) == ("submitted", "submitted")
    assert response.context["extraction_agreement"].n_pairs == 1
    compare = reverse("synthesis:extraction-compare", args=[dual.umbrella.slug, dual.review.pk])
    reconcile = reverse("synthesis:extraction-reconcile", args=[dual.umbrella.slug, dual.review.pk])
    rows = f"{one.pk}:{one.version},{two.pk}:{two.version}"
    data = {
        "outcome": dual.outcome.pk, "evidence_type": "meta_analysis", "comparator": "tau",
        "timepoint": "post", "k": "5", "n": "497", "measure": "rr", "estimate": "0.86",
        "ci_low": "0.66", "ci_high": "1.13", "version": "", "rows": rows,
    }  # fmt: skip
    assert client.post(f"{reconcile}?rows={rows}", data)["Location"] == compare
    seen, response = statuses(client, dual)
    assert (seen["extractor1"], seen["extractor2"], seen["reconciler"]) == ("done",) * 3
    done = {t.task.field: t.counts for t in response.context["task_counts"]}
    assert done["reconciler"]["done"] == 1


def test_filters_counts_and_the_csv_follow_the_person_and_status(dual, client):
    add_reviews(dual.umbrella, 3)
    bulk_assign(
        umbrella=dual.umbrella,
        tasks=("extractor1", "extractor2"),
        people=[dual.one, dual.two],
        only_unassigned=False,
    )
    dual.extract(dual.one, "first")  # White 2020 sorts last: in progress for ext-one
    client.force_login(dual.owner)
    url = reverse("synthesis:progress", args=[dual.umbrella.slug])
    response = client.get(url, {"person": dual.one.pk, "status": "in_progress"})
    assert [r.review.label for r in response.context["page_obj"].object_list] == ["White 2020"]
    extraction1 = next(t for t in response.context["task_counts"] if t.task.field == "extractor1")
    assert extraction1.counts["in_progress"] == 1
    assert extraction1.counts["not_started"] == 3
    csv_url = reverse("synthesis:progress-csv", args=[dual.umbrella.slug])
    lines = list(
        csv.reader(
            io.StringIO(client.get(csv_url, {"person": dual.one.pk}).content.decode("utf-8-sig"))
        )
    )
    assert lines[0] == ["review", "task", "assigned_to", "status"]
    assert ["White 2020", "Extraction 1", "ext-one", "in_progress"] in lines
    assert {line[2] for line in lines[1:]} == {"ext-one"}
    assert len(lines) == 1 + 4  # ext-one holds one extraction of each of the four reviews


def test_my_tasks_links_straight_to_each_form(dual, client):
    ReviewAssignment.objects.create(review=dual.review, extractor2=dual.one, rater1=dual.one)
    client.force_login(dual.one)
    response = client.get(reverse("synthesis:my-tasks", args=[dual.umbrella.slug]))
    links = {cell.task.field: url for cell, url in response.context["tasks"]}
    slug, pk = dual.umbrella.slug, dual.review.pk
    assert links == {
        "rater1": f"/u/{slug}/reviews/{pk}/appraisal/first/",
        "extractor2": f"/u/{slug}/reviews/{pk}/extraction/second/",
    }
    assert response.context["n_open"] == 2


@pytest.mark.parametrize("n_reviews", [5, 60])
def test_the_dashboard_runs_a_bounded_number_of_queries(
    dual, client, n_reviews, django_assert_max_num_queries
):
    add_reviews(dual.umbrella, n_reviews)
    bulk_assign(
        umbrella=dual.umbrella,
        tasks=("extractor1", "extractor2"),
        people=[dual.one, dual.two],
        only_unassigned=False,
    )
    dual.extract(dual.one, "first")
    client.force_login(dual.owner)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("synthesis:progress", args=[dual.umbrella.slug]))
    assert response.context["n_reviews"] == n_reviews + 1
    with django_assert_max_num_queries(14):
        client.get(reverse("synthesis:my-tasks", args=[dual.umbrella.slug]))
    with django_assert_max_num_queries(12):
        client.get(reverse("synthesis:progress-csv", args=[dual.umbrella.slug]))
