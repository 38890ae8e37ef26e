"""A researcher uploads two reviews' study lists and reads their overlap, in headless Chromium."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from reviews.models import IncludedReview, Membership, ReviewType, UmbrellaReview

pytestmark = pytest.mark.browser

# Review A includes S1, S2; review B includes S2, S3 (S2 given as a DOI URL in another case).
# N = 4, r = 3, c = 2: CCA = (4 - 3) / (6 - 3) = 33.3 %, "very high".
REVIEW_A = (
    "label,title,authors,year,doi\n"
    "Sledge 2011,Peer support for psychosis,Sledge WH,2011,10.1000/s1\n"
    "Chinman 2015,Peer specialists in mental health teams,Chinman M,2015,10.1000/s2\n"
)
REVIEW_B = (
    "label,title,authors,year,doi\n"
    "Chinman 2015,Peer specialists in mental health teams,Chinman M,2015,"
    "https://doi.org/10.1000/S2\n"
    "Mahlke 2017,One-to-one peer support,Mahlke CI,2017,10.1000/s3\n"
)


@pytest.fixture
def site(transactional_db, live_server):
    umbrella = UmbrellaReview.objects.create(title="Overlap demo", slug="overlap-demo")
    for label in ("Review A 2018", "Review B 2019"):
        IncludedReview.objects.create(
            umbrella=umbrella,
            label=label,
            title=f"{label}: a systematic review",
            year=int(label[-4:]),
            review_type=ReviewType.SR_META_ANALYSIS,
        )
    user = get_user_model().objects.create_user("ada", password="lovelace-1815")
    Membership.objects.create(umbrella=umbrella, user=user, role=Membership.Role.RESEARCHER)
    return live_server.url


def upload(page: Page, review: str, csv_text: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Included reviews").click()
    page.get_by_role("link", name=review).click()
    page.get_by_role("link", name=re.compile("Enter primary studies")).click()
    page.get_by_label("CSV or RIS file of the review").set_input_files(
        {"name": "studies.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}
    )
    page.get_by_label("Add them to the registry").check()
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("2 studies linked")


def test_researcher_uploads_a_small_matrix_and_sees_the_cca_and_heatmap(site, page: Page):
    page.goto(f"{site}/accounts/login/?next=/u/overlap-demo/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("lovelace-1815")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overlap demo")

    upload(page, "Review A 2018", REVIEW_A)
    # A row naming an unknown DOI in "match only" mode is reported and nothing is linked.
    page.get_by_label("CSV or RIS file of the review").set_input_files(
        {"name": "bad.csv", "mimeType": "text/csv", "buffer": b"doi\n10.1000/s1\n10.1000/zz\n"}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Row 3, identifier: DOI 10.1000/zz is not in the registry"
    )
    upload(page, "Review B 2019", REVIEW_B)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Overlap").click()
    expect(page.locator("#overall-cca")).to_contain_text("33.3%")
    expect(page.locator("#overall-cca")).to_contain_text("very high overlap")
    frequency = page.get_by_role("table", name="Primary studies by the number of reviews")
    expect(frequency.get_by_role("row", name=re.compile("^2 reviews"))).to_contain_text("1")
    heatmap = page.locator(".heatmap .plotly-graph-div")
    expect(heatmap).to_be_visible()
    expect(heatmap.locator("g.hm, .heatmaplayer image, .hm image").first).to_be_attached()
    expect(heatmap).to_contain_text("Review A 2018")
    expect(
        page.get_by_role("link", name=re.compile("Download the citation matrix"))
    ).to_be_visible()
