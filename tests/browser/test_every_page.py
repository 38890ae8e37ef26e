"""Every page fits the screen and passes axe-core, anonymous and logged in as the owner.

The URL list comes from the URL configuration through the permission matrix's RULES
(tests/security/test_permission_matrix.py), so a page added there is measured here too. The
project is the peer-support example with one row of every other kind added to it; the outcome and
review with the most results are visited as well, since their tables are the widest. Each page
is loaded once and measured at 1366 and 390 px wide (the page may not scroll sideways), then
checked with axe-core (tests/browser/vendor/: no serious or critical violations).
"""

from pathlib import Path

import pytest
from django.db.models import Count
from django.urls import reverse
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

from reviews.models import IncludedReview
from synthesis.models import Outcome
from tests.security.test_permission_matrix import RULES, SITE_LEVELS, url_names
from tests.security.test_public_text import SLUG, load_peer_support_with_every_page

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-pass-phrase"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WIDTHS = (1366, 390)
# Pages anonymous visitors of a published project may open (READ) and the site-wide ones.
ANONYMOUS_LEVELS = {"read", "account"}

# The first element that sticks out of the viewport whose parent does not: the one to fix.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '')
    + ' "' + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60) + '"';
  const scrolls = (el) => getComputedStyle(el).overflowX !== 'visible';
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const right = el.getBoundingClientRect().right;
    const parent = el.parentElement;
    if (right <= width + 0.5 || parent.getBoundingClientRect().right > width + 0.5) continue;
    let box = parent;  // inside a box that scrolls or clips sideways, it is the box's business
    while (box && box !== document.body && !scrolls(box)) box = box.parentElement;
    if (box === document.body) found.push(describe(el) + ' ends at ' + Math.round(right) + 'px');
    if (found.length === 3) break;
  }
  return found;
}"""
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"
# The API docs page's Swagger UI widget (#swagger-ui) is third-party markup drawn by script
# after the schema loads: its own contrast and nested controls are Swagger's, and whether axe
# met it drawn or not depended on timing. The page around it is checked; the widget is not.
AXE_RUN = """async () => {
  const context = {exclude: [['#swagger-ui']]};
  const result = await axe.run(context, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — '
      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


@pytest.fixture
def urls(transactional_db, live_server):
    """(role → page paths) for the peer-support example with a row of every kind added."""
    users, kwargs = load_peer_support_with_every_page()
    users["owner"].set_password(PASSWORD)
    users["owner"].save()
    widest_outcome = Outcome.objects.annotate(n=Count("results")).order_by("-n").first()
    widest_review = IncludedReview.objects.annotate(n=Count("outcome_results")).order_by("-n")
    pages = [(name, kwargs.get(name, {})) for name in sorted(set(url_names()) & RULES.keys())]
    pages += [
        ("synthesis:outcome-detail", {"pk": widest_outcome.pk}),
        ("synthesis:outcome-overlap", {"pk": widest_outcome.pk}),
        ("synthesis:selection-override", {"pk": widest_outcome.pk}),
        ("reviews:review-detail", {"pk": widest_review.first().pk}),
    ]
    by_role: dict[str, list[str]] = {"anonymous": [], "owner": []}
    for name, url_kwargs in pages:
        level, status = RULES[name]
        if status != 200:
            continue  # POST-only actions and refusals are not pages to read
        if level not in SITE_LEVELS:
            url_kwargs = {"slug": SLUG, **url_kwargs}
        path = reverse(name, kwargs=url_kwargs)
        by_role["owner"].append(path)
        if level in ANONYMOUS_LEVELS:
            by_role["anonymous"].append(path)
    return live_server.url, by_role


def log_in(page: Page, site: str) -> None:
    page.goto(f"{site}{reverse('login')}")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def problems_of(page: Page, site: str, path: str) -> list[str]:
    """What is wrong with one page: sideways scrolling at either width, axe-core violations."""
    # Narrow first: plotly sizes a figure to its box when drawn and follows a growing window,
    # as a phone's reader would see it; a live shrink is redrawn later than this test looks.
    page.set_viewport_size({"width": WIDTHS[-1], "height": 900})
    try:
        response = page.goto(f"{site}{path}")
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return []  # a CSV/XLSX export: a file, not a page
        raise
    assert response is not None
    if response.status != 200 or not response.headers["content-type"].startswith("text/html"):
        return []  # downloads (SVG, PNG) and pages this role may not open
    if page.locator("#swagger-ui").count():
        # Wait for the widget to be drawn, so its width is checked as a reader sees it.
        page.wait_for_selector("#swagger-ui .information-container", timeout=20_000)
    found = []
    for width in reversed(WIDTHS):
        page.set_viewport_size({"width": width, "height": 900})
        if not page.evaluate(FITS):
            offenders = "; ".join(page.evaluate(OVERFLOWING)) or "no single element found"
            found.append(f"{path} scrolls sideways at {width} px: {offenders}")
    found += [f"{path} axe: {violation}" for violation in page.evaluate(AXE_RUN)]
    return found


def test_every_page_fits_both_widths_and_passes_axe(urls, browser: Browser):
    site, by_role = urls
    problems = []
    for role in ("anonymous", "owner"):
        # The site's Content-Security-Policy allows no inline scripts, so it would refuse
        # axe-core injected by the test; the test's own context bypasses it (production keeps
        # its policy). Injected before each page's own scripts: cheaper than a script tag.
        context = browser.new_context(bypass_csp=True)
        context.add_init_script(path=AXE)
        page = context.new_page()
        if role == "owner":
            log_in(page, site)
        for path in by_role[role]:
            problems += [f"{role}: {problem}" for problem in problems_of(page, site, path)]
        context.close()
    if problems:  # every problem, untruncated: one run shows all there is to fix
        pytest.fail("\n".join(problems), pytrace=False)
