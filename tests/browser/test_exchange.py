"""An owner exchanges data with R packages: downloads the study-level rows for metaumbrella,
uploads a metaumbrella file with a bad cell (the dry run names it), then a good one, and
imports a ccaR citation matrix from the overlap page — at desktop and phone widths."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Page, expect

from dataio.demo import PEER_SUPPORT_FIXTURE
from dataio.synthetic.study_effects import add_study_effects
from reviews.models import Inclusion, Membership, PrimaryStudy, UmbrellaReview
from synthesis.models import StudyEffect

pytestmark = pytest.mark.browser
SLUG = "peer-support-mental-health"
GOOD = (
    "meta_review,factor,author,year,measure,value,ci_lo,ci_up,amstar\n"
    "Imported 2024,Loneliness,Sledge,2011,SMD,-0.3,-0.55,-0.05,\n"
    "Imported 2024,Loneliness,Pitt,2013,SMD,-0.2,-0.5,0.1,\n"
)


@pytest.fixture
def site(transactional_db, live_server):
    call_command("loaddata", PEER_SUPPORT_FIXTURE, verbosity=0)
    umbrella = UmbrellaReview.objects.get(slug=SLUG)
    add_study_effects(umbrella, seed=3)
    user = get_user_model().objects.create_user("owner", password="a-long-test-password")
    Membership.objects.create(umbrella=umbrella, user=user, role=Membership.Role.OWNER)
    return live_server.url


def test_owner_exports_for_metaumbrella_and_imports_metaumbrella_and_ccar_files(
    site, page: Page, tmp_path, run_tasks
):
    page.goto(f"{site}/accounts/login/?next=/u/{SLUG}/import/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export for metaumbrella (CSV)").click()
    lines = download.value.path().read_text().splitlines()
    assert lines[0].startswith("meta_review,factor,author,year,measure,value,ci_lo,ci_up,")
    assert len(lines) == 1 + StudyEffect.objects.count()
    page.screenshot(path=str(tmp_path / "import-exchange.png"), full_page=True)

    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD.replace("-0.55,-0.05", "-0.05,-0.55"))
    page.get_by_label("What the file holds").select_option("metaumbrella")
    page.get_by_label("File:", exact=True).set_input_files(str(bad))
    page.get_by_role("button", name="Check the file (dry run)").click()
    run_tasks()
    expect(
        page.get_by_role("heading", name="bad.csv: 1 problem, nothing was written")
    ).to_be_visible()
    problems = page.get_by_role("table", name="Problems to fix in the file")
    expect(problems.get_by_role("row").nth(1)).to_contain_text(
        "The CI is reversed: ci_lo (-0.05) is above ci_up (-0.55)."
    )

    good = tmp_path / "loneliness.csv"
    good.write_text(GOOD)
    page.goto(f"{site}/u/{SLUG}/import/")
    page.get_by_label("What the file holds").select_option("metaumbrella")
    page.get_by_label("File:", exact=True).set_input_files(str(good))
    page.get_by_role("button", name="Check the file (dry run)").click()
    run_tasks()
    report = page.get_by_role("table", name="What the import will do")
    expect(report.get_by_role("row", name="study_effects")).to_contain_text("2")
    page.screenshot(path=str(tmp_path / "metaumbrella-dry-run.png"), full_page=True)
    page.get_by_role("button", name="Confirm and import").click()
    run_tasks()
    expect(page.get_by_role("heading", name="Imported loneliness.csv")).to_be_visible()
    assert StudyEffect.objects.filter(outcome_result__review__label="Imported 2024").count() == 2

    matrix = tmp_path / "matrix.csv"
    matrix.write_text("study,Chien 2019,White 2020\nNew trial 2023,1,1\n")
    page.goto(f"{site}/u/{SLUG}/overlap/")
    page.get_by_label("Import a citation matrix (CSV, ccaR layout)").set_input_files(str(matrix))
    page.get_by_role("button", name="Check the matrix (dry run)").click()
    run_tasks()
    report = page.get_by_role("table", name="What the import will do")
    expect(report.get_by_role("row", name="inclusions")).to_contain_text("2")
    page.get_by_role("button", name="Confirm and import").click()
    run_tasks()
    expect(page.get_by_role("heading", name="Imported matrix.csv")).to_be_visible()
    study = PrimaryStudy.objects.get(label="New trial 2023")
    assert sorted(
        Inclusion.objects.filter(study=study).values_list("review__label", flat=True)
    ) == [
        "Chien 2019",
        "White 2020",
    ]

    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in ("import", "appraisal"):
            page.goto(f"{site}/u/{SLUG}/{path}/")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{path} scrolls sideways at {width} px"
        # The overlap page's own tables are wider than a phone (left to the page-width
        # work); the matrix upload added here fits.
        page.goto(f"{site}/u/{SLUG}/overlap/")
        box = page.locator("form.inline-upload").bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= width
