"""A team runs a new umbrella review from the first log-in to publication in Chromium, without
the admin (issue 16's "Done when"): an invitation accepted from the mail outbox, a project
created from the home page, its settings, three included reviews (one from a RIS file, read by
the background import worker, run here with `run_tasks`) and an
excluded one, a second researcher invited, a blinded double appraisal and its consensus, a
result extracted and checked, publication, and an anonymous reader seeing the evidence table.
Every request the browser makes is recorded: none may go to /admin/."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from reviews.members.invitations import invite
from reviews.models import IncludedReview, Membership, UmbrellaReview
from synthesis.models import OutcomeResult

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-pass-phrase"
RIS = """TY  - JOUR
AU  - Carter, Dana
TI  - Peer mentoring for people leaving prison: a systematic review
T2  - Journal of Offender Rehabilitation
PY  - 2022
DO  - 10.1000/peer.mentoring.2022
ER  -
"""


@pytest.fixture
def site(transactional_db, live_server, mailoutbox):
    """A fresh database with one staff member's project, from which the first user is invited."""
    host = get_user_model().objects.create_user("host", email="host@example.org")
    welcome = UmbrellaReview.objects.create(title="Welcome project", slug="welcome")
    Membership.objects.create(umbrella=welcome, user=host, role=Membership.Role.OWNER)
    invite(
        umbrella=welcome,
        email="alice@example.org",
        role=Membership.Role.RESEARCHER,
        invited_by=host,
        link_for=lambda token: live_server.url + reverse("reviews:invitation-accept", args=[token]),
    )
    return live_server.url


def recording(page: Page, seen: list[str]) -> Page:
    page.on("request", lambda request: seen.append(request.url))
    return page


def link_in(mail) -> str:
    return re.search(r"https?://\S+", mail.body).group(0)


def accept_invitation(page: Page, link: str, username: str) -> None:
    page.goto(link)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create the account and join").click()


def add_term(page: Page, section: str, **fields: str) -> None:
    nav = page.get_by_role("navigation", name="Settings sections")
    nav.get_by_role("link", name=section).click()
    for label, value in fields.items():
        field = page.get_by_label(label.replace("_", " "), exact=True)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("table")).to_contain_text(next(iter(fields.values())))


def add_review(page: Page, label: str, review_type: str, population: str) -> None:
    page.get_by_role("link", name="Add an included review").click()
    page.get_by_label("Label").fill(label)
    page.get_by_label("Title").fill(f"{label}: peer support in prisons")
    page.get_by_label("Review type", exact=True).select_option(label=review_type)
    page.get_by_role("group", name="Populations").get_by_label(population).check()
    page.get_by_role("group", name="Research questions").get_by_label("RQ1").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)


def appraise(page: Page, review_url: str, role: str) -> None:
    """Every item "yes" (items not scored for a scoping review: "not scored")."""
    page.goto(f"{review_url}appraisal/{role}/")
    for item in range(1, 17):
        group = page.get_by_role("group", name=re.compile(rf"^(Answer to )?[Ii]tem {item}\b"))
        choice = "Not scored" if item in (9, 11, 12, 15) else "Yes"
        group.first.get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Submit appraisal").click()
    expect(page.get_by_text("Appraisal submitted.")).to_be_visible()


