"""A researcher enters three primary studies behind White 2020's hospitalisation result and
checks the review's pooled figure against the re-analysis."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Page, expect

from reviews.models import IncludedReview, Membership, UmbrellaReview

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server):
    call_command("load_demo", verbosity=0)
    umbrella = UmbrellaReview.objects.get(slug="peer-support-mental-health")
    user = get_user_model().objects.create_user("ada", password="lovelace-1815")
    Membership.objects.create(umbrella=umbrella, user=user, role="researcher")
    white = IncludedReview.objects.get(umbrella=umbrella, label="White 2020")
    return live_server.url, white.get_absolute_url()


def test_researcher_enters_three_studies_and_compares_with_the_reported_result(site, page: Page):
    base, white_url = site
    page.goto(f"{base}/accounts/login/?next={white_url}")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("lovelace-1815")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("White 2020")
    page.get_by_role("link", name=re.compile("^Re-analysis of Hospitalisation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Re-analysis from the primary studies"
    )
    expect(page.get_by_role("heading", name="No study-level data yet")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Credibility criteria"))).to_contain_text(
        "not assessable"
    )

    # One study through the form (made-up trials: the seed has no per-trial data) ...
    page.get_by_role("link", name="Add a study").click()
    page.get_by_label("Label").fill("Trial A")
    page.get_by_label("Events / n per arm").check()
    page.get_by_label("Events, intervention").fill("10")
    page.get_by_label("n, intervention", exact=True).fill("60")
    page.get_by_label("Events, control").fill("14")
    page.get_by_label("n, control", exact=True).fill("5")  # fewer than the events: refused
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_events2_errors")).to_contain_text("Events must lie between 0 and n")
    page.get_by_label("n, control", exact=True).fill("58")
    page.get_by_role("button", name="Save").click()

    # ... and two pasted.
    page.get_by_label(re.compile("^Rows")).fill(
        "label,events1,n1,events2,n2\nTrial B,22,110,27,105\nTrial C,8,45,9,47"
    )
    page.get_by_role("button", name="Add the pasted studies").click()
    expect(page.get_by_role("status")).to_contain_text("2 studies added")

    expect(page.locator("#study-forest-plot .js-plotly-plot")).to_be_visible()
    studies = page.get_by_role("table", name=re.compile("Study-level data"))
    expect(studies.get_by_role("row")).to_have_count(4)
    pooled = page.get_by_role("table", name=re.compile("Every figure of the"))
    expect(pooled.get_by_role("row", name=re.compile("^Pooled RR"))).to_contain_text("0.7793")
    expect(pooled.get_by_role("row", name=re.compile("^95% CI \\(standard"))).to_contain_text(
        "0.5385 to 1.1277"
    )
    comparison = page.get_by_role("table", name=re.compile("Reported figures against"))
    expect(comparison.get_by_role("row", name=re.compile("^Estimate"))).to_contain_text(
        "differs beyond rounding"
    )
    expect(comparison.get_by_role("row", name=re.compile("^95% CI upper"))).to_contain_text(
        "agrees"
    )
    expect(page.locator("#comparison-verdict")).to_contain_text("4 figures differ beyond rounding")

    page.get_by_role("combobox", name="Method").select_option("MH")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#method-shown")).to_have_text(
        "Fixed effect, Mantel–Haenszel (counts only)"
    )
