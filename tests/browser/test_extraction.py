"""Dual extraction end to end in Chromium: an owner switches dual extraction on and assigns two
extractors; each extracts a result blind (one reads a different CI); the comparison highlights
the CI; reconciliation makes the one final result the evidence table shows; the dashboard's
counts move at each step."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Page, expect

from reviews.models import IncludedReview, Membership, ReviewType, UmbrellaReview

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-pass-phrase"
SLUG = "peer-support-mental-health"


@pytest.fixture
def site(transactional_db, live_server):
    call_command("load_demo", verbosity=0)
    umbrella = UmbrellaReview.objects.get(slug=SLUG)
    for name, role in (("olivia", "owner"), ("eric", "researcher"), ("emma", "researcher")):
        user = get_user_model().objects.create_user(name, password=PASSWORD)
        Membership.objects.create(umbrella=umbrella, user=user, role=role)
    IncludedReview.objects.create(
        umbrella=umbrella,
        label="Zed 2024",
        title="Peer support for depression: a meta-analysis",
        year=2024,
        review_type=ReviewType.SR_META_ANALYSIS,
    )
    return live_server.url


def log_in(page: Page, site: str, name: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/?next=/u/{SLUG}/progress/")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress")


def count(page: Page, task: str, status: str) -> str:
    row = page.locator("#task-counts tr", has=page.get_by_role("rowheader", name=task, exact=True))
    return row.locator(f'td[data-status="{status}"]').inner_text()


def extract(page: Page, site: str, slot: str, ci: tuple[str, str]) -> None:
    page.goto(f"{site}/u/{SLUG}/progress/")
    page.get_by_role("link", name="My tasks").click()
    page.get_by_role("link", name="Open extraction").click()
    page.get_by_role("button", name="Start extraction").click()
    expect(page.locator("#extraction-status")).to_have_text("Draft")
    page.get_by_role("link", name="Add an outcome result").click()
    page.get_by_label("Outcome", exact=True).select_option(label="Depression")
    page.get_by_label("Evidence type").select_option("meta_analysis")
    page.get_by_label("Timepoint", exact=True).select_option("post")
    page.get_by_label("Studies (k)").fill("6")
    page.get_by_label("Participants (n)").fill("812")
    page.get_by_label("Effect measure").select_option("smd")
    page.get_by_label("Estimate", exact=True).fill("-0.3")
    page.get_by_label("95% CI lower").fill(ci[0])
    page.get_by_label("95% CI upper").fill(ci[1])
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Result for Depression saved.")).to_be_visible()
    page.get_by_role("button", name=f"Submit extraction {slot}").click()
    expect(page.locator("#extraction-status")).to_have_text("Submitted")


def test_two_extractors_extract_blind_and_the_owner_reconciles(site, page: Page):
    log_in(page, site, "olivia")
    page.get_by_role("link", name="Assign tasks").click()
    page.get_by_role("link", name="Settings → Extraction").click()
    page.get_by_label("Dual independent extraction, then reconciliation").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Extraction: Dual independent extraction")).to_be_visible()
    page.get_by_role("link", name="Assignments", exact=True).click()
    page.get_by_role("link", name="Edit the assignments of Zed 2024").click()
    page.get_by_label("Extraction 1").select_option(label="eric")
    page.get_by_label("Extraction 2").select_option(label="emma")
    page.get_by_label("Reconciliation").select_option(label="olivia")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="See the progress dashboard").click()
    assert count(page, "Extraction 1", "in_progress") == "0"

    log_in(page, site, "eric")
    extract(page, site, "1", ("-0.5", "-0.1"))
    first_url = page.url

    log_in(page, site, "emma")
    assert count(page, "Extraction 1", "submitted") == "1"
    # Blind: the other extraction stays hidden until both have submitted.
    response = page.goto(first_url)
    assert response is not None
    assert response.status == 403
    expect(page.get_by_text("stays hidden until both extractors have submitted")).to_be_visible()
    extract(page, site, "2", ("-0.55", "-0.02"))
    page.goto(first_url)
    expect(page.locator("#extraction-status")).to_have_text("Submitted")  # now visible

    log_in(page, site, "olivia")
    assert count(page, "Extraction 2", "submitted") == "1"
    assert count(page, "Reconciliation", "done") == "0"
    page.get_by_role("link", name="My tasks").click()
    page.get_by_role("link", name="Open reconciliation of Zed 2024").click()
    expect(page.get_by_text("2 differences")).to_be_visible()
    ci_low = page.locator("tr.disagree", has=page.get_by_role("rowheader", name="95% CI lower"))
    expect(ci_low).to_contain_text("-0.5")
    expect(ci_low).to_contain_text("-0.55")
    expect(page.locator("tr.disagree")).to_have_count(2)  # the CI's two limits only
    page.get_by_role("link", name="Reconcile Depression").click()
    expect(page.get_by_label("Estimate", exact=True)).to_have_value("-0.3")
    expect(page.get_by_label("95% CI lower")).to_have_value("")
    page.get_by_label("95% CI lower").fill("-0.5")
    page.get_by_label("95% CI upper").fill("-0.1")
    page.get_by_role("button", name="Save the final result").click()
    expect(page.get_by_text("Final result for Depression saved.")).to_be_visible()

    page.goto(f"{site}/u/{SLUG}/progress/")
    assert count(page, "Reconciliation", "done") == "1"
    assert count(page, "Extraction 1", "done") == "1"
    page.goto(f"{site}/u/{SLUG}/evidence/")
    page.get_by_role("link", name="Depression", exact=True).first.click()
    # The results table (the summary-of-findings row above it names the selected review too).
    row = page.locator("table.results-table tr", has=page.get_by_text("Zed 2024"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("−0.30")  # printed with a true minus sign