def test_a_team_runs_an_umbrella_review_from_invitation_to_publication(
    site, browser: Browser, mailoutbox, tmp_path, run_tasks
):
    seen: list[str] = []
    alice = recording(browser.new_page(), seen)

    # The first user accepts the invitation and starts a project of her own.
    accept_invitation(alice, link_in(mailoutbox[0]), "alice")
    alice.goto(site)
    alice.get_by_role("link", name="Start a new umbrella review").click()
    alice.get_by_label("Title").fill("Peer support in prisons")
    alice.get_by_role("button", name="Create the umbrella review").click()
    expect(alice.get_by_role("heading", level=1)).to_have_text("Peer support in prisons")
    slug = UmbrellaReview.objects.get(title="Peer support in prisons").slug
    project = f"{site}/u/{slug}/"

    # Settings: a research question, two populations, a domain and an outcome, a reason.
    alice.goto(f"{project}settings/")
    add_term(alice, "Research questions", Code="RQ1", Text="Does peer support help?")
    add_term(alice, "Populations", Name="Adults in prison")
    add_term(alice, "Populations", Name="Young people in custody")
    add_term(alice, "Outcome domains", Name="Clinical")
    add_term(alice, "Outcomes", Name="Depression", Domain="Clinical",
             Direction_of_benefit="Lower is better")  # fmt: skip
    add_term(alice, "Exclusion reasons", Name="Not a systematic review")

    # Three included reviews, one of them from a RIS file, and an excluded one.
    alice.goto(f"{project}reviews/")
    add_review(alice, "Ann 2020", "Scoping review", "Adults in prison")
    alice.goto(f"{project}reviews/")
    add_review(alice, "Bo 2021", "Systematic review with meta-analysis", "Young people in custody")
    ris = tmp_path / "carter.ris"
    ris.write_text(RIS)
    alice.goto(f"{project}import/")
    alice.set_input_files("input[type=file]", str(ris))
    alice.get_by_label("What the file holds").select_option("reviews")
    alice.get_by_role("button", name="Check the file (dry run)").click()
    # The dry run and the import are background tasks: run them between the page's steps.
    expect(alice.get_by_role("heading", name="Waiting for the import worker")).to_be_visible()
    run_tasks()
    expect(alice.locator("#report")).to_contain_text("1 new")
    alice.get_by_role("button", name="Confirm and import").click()
    expect(alice.get_by_role("heading", name="Waiting for the import worker")).to_be_visible()
    run_tasks()
    expect(alice.locator("#report")).to_contain_text("Imported carter.ris")
    alice.goto(f"{project}excluded/")
    alice.get_by_role("link", name="Add an excluded review").click()
    alice.get_by_label("Title").fill("A narrative overview of prison peer schemes")
    alice.get_by_label("Reason").select_option(label="Not a systematic review")
    alice.get_by_role("button", name="Save").click()
    expect(alice.get_by_role("table")).to_contain_text("A narrative overview")
    assert sorted(IncludedReview.objects.values_list("label", flat=True)) == [
        "Ann 2020", "Bo 2021", "Carter 2022"
    ]  # fmt: skip

    # A second researcher is invited and joins.
    alice.goto(f"{project}members/")
    alice.get_by_label("E-mail address", exact=True).fill("bob@example.org")
    alice.get_by_role("button", name="Send the invitation").click()
    bob = recording(browser.new_context().new_page(), seen)
    accept_invitation(bob, link_in(mailoutbox[-1]), "bob")
    assert Membership.objects.get(user__username="bob").role == Membership.Role.RESEARCHER

    # Both raters appraise Ann 2020, blinded, then agree the consensus.
    review = IncludedReview.objects.get(label="Ann 2020")
    review_url = f"{project}reviews/{review.pk}/"
    appraise(alice, review_url, "first")
    appraise(bob, review_url, "second")
    alice.goto(review_url)
    alice.get_by_role("link", name="agree the consensus").click()
    alice.get_by_role("button", name="Submit appraisal").click()
    expect(alice.locator("#overall-rating")).to_have_text("High")

    # Alice extracts a result; Bob checks it.
    alice.goto(review_url)
    alice.get_by_role("link", name="Add an outcome result").click()
    alice.get_by_label("Outcome", exact=True).select_option(label="Depression")
    alice.get_by_label("Evidence type").select_option(label="Narrative")
    alice.get_by_label("Finding", exact=True).select_option(label="Improvement")
    alice.get_by_role("button", name="Save").click()
    bob.goto(review_url)
    bob.get_by_role("button", name="Mark checked").click()
    assert OutcomeResult.objects.get().checked_by.get_username() == "bob"

    # Alice publishes; an anonymous reader sees the evidence table.
    alice.goto(f"{project}publish/")
    alice.get_by_role("button", name=re.compile("^Publish")).click()
    reader = recording(browser.new_context().new_page(), seen)
    reader.goto(f"{project}evidence/")
    expect(reader.get_by_role("heading", level=1)).to_be_visible()
    expect(reader.locator("main")).to_contain_text("Depression")
    expect(reader.locator("main")).to_contain_text("Clinical")

    assert seen, "the requests were recorded"
    assert [url for url in seen if "/admin/" in url] == []
