"""The PRISMA 2020 flow stored per umbrella review: form arithmetic, SVG, PNG, page.

Reference: Page MJ, McKenzie JE, Bossuyt PM, et al. BMJ 2021;372:n71 (Figure 1); the model
case's counts are from Cooper et al. BMC Med 2024;22:72, Results: 777 + 2 records identified,
93 full texts assessed, 57 excluded, 35 reviews in 36 reports.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from reviews.models import ExcludedReview, ExclusionReason, Membership, PrismaFlow

SVG = "{http://www.w3.org/2000/svg}"
CONSISTENT = {
    "databases": "120", "registers": "5", "duplicates_removed": "25", "automation_removed": "0",
    "other_removed": "0", "screened": "100", "screened_excluded": "60", "sought": "40",
    "not_retrieved": "2", "assessed": "38", "excluded": "20", "other_identified": "4",
    "other_sought": "4", "other_not_retrieved": "1", "other_assessed": "3", "other_excluded": "1",
    "studies_included": "18", "reports_included": "20", "note": "", "version": "",
}  # fmt: skip


def svg_texts(content: bytes) -> list[str]:
    root = ET.fromstring(content)
    return [element.text or "" for element in root.iter(f"{SVG}text")]


@pytest.fixture
def writer(client, make_umbrella):
    umbrella = make_umbrella()
    user = get_user_model().objects.create_user("researcher")
    Membership.objects.create(umbrella=umbrella, user=user, role=Membership.Role.RESEARCHER)
    client.force_login(user)
    return umbrella


def edit_url(umbrella):
    return reverse("reviews:prisma-edit", kwargs={"slug": umbrella.slug})


def test_a_consistent_set_is_saved_and_drawn(client, writer):
    response = client.post(edit_url(writer), CONSISTENT)
    assert response.status_code == 302
    flow = PrismaFlow.objects.get(umbrella=writer)
    assert (flow.screened, flow.reports_included, flow.version) == (100, 20, 1)
    svg = client.get(reverse("reviews:prisma-svg", kwargs={"slug": writer.slug}))
    texts = svg_texts(svg.content)
    for name, value in CONSISTENT.items():
        if value and name not in ("note", "version"):
            assert any(f"(n = {value})" in text for text in texts), name
    assert "Reviews included in review (n = 18)" in texts


@pytest.mark.parametrize(
    ("changes", "equation"),
    [
        ({"screened": "99"}, "records screened: screened = databases + registers"),
        ({"sought": "41"}, "reports sought: sought = screened − screened_excluded"),
        ({"assessed": "37", "excluded": "19"}, "reports assessed: assessed = sought"),
        ({"other_assessed": "2", "other_excluded": "0"}, "reports assessed (other methods)"),
        ({"reports_included": "21"}, "reports included: reports_included = assessed"),
        ({"studies_included": "25", "reports_included": "20"}, "studies included ≤ reports"),
    ],
)
def test_each_inconsistent_equation_is_named_and_nothing_saved(client, writer, changes, equation):
    response = client.post(edit_url(writer), {**CONSISTENT, **changes})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert equation in errors
    assert "The counts do not add up" in errors
    assert not PrismaFlow.objects.filter(umbrella=writer).exists()


def test_exclusion_reasons_come_from_the_excluded_review_records(client, writer):
    wrong = ExclusionReason.objects.create(umbrella=writer, name="Wrong population")
    design = ExclusionReason.objects.create(umbrella=writer, name="Not a systematic review")
    for i, reason in enumerate([wrong] * 12 + [design] * 8):
        ExcludedReview.objects.create(umbrella=writer, title=f"Excluded {i}", reason=reason)
    assert client.post(edit_url(writer), CONSISTENT).status_code == 302
    page = client.get(reverse("reviews:prisma", kwargs={"slug": writer.slug}))
    assert page.context["reasons"] == [("Wrong population", 12), ("Not a systematic review", 8)]
    assert "Wrong population (n = 12)" in page.content.decode()
    # 20 excluded by the records, 19 typed: refused, the equation named.
    response = client.post(
        edit_url(writer),
        {**CONSISTENT, "excluded": "19", "reports_included": "21", "version": "1"},
    )
    assert "excluded = sum of the reasons fails (19 ≠ 20)" in " ".join(
        response.context["form"].non_field_errors()
    )


def test_negative_count_is_refused_by_field(client, writer):
    response = client.post(edit_url(writer), {**CONSISTENT, "registers": "-1"})
    assert "greater than or equal to 0" in response.context["form"].errors["registers"][0]


def test_fixture_flow_draws_every_count_and_says_not_reported(client, peer_support):
    flow = peer_support.prisma_flow
    assert (flow.databases, flow.other_identified, flow.assessed, flow.excluded) == (
        777, 2, 93, 57,
    )  # fmt: skip
    assert (flow.studies_included, flow.reports_included, flow.screened) == (35, 36, None)
    response = client.get(reverse("reviews:prisma-svg", kwargs={"slug": peer_support.slug}))
    assert response["Content-Type"].startswith("image/svg+xml")
    texts = svg_texts(response.content)
    numbers = sorted(int(n) for t in texts for n in re.findall(r"\(n = ([\d,]+)\)", t))
    assert numbers == [2, 35, 36, 57, 93, 777]
    # 12 boxes of the 18 counts are not reported; the paper states no duplicates.
    assert sum("not reported" in t for t in texts) == 12
    assert "Duplicate records (n = not reported)" in texts
    page = client.get(reverse("reviews:prisma", kwargs={"slug": peer_support.slug}))
    assert page.context["problems"] == []
    rows = dict(page.context["rows"])
    assert (rows["Records screened"], rows["Reports assessed for eligibility"]) == (None, 93)
    html = page.content.decode()
    assert '<title id="prisma-title">PRISMA 2020 flow diagram</title>' in html
    assert html.count("not reported") >= 24  # in the SVG and in the table alternative


def test_png_download_is_a_png(client, peer_support):
    response = client.get(reverse("reviews:prisma-png", kwargs={"slug": peer_support.slug}))
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_an_umbrella_without_counts_draws_every_box_not_reported(client, make_umbrella):
    umbrella = make_umbrella()
    response = client.get(reverse("reviews:prisma-svg", kwargs={"slug": umbrella.slug}))
    assert sum("not reported" in t for t in svg_texts(response.content)) == 18


def test_stale_prisma_edit_is_refused(client, writer):
    client.post(edit_url(writer), CONSISTENT)
    client.post(edit_url(writer), {**CONSISTENT, "note": "first", "version": "1"})
    response = client.post(edit_url(writer), {**CONSISTENT, "note": "second", "version": "1"})
    assert response.context["stale"].version == 2
    assert ("Note", "second", "first") in response.context["conflicts"]
    assert PrismaFlow.objects.get(umbrella=writer).note == "first"
