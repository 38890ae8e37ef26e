"""An owner uploads a workbook, reads the dry-run report, confirms, and sees the reviews."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from reviews.models import Membership, UmbrellaReview
from tests.dataio.workbook.helpers import small_project, write_xlsx

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server):
    umbrella = UmbrellaReview.objects.create(slug="peer", title="Peer support umbrella")
    user = get_user_model().objects.create_user("owner", password="a-long-test-password")
    Membership.objects.create(umbrella=umbrella, user=user, role=Membership.Role.OWNER)
    return live_server.url


def test_owner_imports_a_workbook_after_a_dry_run(site, page: Page, tmp_path):
    workbook = write_xlsx(tmp_path / "peer.xlsx", small_project())
    page.goto(f"{site}/accounts/login/?next=/u/peer/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import data").click()

    page.get_by_label("File:", exact=True).set_input_files(str(workbook))
    page.get_by_role("button", name="Check the file (dry run)").click()
    expect(page.get_by_role("heading", name="Dry run of peer.xlsx: no problems")).to_be_visible()
    report = page.get_by_role("table", name="What the import will do")
    expect(report.get_by_role("row", name="included_reviews")).to_contain_text("2")
    expect(report.get_by_role("row", name="appraisal_answers")).to_contain_text("16")
    page.screenshot(path=str(tmp_path / "dry-run.png"), full_page=True)

    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_role("heading", name="Imported peer.xlsx")).to_be_visible()
    page.get_by_role("link", name="See the included reviews").click()
    expect(page.get_by_role("heading", name="2 reviews")).to_be_visible()
    expect(page.get_by_role("link", name="Chien 2019")).to_be_visible()
    expect(page.get_by_role("link", name="Fuhr 2014")).to_be_visible()
