"""PRISMA 2020 flow arithmetic and SVG (Page et al., BMJ 2021;372:n71)."""

import xml.etree.ElementTree as ET

import pytest

from reviews.prisma.flow import PrismaCounts, check, flow_svg

SVG = "{http://www.w3.org/2000/svg}"

# A consistent flow, worked by hand:
# 500 + 20 − 120 − 0 − 0 = 400 screened; 400 − 340 = 60 sought; 60 − 5 = 55 assessed;
# 55 − 30 = 25 reports + (4 − 1 = 3 other assessed − 1 other excluded = 2) = 27 reports.
CONSISTENT = PrismaCounts(
    databases=500,
    registers=20,
    duplicates_removed=120,
    automation_removed=0,
    other_removed=0,
    screened=400,
    screened_excluded=340,
    sought=60,
    not_retrieved=5,
    assessed=55,
    excluded=30,
    excluded_by_reason={"Not an umbrella-eligible review": 18, "Unpaid peer support": 12},
    other_identified=6,
    other_sought=4,
    other_not_retrieved=1,
    other_assessed=3,
    other_excluded=1,
    studies_included=25,
    reports_included=27,
)


def test_a_consistent_flow_has_no_problems():
    assert check(CONSISTENT) == []


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"screened": 401}, "records screened: screened = databases + registers"),
        ({"sought": 61}, "reports sought: sought = screened − screened_excluded"),
        ({"assessed": 54}, "reports assessed: assessed = sought − not_retrieved"),
        ({"other_assessed": 2}, "reports assessed (other methods)"),
        ({"reports_included": 28}, "reports included: reports_included = assessed − excluded"),
        ({"excluded_by_reason": {"Wrong design": 29}}, "excluded = sum of the reasons"),
        ({"studies_included": 30}, "studies included ≤ reports included"),
    ],
)
def test_each_broken_equation_is_named(change, named):
    counts = PrismaCounts(**{**CONSISTENT.__dict__, **change})
    problems = check(counts)
    assert any(named in problem for problem in problems), problems


def test_the_failure_message_gives_the_numbers():
    counts = PrismaCounts(**{**CONSISTENT.__dict__, "screened": 401})
    assert check(counts)[0].endswith("(401 ≠ 500 + 20 − 120 − 0 − 0 = 400)")


def test_unreported_counts_skip_their_equations():
    # The model case (Cooper et al. 2024): 777 database records, 2 from other methods,
    # 93 full texts assessed, 57 excluded, 35 reviews in 36 reports; nothing else reported.
    counts = PrismaCounts(
        databases=777,
        other_identified=2,
        assessed=93,
        excluded=57,
        studies_included=35,
        reports_included=36,
    )
    assert check(counts) == []


def test_database_only_search_checks_reports_included():
    counts = PrismaCounts(databases=100, assessed=20, excluded=12, reports_included=9)
    assert check(counts) == [
        "reports included: reports_included = assessed − excluded + other_assessed − "
        "other_excluded fails (9 ≠ 20 − 12 + 0 − 0 = 8)"
    ]


@pytest.mark.parametrize("bad", [-1, 2.5, True, "7"])
def test_counts_must_be_whole_numbers(bad):
    with pytest.raises(ValueError, match="screened"):
        PrismaCounts(screened=bad)


def svg_texts(svg: str) -> list[str]:
    return [element.text for element in ET.fromstring(svg).iter(f"{SVG}text")]


def test_svg_contains_every_count_as_text():
    texts = " | ".join(svg_texts(flow_svg(CONSISTENT)))
    for number in (500, 20, 120, 400, 340, 60, 5, 55, 30, 18, 12, 6, 4, 1, 3, 25, 27):
        assert f"n = {number})" in texts, number
    assert "Not an umbrella-eligible review (n = 18)" in texts


def test_svg_says_not_reported_for_missing_counts():
    texts = svg_texts(flow_svg(PrismaCounts(databases=777, assessed=93)))
    assert "Databases (n = 777)" in texts
    assert "Records screened (n = not reported)" in texts
    assert "Reports assessed for eligibility (n = 93)" in texts


def test_svg_escapes_reasons_and_has_an_accessible_title():
    counts = PrismaCounts(excluded=1, excluded_by_reason={"<script>alert(1)</script>": 1})
    svg = flow_svg(counts, title="Flow & <b>reviews</b>")
    root = ET.fromstring(svg)  # still well-formed XML
    assert root.find(f"{SVG}title").text == "Flow & <b>reviews</b>"
    assert "<script>" not in svg
    assert root.get("role") == "img"
