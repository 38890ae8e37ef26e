"""A rater appraises a scoping review with AMSTAR 2, then agrees the consensus, in Chromium."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Page, expect

from appraisal.services import ItemInput, save_appraisal
from reviews.models import IncludedReview, Membership, UmbrellaReview

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-pass-phrase"


@pytest.fixture
def site(transactional_db, live_server):
    call_command("load_demo", verbosity=0)
    rater = get_user_model().objects.create_user("rater", password=PASSWORD)
    umbrella = UmbrellaReview.objects.get(slug="peer-support-mental-health")
    Membership.objects.create(umbrella=umbrella, user=rater, role=Membership.Role.REVIEWER)
    # The second rater has already submitted: yes throughout except a "no" on item 2.
    second = get_user_model().objects.create_user("second")
    Membership.objects.create(umbrella=umbrella, user=second, role=Membership.Role.REVIEWER)
    answers = {n: ItemInput(answer="yes") for n in (1, 3, 4, 5, 6, 7, 8, 10, 13, 14, 16)}
    save_appraisal(
        review=IncludedReview.objects.get(label="Ong 2022"),
        role="second",
        rater=second,
        items=answers | {2: ItemInput(answer="no")},
        expected_version=0,
        submit=True,
    )
    return live_server.url


def test_rater_appraises_a_scoping_review_and_the_table_shows_it(site, page: Page):
    page.goto(f"{site}/u/peer-support-mental-health/reviews/?review_type=scoping")
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("rater")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Ong 2022").click()
    page.get_by_role("link", name="start this appraisal").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("AMSTAR 2 – first rater")
    expect(page.get_by_text("Rule set: Scoping review")).to_be_visible()

    # Items 9, 11, 12 and 15 are not scored for scoping reviews; answer them so anyway.
    for item in range(1, 17):
        group = page.get_by_role("group", name=re.compile(rf"^(Answer to )?[Ii]tem {item}\b"))
        choice = "No" if item in (2, 7) else "Not scored" if item in (9, 11, 12, 15) else "Yes"
        group.first.get_by_label(choice, exact=True).check()
    page.get_by_label("Justification for item 2").fill("No protocol was registered.")
    page.get_by_role("button", name="Submit appraisal").click()

    expect(page.get_by_text("Appraisal submitted.")).to_be_visible()
    expect(page.locator("#overall-rating")).to_have_text("Critically low")
    page.get_by_role("link", name="Ong 2022").click()

    # Both raters have submitted: compare, then agree the consensus, which rates the review.
    page.get_by_role("link", name="Compare the two appraisals").click()
    expect(page.get_by_role("row", name=re.compile("^7. Excluded studies"))).to_contain_text(
        "disagree"
    )
    page.get_by_role("link", name="Start the consensus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("AMSTAR 2 – consensus")
    item_2 = page.get_by_role("group", name="Answer to item 2")
    expect(item_2.get_by_label("No", exact=True)).to_be_checked()  # agreed, so prefilled
    item_7 = page.get_by_role("group", name="Answer to item 7")
    expect(item_7.get_by_label("No", exact=True)).not_to_be_checked()  # left to decide
    item_7.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Submit appraisal").click()
    expect(page.locator("#overall-rating")).to_have_text("Critically low")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="AMSTAR 2").click()
    page.get_by_role("checkbox", name="Scoping review").check()
    page.get_by_role("button", name="Apply filters").click()
    row = page.get_by_role("row", name=re.compile("^Ong 2022"))
    expect(row).to_contain_text("Critically low")
    expect(row).not_to_contain_text("as published")
    expect(row).to_contain_text("Scoping review")
