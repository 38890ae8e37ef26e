"""Computed pages are cached per project data revision, and every write retires them.

The revision is bumped after the write commits; these tests run inside a transaction that
never commits, so they run the on-commit callbacks of the requests they make themselves.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from reviews.admin_locking import LOADED_VERSION
from reviews.models import (
    DataRevision,
    ImplementationFactor,
    Membership,
    Report,
    UmbrellaReview,
)
from synthesis.models import OutcomeDomain, OutcomeResult

SLUG = "peer-support-mental-health"
OVERVIEW = reverse("synthesis:overview", kwargs={"slug": SLUG})
RECOVERY = "Recovery (self-reported)"


def revision() -> int:
    numbers = DataRevision.objects.filter(umbrella__slug=SLUG).values_list("number", flat=True)
    return numbers.first() or 0  # no row yet: never bumped


def improvement_count(response) -> int:
    """Meta-analyses finding an improvement in recovery, as the page's matrix shows them."""
    rows = [row for g in response.context["overview"].groups for row in g.rows]
    return next(r for r in rows if r.outcome.name == RECOVERY).meta["improvement"]


def a_recovery_improvement() -> OutcomeResult:
    return OutcomeResult.objects.filter(
        outcome__name=RECOVERY, evidence_type="meta_analysis", finding="improvement"
    ).first()


@pytest.fixture
def owner(peer_support):
    user = get_user_model().objects.create_user("owner", password="pw")
    Membership.objects.create(umbrella=peer_support, user=user, role="owner")
    return user


def test_the_overview_is_rendered_once_per_revision(client, peer_support, owner):
    client.force_login(owner)  # members skip the public page cache: this is the fragment's
    first = client.get(OVERVIEW)
    assert "groups" in vars(first.context["overview"])  # computed on the miss
    # Another member (their own kept page, rendered) reads the fragment the owner computed.
    other = get_user_model().objects.create_user("researcher", password="pw")
    Membership.objects.create(umbrella=peer_support, user=other, role="researcher")
    client.force_login(other)
    second = client.get(OVERVIEW)
    assert "groups" not in vars(second.context["overview"])  # served from the cache
    # The same matrix and map (the rest of the page differs by the CSRF token of the form).
    assert second.content.split(b'class="results"')[1] == first.content.split(b'class="results"')[1]


def test_anonymous_readers_get_the_kept_page_in_one_query(
    client, peer_support, django_assert_max_num_queries
):
    first = client.get(OVERVIEW, {"timepoint": "post"})
    with django_assert_max_num_queries(1):  # the project (and its revision)
        second = client.get(OVERVIEW, {"timepoint": "post"})
    assert second.context is None  # no view ran
    assert second.content == first.content
    assert second["Content-Security-Policy"]  # headers still come from the middleware
    other = client.get(OVERVIEW, {"timepoint": "follow_up"})
    assert other.context is not None
    assert other.content != first.content


def test_members_are_never_served_the_public_page_nor_the_public_theirs(
    client, peer_support, owner
):
    public = client.get(OVERVIEW).content  # kept for the public
    client.force_login(owner)
    first = client.get(OVERVIEW)
    assert first.context is not None  # not the public page: rendered for the member
    assert client.get(OVERVIEW).context is None  # then kept for them (page_cache)
    client.logout()
    assert client.get(OVERVIEW).content == public
    UmbrellaReview.objects.filter(pk=peer_support.pk).update(is_published=False)
    assert client.get(OVERVIEW).status_code == 404


