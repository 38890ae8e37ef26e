import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page

from dataio.jobs import _Progress
from dataio.models import ImportJob
from reviews.models import Membership, UmbrellaReview
from tests.dataio.workbook.helpers import small_project, write_xlsx

pytestmark = pytest.mark.browser


def test_screens(transactional_db, live_server, page: Page, tmp_path, run_tasks):
    umbrella = UmbrellaReview.objects.create(slug="peer", title="Peer support umbrella")
    user = get_user_model().objects.create_user("owner", password="a-long-test-password")
    Membership.objects.create(umbrella=umbrella, user=user, role=Membership.Role.OWNER)
    site = live_server.url
    page.goto(f"{site}/accounts/login/?next=/u/peer/import/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()

    def shoot(name):
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"/tmp/shots/{name}-{width}.png", full_page=True)

    workbook = write_xlsx(tmp_path / "peer.xlsx", small_project())
    page.get_by_label("File:", exact=True).set_input_files(str(workbook))
    page.get_by_role("button", name="Check the file (dry run)").click()
    shoot("waiting")
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status="checking")
    p = _Progress(job, True)
    p("included_reviews", 120000, 0)
    p("outcome_results", 60000, 0)
    p.on_phase("checking")
    p("included_reviews", 120000, 120000)
    p("outcome_results", 20000, 60000)
    page.reload()
    shoot("progress")
    ImportJob.objects.filter(pk=job.pk).update(status="check_queued")
    run_tasks()
    page.reload()
    shoot("dry-run")
    rows = "name,position\n" + "".join(f"Term {i},x\n" for i in range(10_000))
    (tmp_path / "populations.csv").write_text(rows)
    page.goto(f"{site}/u/peer/import/")
    page.get_by_label("File:", exact=True).set_input_files(str(tmp_path / "populations.csv"))
    page.get_by_role("button", name="Check the file (dry run)").click()
    run_tasks()
    page.reload()
    shoot("problems")
    page.goto(f"{site}/u/peer/import/")
    shoot("import-page")
