"""Publishing: the checklist's exact counts, the switch, its record, and who may use it."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews.models import Inclusion, Membership, PrismaFlow, PublicationEvent, UmbrellaReview
from reviews.publishing.checks import run_checks
from synthesis.models import Outcome, OutcomeDomain, OutcomeResult


@pytest.fixture
def project(db, make_umbrella, make_review, make_study):
    umbrella = make_umbrella(title="Peer support", slug="peer", is_published=False)
    users = get_user_model().objects
    owner, researcher = users.create_user("olga"), users.create_user("rita")
    Membership.objects.create(umbrella=umbrella, user=owner, role="owner")
    Membership.objects.create(umbrella=umbrella, user=researcher, role="researcher")
    rated = make_review(umbrella, label="Ames 2019", published_rating="high")
    unrated = [make_review(umbrella, label=label) for label in ("Bell 2020", "Cole 2021")]
    Inclusion.objects.create(review=rated, study=make_study(umbrella))
    PrismaFlow.objects.create(umbrella=umbrella, screened=100, screened_excluded=80, sought=30)
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Clinical")
    outcome = Outcome.objects.create(umbrella=umbrella, name="Depression", domain=domain)
    for review, checked in ((rated, True), (unrated[0], False)):
        result = OutcomeResult.objects.create(
            review=review, outcome=outcome, evidence_type="narrative", finding="improvement"
        )
        if checked:
            OutcomeResult.objects.filter(pk=result.pk).update(
                checked_by=owner, checked_at=timezone.now()
            )
    return umbrella, owner, researcher


def test_the_checklist_counts_exactly_what_needs_a_look(project, django_assert_max_num_queries):
    umbrella, _, _ = project
    with django_assert_max_num_queries(8):
        checks = run_checks(umbrella)
    assert [(check.label, check.count, check.examples) for check in checks] == [
        ("Included reviews without an AMSTAR 2 rating", 2, ("Bell 2020", "Cole 2021")),
        (
            "Included reviews without their primary studies (overlap not entered)",
            2,
            ("Bell 2020", "Cole 2021"),
        ),
        (
            "PRISMA flow counts that do not add up",
            1,
            ("reports sought: sought = screened − screened_excluded fails (30 ≠ 100 − 80 = 20)",),
        ),
        ("Outcome results not checked by a second person", 1, ("Bell 2020 – Depression",)),
    ]


def test_the_checklist_counts_beyond_the_names_it_shows(project, make_review):
    umbrella, _, _ = project
    for n in range(6):
        make_review(umbrella, label=f"Zed 20{10 + n}")
    rating = run_checks(umbrella)[0]
    assert rating.count == 8
    assert rating.examples == ("Bell 2020", "Cole 2021", "Zed 2010", "Zed 2011", "Zed 2012")


def test_the_publish_page_shows_the_warnings_before_publishing(client, project):
    umbrella, owner, _ = project
    client.force_login(owner)
    page = client.get(reverse("reviews:publish", args=[umbrella.slug])).content.decode()
    assert "4 things to look at. These are warnings, not blockers" in page
    assert "Included reviews without an AMSTAR 2 rating: <strong>2</strong>" in page
    assert "Publish anyway" in page


def test_publishing_opens_the_project_to_anonymous_readers_and_unpublishing_hides_it(
    client, project, django_capture_on_commit_callbacks
):
    umbrella, owner, _ = project
    overview = umbrella.get_absolute_url()
    assert client.get(overview).status_code == 404
    client.force_login(owner)
    url = reverse("reviews:publish", args=[umbrella.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"publish": "yes", "version": umbrella.version})
    assert response.status_code == 302
    event = PublicationEvent.objects.get()
    assert (event.action, event.by) == ("published", owner)
    assert event.warnings == [
        ["Included reviews without an AMSTAR 2 rating", 2],
        ["Included reviews without their primary studies (overlap not entered)", 2],
        ["PRISMA flow counts that do not add up", 1],
        ["Outcome results not checked by a second person", 1],
    ]
    umbrella.refresh_from_db()
    assert umbrella.is_published
    assert umbrella.data_revision.number == 1  # cached pages retired
    assert umbrella.history.first().is_published  # in the project's history too
    assert "Published by olga on" in client.get(overview).content.decode()
    client.logout()
    assert client.get(overview).status_code == 200
    assert "Peer support" in client.get(reverse("reviews:home")).content.decode()

    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"publish": "no", "version": umbrella.version})
    assert [e.action for e in PublicationEvent.objects.all()] == ["unpublished", "published"]
    client.logout()
    assert client.get(overview).status_code == 404
    assert UmbrellaReview.objects.get(pk=umbrella.pk).data_revision.number == 2


def test_a_non_owner_cannot_publish(client, project):
    umbrella, _, researcher = project
    client.force_login(researcher)
    url = reverse("reviews:publish", args=[umbrella.slug])
    response = client.post(url, {"publish": "yes", "version": umbrella.version})
    assert response.status_code == 403
    assert not UmbrellaReview.objects.get(pk=umbrella.pk).is_published
    assert PublicationEvent.objects.count() == 0


def test_a_stale_publish_page_changes_nothing(client, project):
    umbrella, owner, _ = project
    client.force_login(owner)
    url = reverse("reviews:publish", args=[umbrella.slug])
    opened_at = umbrella.version
    UmbrellaReview.objects.filter(pk=umbrella.pk).update(version=F("version") + 1)  # an edit
    stale = client.post(url, {"publish": "yes", "version": opened_at})
    assert stale.status_code == 409
    assert "changed since this page was opened (it is now unpublished)" in stale.content.decode()
    assert not UmbrellaReview.objects.get(pk=umbrella.pk).is_published
    assert PublicationEvent.objects.count() == 0


def test_publishing_twice_records_nothing_new(client, project):
    umbrella, owner, _ = project
    client.force_login(owner)
    url = reverse("reviews:publish", args=[umbrella.slug])
    client.post(url, {"publish": "yes", "version": umbrella.version})
    again = client.post(url, {"publish": "yes", "version": umbrella.version + 1})
    assert again.status_code == 400
    assert "The umbrella review is already published." in again.content.decode()
    assert PublicationEvent.objects.count() == 1


@pytest.mark.parametrize("data", [{}, {"publish": "maybe", "version": "1"}, {"publish": "yes"}])
def test_an_incomplete_publish_form_changes_nothing(client, project, data):
    umbrella, owner, _ = project
    client.force_login(owner)
    response = client.post(reverse("reviews:publish", args=[umbrella.slug]), data)
    assert response.status_code == 400
    assert not UmbrellaReview.objects.get(pk=umbrella.pk).is_published
    assert PublicationEvent.objects.count() == 0


def test_the_publish_page_runs_a_fixed_number_of_queries(client, project, make_review):
    umbrella, owner, _ = project
    client.force_login(owner)
    url = reverse("reviews:publish", args=[umbrella.slug])
    counts = []
    for extra in (0, 10):
        for n in range(extra):
            make_review(umbrella, label=f"Extra {n}")
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_anonymous_readers_do_not_see_the_publication_record(client, project):
    umbrella, owner, _ = project
    client.force_login(owner)
    client.post(
        reverse("reviews:publish", args=[umbrella.slug]),
        {"publish": "yes", "version": umbrella.version},
    )
    client.logout()
    page = client.get(umbrella.get_absolute_url()).content.decode()
    assert "Published by" not in page
    assert "What to do next" not in page