def test_a_web_write_retires_the_cached_pages(
    client, peer_support, owner, django_capture_on_commit_callbacks
):
    before = client.get(OVERVIEW)
    assert improvement_count(before) == 5
    # Only the finding changes, outside any request: the cached page still shows 5 ...
    result = a_recovery_improvement()
    OutcomeResult.objects.filter(review=result.review, outcome=result.outcome).update(
        finding="no_effect"
    )
    assert b">5</a>" in client.get(OVERVIEW).content
    # ... until a member's write request bumps the project's revision.
    start = revision()
    client.force_login(owner)
    check = reverse(
        "synthesis:result-check",
        kwargs={"slug": SLUG, "pk": result.review_id, "result_pk": result.pk},
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(check, {"version": result.version}).status_code == 302
    assert revision() == start + 1
    after = client.get(OVERVIEW)
    assert "groups" in vars(after.context["overview"])
    assert improvement_count(after) == 4


def test_reads_failed_writes_and_anonymous_posts_retire_nothing(
    client, peer_support, owner, django_capture_on_commit_callbacks
):
    start = revision()
    client.get(OVERVIEW)
    result = a_recovery_improvement()
    check = reverse(
        "synthesis:result-check",
        kwargs={"slug": SLUG, "pk": result.review_id, "result_pk": result.pk},
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(check, {"version": result.version})  # anonymous: sent to log in
        outsider = get_user_model().objects.create_user("outsider", password="pw")
        client.force_login(outsider)
        assert client.post(check, {"version": result.version}).status_code == 403
        client.force_login(owner)  # a stale check is refused: nothing written
        client.post(check, {"version": result.version + 1})
    assert callbacks == []
    assert revision() == start


def test_an_invalid_form_post_retires_nothing(
    client, peer_support, owner, django_capture_on_commit_callbacks
):
    """Issue #15 item 14: the revision moves with writes, not with write requests."""
    start = revision()
    factor = ImplementationFactor.objects.filter(umbrella=peer_support).first()
    url = reverse("reviews:factor-edit", kwargs={"slug": SLUG, "pk": factor.pk})
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"code": "", "statement": "", "version": factor.version})
    assert response.status_code == 200
    assert response.context["form"].errors["statement"] == ["This field is required."]
    assert callbacks == []
    assert revision() == start


def test_load_demo_retires_every_project_and_an_admin_delete_its_own(
    client, peer_support, make_umbrella, django_capture_on_commit_callbacks
):
    other = make_umbrella()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("load_demo", verbosity=0)  # nothing differs: nothing written or retired
    assert callbacks == []
    UmbrellaReview.objects.filter(pk=peer_support.pk).update(title="Edited since the load")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", update=True, verbosity=0)  # resets the title
    numbers = dict(DataRevision.objects.values_list("umbrella_id", "number"))
    assert set(numbers) == set(UmbrellaReview.objects.values_list("pk", flat=True))
    admin = get_user_model().objects.create_superuser("admin", password="pw")
    client.force_login(admin)
    report = Report.objects.filter(review__umbrella=peer_support).first()
    url = reverse("admin:reviews_report_delete", args=[report.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"post": "yes"}).status_code == 302
    after = dict(DataRevision.objects.values_list("umbrella_id", "number"))
    assert after[peer_support.pk] == numbers[peer_support.pk] + 1
    assert after[other.pk] == numbers[other.pk]  # the report was not its


def test_the_overlap_section_is_cached_too(client, peer_support):
    url = reverse("reviews:overlap", kwargs={"slug": SLUG})
    assert client.get(url).content == client.get(url).content


def test_an_admin_save_of_a_vocabulary_term_retires_its_projects_pages(
    client, peer_support, make_umbrella, django_capture_on_commit_callbacks
):
    other = make_umbrella()
    domain = OutcomeDomain.objects.filter(umbrella=peer_support).first()
    admin = get_user_model().objects.create_superuser("admin", password="pw")
    client.force_login(admin)
    url = reverse("admin:synthesis_outcomedomain_change", args=[domain.pk])
    data = {
        "umbrella": peer_support.pk,
        "name": "Renamed domain",
        "position": domain.position,
        "description": "",
        LOADED_VERSION: domain.version,  # outcome domains are versioned (issue 16's settings)
    }
    start = revision()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    assert OutcomeDomain.objects.get(pk=domain.pk).name == "Renamed domain"
    assert revision() == start + 1
    assert not DataRevision.objects.filter(umbrella=other).exists()
