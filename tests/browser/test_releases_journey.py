"""Living releases in Chromium (issue 20's "Done when"): the owner publishes release 1, adds a
review and its result, publishes release 2 with the generated change log (each publish runs
in the task worker, here `run_tasks`, while its status page waits); the change page, the
feed and release 1 read "as of" show the change; every release page fits both widths."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page, expect

from reviews.models import IncludedReview, Inclusion, Membership, PrimaryStudy, UmbrellaReview
from synthesis.models import Outcome, OutcomeDomain, OutcomeResult

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-pass-phrase"


@pytest.fixture
def site(transactional_db, live_server):
    owner = get_user_model().objects.create_user("owner", password=PASSWORD)
    umbrella = UmbrellaReview.objects.create(
        title="Peer support: a living umbrella review", slug="living", is_published=True
    )
    Membership.objects.create(umbrella=umbrella, user=owner, role=Membership.Role.OWNER)
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Recovery")
    outcome = Outcome.objects.create(umbrella=umbrella, name="Hope", domain=domain)
    studies = [
        PrimaryStudy.objects.create(umbrella=umbrella, label=f"Trial {i}", title=f"Trial {i}")
        for i in range(3)
    ]
    for label, rating, estimate, included in (
        ("Adams 2018", "high", 0.3, studies[:2]),
        ("Baker 2021", "low", -0.05, studies[1:]),
    ):
        review = IncludedReview.objects.create(
            umbrella=umbrella,
            label=label,
            title=f"Peer support review {label}",
            year=int(label[-4:]),
            review_type="sr_meta_analysis",
            published_rating=rating,
        )
        OutcomeResult.objects.create(
            review=review, outcome=outcome, evidence_type="meta_analysis", measure="smd",
            k=4, n=400, estimate=estimate, ci_low=estimate - 0.2, ci_high=estimate + 0.2,
        )  # fmt: skip
        for study in included:
            Inclusion.objects.create(review=review, study=study)
    return live_server.url


def fits(page: Page) -> None:
    """No sideways scrolling of the page at a phone's width or a laptop's."""
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def publish(page: Page, site: str, number: int, run_tasks) -> str:
    """Publish the next release from the releases page, through the task worker (its status
    page refreshes itself); the notes it was published with."""
    page.goto(f"{site}/u/living/releases/")
    page.get_by_role("link", name=f"Publish release {number}").click()
    notes = page.get_by_label("Release notes").input_value()
    fits(page)
    page.get_by_role("button", name=f"Publish release {number}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Publishing release {number}")
    expect(page.get_by_role("status")).to_have_text("Status: Waiting for the publishing worker.")
    fits(page)
    run_tasks()
    expect(page.get_by_role("heading", name=f"Release {number} is published")).to_be_visible()
    page.get_by_role("link", name=f"Read release {number}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Release {number}")
    return notes


def test_release_add_a_review_release_again_and_read_what_changed(
    site, browser: Browser, run_tasks
):
    page = browser.new_context().new_page()
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)

    assert publish(page, site, 1, run_tasks) == "First release."
    fits(page)

    # A new review and its narrative result, through the site's forms.
    page.goto(f"{site}/u/living/reviews/add/")
    page.get_by_label("Label").fill("Carter 2022")
    page.get_by_label("Title").fill("Peer mentoring after prison: a systematic review")
    review_type = page.get_by_label("Review type", exact=True)
    review_type.select_option(label="Systematic review without meta-analysis")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Carter 2022")
    page.get_by_role("link", name="Add an outcome result").click()
    page.get_by_label("Outcome", exact=True).select_option(label="Hope")
    page.get_by_label("Evidence type").select_option(label="Narrative")
    page.get_by_label("Finding", exact=True).select_option(label="Improvement")
    page.get_by_role("button", name="Save").click()

    # The draft page and the generated notes already say what release 2 will change.
    page.goto(f"{site}/u/living/releases/draft/")
    expect(page.locator(".release-notes")).to_contain_text("Reviews added: Carter 2022.")
    fits(page)
    notes = publish(page, site, 2, run_tasks)
    assert notes.splitlines()[0] == "- Reviews added: Carter 2022."
    assert "- Outcome Hope: reviews 2 → 3;" in notes
    expect(page.locator(".release-notes")).to_contain_text("Reviews added: Carter 2022.")
    fits(page)

    # The change page, table by table.
    page.get_by_role("link", name=re.compile("Every change since release 1")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What changed from release 1 to release 2"
    )
    reviews = page.get_by_role("table", name=re.compile("^Included reviews"))
    expect(reviews.get_by_role("rowheader", name="Carter 2022")).to_be_visible()
    outcomes = page.get_by_role("table", name=re.compile("^Outcomes"))
    expect(outcomes).to_contain_text("finding")
    expect(outcomes).to_contain_text("1 of 1 narrative synthesis reported an improvement")
    fits(page)

    # The feed names release 2 and its notes.
    feed = page.request.get(f"{site}/u/living/releases/feed.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert "Release 2 of" in feed.text()
    assert "Carter 2022" in feed.text()

    # Release 1, read as of then: the banner, and no Carter 2022 in its reviews.
    page.goto(f"{site}/u/living/releases/1/read/reviews/")
    expect(page.get_by_role("note", name="Release")).to_contain_text("You are reading release 1")
    expect(page.get_by_role("link", name="Adams 2018")).to_be_visible()
    expect(page.get_by_role("link", name="Carter 2022")).to_have_count(0)
    page.get_by_role("link", name="This page in the current version").click()
    expect(page.get_by_role("link", name="Carter 2022")).to_be_visible()
    assert page.url == f"{site}/u/living/reviews/"
