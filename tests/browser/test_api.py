"""A member creates an API token, reads an unpublished project with it, and opens the API's
docs page, whose Swagger UI runs under the site's Content Security Policy, in headless
Chromium at a desktop and a phone width."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from reviews.models import Membership, UmbrellaReview

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server):
    umbrella = UmbrellaReview.objects.create(title="Draft project", slug="draft-project")
    user = get_user_model().objects.create_user("ada", password="lovelace-1815")
    Membership.objects.create(umbrella=umbrella, user=user, role=Membership.Role.READER)
    return live_server.url


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_member_makes_a_token_reads_with_it_and_browses_the_docs(site, page: Page):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("lovelace-1815")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("What is the token for?").fill("R dashboard")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("Token", exact=True).input_value()
    assert re.fullmatch(r"ued_[\w-]{40,}", token)
    expect(page.get_by_role("row", name=re.compile("R dashboard"))).to_contain_text("Active")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        no_sideways_scroll(page)
        page.screenshot(path=f"/tmp/api-tokens-{width}.png", full_page=True)

    # The token reads the unpublished project, which an anonymous request cannot see.
    api = page.context.request
    url = f"{site}/api/v1/projects/draft-project/"
    anonymous = page.context.browser.new_context().request.get(url)
    assert anonymous.status == 404
    reading = api.get(url, headers={"Authorization": f"Token {token}"})
    assert reading.json()["title"] == "Draft project"

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{site}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("read API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    page.screenshot(path="/tmp/api-docs-1366.png")
    assert violations == []

    page.goto(f"{site}/accounts/tokens/")
    page.get_by_role("button", name="Revoke the token R dashboard").click()
    expect(page.get_by_role("status")).to_contain_text("is revoked")
    assert api.get(url, headers={"Authorization": f"Token {token}"}).status == 401
