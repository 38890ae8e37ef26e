"""A reader reads the model case's implementation table (Table 5) and PRISMA diagram (Figure 1)."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server):
    call_command("load_demo", verbosity=0)
    return live_server.url


def test_reader_filters_implementation_to_barriers_and_opens_the_prisma_diagram(site, page: Page):
    page.goto(f"{site}/u/peer-support-mental-health/")
    page.get_by_role("link", name="Implementation factors").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("What influences implementation")
    expect(page.get_by_role("heading", name="33 factors from 9 reviews")).to_be_visible()
    matrix = page.get_by_role("table", name="Factors by CFIR domain and valence")
    expect(matrix.get_by_role("row", name="Outer setting 2 4 0 6")).to_be_visible()

    valence = page.get_by_label("Facilitator or barrier")
    valence.select_option(label="Barriers (incl. factors coded both)")
    page.get_by_role("button", name="Apply filters").click()

    heading = page.get_by_role("heading", name="9 factors from 6 reviews match the filters")
    expect(heading).to_be_visible()
    expect(page.get_by_role("heading", name="Innovation")).to_have_count(0)
    outer = page.get_by_role("table", name="Outer setting: facilitators and barriers")
    expect(outer.locator("td.barrier .factor-statement")).to_have_count(4)
    expect(outer).to_contain_text("Power hierarchies")
    expect(outer.get_by_role("link", name="Ong 2022")).to_have_count(2)
    expect(outer.locator(".badge").first).to_have_text("Critically low")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Overview").click()
    page.get_by_role("link", name="PRISMA flow diagram").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("PRISMA 2020 flow diagram")
    diagram = page.get_by_role("img", name="PRISMA 2020 flow diagram")
    expect(diagram).to_contain_text("Databases (n = 777)")
    expect(diagram).to_contain_text("Reviews included in review (n = 35)")
    expect(diagram).to_contain_text("Duplicate records (n = not reported)")
    counts = page.get_by_role("table", name="PRISMA 2020 flow counts")
    expect(counts.get_by_role("row", name=re.compile("^Records screened"))).to_contain_text(
        "not reported"
    )
    expect(counts.get_by_role("row", name="Reports excluded 57")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="PNG").click()
    assert download.value.suggested_filename == "peer-support-mental-health-prisma.png"
