"""A policy reader's journey through the peer-support umbrella review in headless Chromium."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server):
    call_command("load_demo", verbosity=0)
    return live_server.url


def test_reader_filters_to_scoping_reviews_and_opens_one(site, page: Page):
    page.goto(site)
    page.get_by_role("link", name=re.compile("peer support approaches for mental health")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("systematic umbrella review")
    types = page.get_by_role("table", name="Reviews by type")
    expect(types.get_by_role("row", name=re.compile("^Scoping review"))).to_contain_text("6")
    expect(page.get_by_text("as reported")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Included reviews").click()
    expect(page.get_by_role("heading", name="35 reviews")).to_be_visible()
    page.get_by_role("checkbox", name="Scoping review").check()
    page.get_by_role("button", name="Apply filters").click()

    expect(page.get_by_role("heading", name="6 reviews match the filters")).to_be_visible()
    rows = page.locator("table.data-table tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.first).to_contain_text("Scoping review")

    page.get_by_role("link", name="Ong 2022").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ong 2022")
    citation = page.locator(".citation")
    expect(citation).to_contain_text("Ong QS, Yang HZ, Kuek JHL, Goh YS")
    expect(citation).to_contain_text(
        "Implementation of peer-support services in Asia: a scoping review"
    )
    expect(citation).to_contain_text("J Psychiatr Ment Health Nurs. 2022;30:309–25")
