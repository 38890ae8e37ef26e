"""A policy reader starts from the home page's findings, opens the summary of findings, switches
the selection rule, and finds the outcome page's summary row on its first screen."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server):
    call_command("load_demo", verbosity=0)
    return live_server.url


def test_reader_reads_the_summary_switches_the_rule_and_opens_an_outcome(site, page: Page):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(site)
    card = page.get_by_role("listitem").filter(has_text="peer support approaches")
    expect(card).to_contain_text("Mixed findings (14 outcomes): Recovery (self-reported)")
    card.get_by_role("link", name=re.compile("peer support approaches for mental health")).click()
    page.get_by_role("link", name="Summary of findings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Summary of findings")

    table = page.get_by_role("table", name=re.compile("Summary of findings, one row per outcome"))
    hope = table.get_by_role("row", name=re.compile("^Hope"))
    expect(hope).to_contain_text("Chien 2019")
    expect(hope).to_contain_text("Selected by: Highest AMSTAR 2 rating")

    # The reader puts recency first: Hope's row changes and says what the project's rule picks.
    page.get_by_text("Switch the rule, filter the rows").click()
    page.get_by_label("Selection rule (criteria in order)").fill("year,k")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_contain_text("1 row selects a different meta-analysis")
    hope = table.get_by_role("row", name=re.compile("^Hope"))
    expect(hope).to_contain_text("Peck 2023")
    expect(hope).to_contain_text("Changed: the project's rule picks Chien 2019")

    table.get_by_role("link", name="Recovery (self-reported)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery (self-reported)")
    summary_row = page.locator("#sof-row")
    expect(summary_row).to_contain_text("White 2020")
    expect(summary_row).to_contain_text("found a small improvement in recovery (self-reported)")
    box = summary_row.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 768  # the first screen at 1366 × 768
    assert box["x"] + box["width"] <= 1366
