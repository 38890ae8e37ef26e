"""An owner uploads a workbook, follows the background dry run, confirms, and sees the reviews.

The background tasks run in the test's own process through the real database backend and its
worker loop (the `run_tasks` fixture), between the page's steps; the status page refreshes
itself until they are done."""

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


def log_in(page: Page, site: str, then: str) -> None:
    page.goto(f"{site}/accounts/login/?next={then}")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()


def test_owner_imports_a_workbook_after_a_dry_run(site, page: Page, tmp_path, run_tasks):
    # In dual extraction the import adds final results all the same, and both reports say so.
    UmbrellaReview.objects.filter(slug="peer").update(extraction_mode="dual")
    workbook = write_xlsx(tmp_path / "peer.xlsx", small_project())
    log_in(page, site, "/u/peer/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import data").click()

    page.get_by_label("File:", exact=True).set_input_files(str(workbook))
    page.get_by_role("button", name="Check the file (dry run)").click()
    expect(page.get_by_role("heading", name="Waiting for the import worker")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_be_visible()
    page.screenshot(path=str(tmp_path / "waiting.png"), full_page=True)
    run_tasks()
    # The page refreshes itself every 2 seconds while the task runs.
    expect(page.get_by_role("heading", name="Dry run of peer.xlsx: no problems")).to_be_visible()
    report = page.get_by_role("table", name="What the import will do")
    expect(report.get_by_role("row", name="included_reviews")).to_contain_text("2")
    expect(report.get_by_role("row", name="appraisal_answers")).to_contain_text("16")
    expect(page.get_by_role("note")).to_contain_text(
        "Warning: 2 outcome results will be added as final results without dual extraction"
    )
    page.screenshot(path=str(tmp_path / "dry-run.png"), full_page=True)

    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_role("heading", name="Waiting for the import worker")).to_be_visible()
    run_tasks()
    expect(page.get_by_role("heading", name="Imported peer.xlsx")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("2 outcome results were added")
    page.get_by_role("link", name="See the included reviews").click()
    expect(page.get_by_role("heading", name="2 reviews")).to_be_visible()
    expect(page.get_by_role("link", name="Chien 2019")).to_be_visible()
    expect(page.get_by_role("link", name="Fuhr 2014")).to_be_visible()


def test_owner_cancels_a_checked_upload(site, page: Page, tmp_path, run_tasks):
    workbook = write_xlsx(tmp_path / "peer.xlsx", small_project())
    log_in(page, site, "/u/peer/import/")
    page.get_by_label("File:", exact=True).set_input_files(str(workbook))
    page.get_by_role("button", name="Check the file (dry run)").click()
    run_tasks()
    page.reload()
    page.get_by_role("button", name="Cancel and delete the upload").click()
    expect(
        page.get_by_text("Cancelled: peer.xlsx was deleted; nothing was written.")
    ).to_be_visible()
    uploads = page.get_by_role("table", name="The last 1 file you uploaded here")
    expect(uploads.get_by_role("row", name="peer.xlsx")).to_contain_text("Cancelled")
