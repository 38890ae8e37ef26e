"""A policy reader asks "what does the evidence say about recovery, and from how good reviews?"."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server):
    call_command("load_demo", verbosity=0)
    return live_server.url


def test_reader_filters_evidence_to_recovery_and_downloads_the_csv(site, page: Page):
    page.goto(site)
    page.get_by_role("link", name=re.compile("peer support approaches for mental health")).click()
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Evidence", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence by outcome")

    page.get_by_role("checkbox", name="Recovery", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(
        page.get_by_role("heading", name="3 outcomes in 1 domain match the filters")
    ).to_be_visible()

    matrix = page.get_by_role("table", name=re.compile("Reviews per finding"))
    recovery = matrix.get_by_role("row", name=re.compile("^Recovery \\(self-reported\\)"))
    expect(recovery).to_contain_text(
        "5 of 7 meta-analyses found an improvement; none from a review rated high or moderate."
    )
    expect(matrix.get_by_role("rowheader")).to_have_count(4)  # the domain and its 3 outcomes
    expect(page.locator("#evidence-map .js-plotly-plot")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename == "peer-support-mental-health-evidence.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["outcome_domain"] for row in rows} == {"Recovery"}
    assert len(rows) == 22  # 16 self-reported recovery + 3 personal + 3 functional

    recovery.get_by_role("link", name="Recovery (self-reported)", exact=True).click()
    expect(page.locator("#outcome-summary")).to_contain_text("5 of 7 meta-analyses")
    expect(page.locator("#forest-plot .js-plotly-plot")).to_be_visible()
    white = page.get_by_role("row", name=re.compile("^White 2020"))
    expect(white).to_contain_text("0.22 [0.01, 0.42]")
    expect(white).to_contain_text("Low or critically low")
