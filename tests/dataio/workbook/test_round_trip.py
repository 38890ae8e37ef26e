"""Export -> import into an empty project -> export gives byte-identical files."""

import datetime as dt
import itertools

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appraisal import amstar2
from appraisal.models import AppraisalSettings
from appraisal.services import ItemInput, save_appraisal
from dataio.demo import PEER_SUPPORT_FIXTURE
from dataio.workbook.export import csv_bytes, export_workbook, project_tables, xlsx_bytes
from dataio.workbook.read import read_workbook
from dataio.workbook.service import import_workbook
from reviews import models as rm
from synthesis.models import Outcome, OutcomeDomain, OutcomeResult, StudyEffect

pytestmark = pytest.mark.django_db
_slugs = itertools.count(1)

# Text with the awkward cases: formula starters, quotes, dashes, accents and line breaks.
TEXT = st.text(alphabet="abcXYZ 019=+-@'\"–é,\n", max_size=12)
NAME = st.text(alphabet="abcXYZ 019=+-@'–é", min_size=1, max_size=10).map(str.strip).filter(bool)
# Figures as papers print them. XLSX cells keep 16 significant digits (openpyxl writes
# "%.16g"), so a float needing all 17 would change in a workbook; CSVs keep every digit.
NUMBER = st.floats(-50, 50, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 6))


def _files(umbrella) -> dict[str, bytes]:
    tables = project_tables(umbrella)
    files = {name: csv_bytes(header, rows) for name, (header, rows) in tables.items()}
    files["workbook.xlsx"] = xlsx_bytes(tables)
    return files


def _round_trip(umbrella, tmp_path) -> None:
    # The exported workbook is a function of the typed tables alone (tested byte for byte on
    # the peer-support project below), so equal tables and CSVs mean an identical export; this
    # spares each generated example two of its three XLSX writes, its slowest part.
    first = project_tables(umbrella)
    export_workbook(umbrella, tmp_path / "out.xlsx")
    slug = f"copy-{next(_slugs)}"
    result = import_workbook(tmp_path / "out.xlsx", slug=slug)
    assert result.problems == []
    again = project_tables(rm.UmbrellaReview.objects.get(slug=slug))
    assert again == first
    assert [csv_bytes(*table) for table in again.values()] == [
        csv_bytes(*table) for table in first.values()
    ]


@st.composite
def projects(draw):
    labels = draw(st.lists(NAME, min_size=1, max_size=4, unique=True))
    return {
        "title": draw(NAME),
        "question": draw(TEXT),
        "search_start": draw(st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2000, 1, 1))),
        "populations": draw(st.lists(NAME, max_size=3, unique=True)),
        "reviews": [
            {
                "label": label,
                "title": draw(TEXT.filter(str.strip)),
                "year": draw(st.none() | st.integers(1900, 2100)),
                "review_type": draw(st.sampled_from(rm.ReviewType.values)),
                "grade_used": draw(st.none() | st.booleans()),
                "n_participants": draw(st.none() | st.integers(0, 10**6)),
                "doi": f"10.1234/r{position}" if draw(st.booleans()) else "",
                "notes": draw(TEXT),
            }
            for position, label in enumerate(labels)
        ],
        "studies": draw(st.lists(NAME, max_size=4, unique=True)),
        "links": draw(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=6)),
        "results": draw(st.lists(st.tuples(st.integers(0, 3), NUMBER, NUMBER, NUMBER), max_size=4)),
        "answers": draw(st.lists(st.integers(0, 3), min_size=16, max_size=16)),
        "appraised": draw(st.booleans()),
        "variants": draw(st.none() | st.booleans()),
        # Study-level data behind the results: (result, study, mean1, n1, mean2, n2).
        "effects": draw(
            st.lists(st.tuples(*[st.integers(0, 3)] * 2, *[st.integers(0, 500)] * 4), max_size=4)
        ),
        "factors": draw(st.lists(st.sampled_from(rm.CfirDomain.values), max_size=3)),
        "subthemes": draw(st.lists(st.tuples(NAME, TEXT.filter(str.strip)), max_size=3)),
        "prisma": draw(st.none() | st.tuples(st.integers(0, 50), st.integers(0, 50), TEXT)),
        "narrative": draw(st.none() | TEXT.filter(str.strip)),
    }


def _build(data) -> rm.UmbrellaReview:
    umbrella = rm.UmbrellaReview.objects.create(
        slug=f"gen-{next(_slugs)}",
        title=data["title"],
        question=data["question"],
        search_start=data["search_start"],
    )
    terms = [rm.Population.objects.create(umbrella=umbrella, name=n) for n in data["populations"]]
    reviews = []
    for position, fields in enumerate(data["reviews"]):
        review = rm.IncludedReview.objects.create(umbrella=umbrella, **fields)
        review.populations.set(terms[: position + 1])
        reviews.append(review)
    studies = [
        rm.PrimaryStudy.objects.create(umbrella=umbrella, label=n, title=f"Study {n}")
        for n in data["studies"]
    ]
    for r, s in {(r % len(reviews), s) for r, s in data["links"] if s < len(studies)}:
        rm.Inclusion.objects.create(review=reviews[r], study=studies[s])
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Clinical")
    outcome = Outcome.objects.create(umbrella=umbrella, name="Symptoms", domain=domain)
    results = []
    for number, (r, *values) in enumerate(data["results"]):
        low, estimate, high = sorted(values)
        result = OutcomeResult.objects.create(
            review=reviews[r % len(reviews)],
            outcome=outcome,
            extraction_id=f"O{number}",
            evidence_type="meta_analysis",
            measure="md",
            estimate=estimate,
            ci_low=low,
            ci_high=high,
        )
        results.append(result)
    _build_more(umbrella, data, reviews, studies, results)
    if data["appraised"]:
        review = reviews[0]
        items = {}
        # With the adapted variants switched off, the standard instrument's answers apply.
        rated_as = None if data["variants"] is False else review.review_type
        for item, pick in zip(amstar2.ITEM_NUMBERS, data["answers"], strict=True):
            allowed = amstar2.allowed_answers(item, rated_as)
            items[item] = ItemInput(answer=allowed[pick % len(allowed)])
        save_appraisal(
            review=review,
            role="consensus",
            rater=None,
            items=items,
            expected_version=0,
            submit=True,
        )
    return umbrella


def _build_more(umbrella, data, reviews, studies, results) -> None:
    """The sheets added later: study effects, CFIR factors, themes, PRISMA, narrative."""
    if data["variants"] is not None:
        AppraisalSettings.objects.create(umbrella=umbrella, use_adapted_variants=data["variants"])
    effects = {(r % len(results), s): counts for r, s, *counts in data["effects"] if results}
    for (r, s), (mean1, n1, mean2, n2) in effects.items():  # one row per result and study
        StudyEffect.objects.create(  # means, SDs and ns: the data of a mean difference
            outcome_result=results[r],
            study=studies[s] if s < len(studies) else None,
            label=f"Study {s}",
            kind="continuous",
            mean1=mean1 / 8,
            sd1=1.5,
            n1=n1 + 2,
            mean2=mean2 / 8,
            sd2=2.25,
            n2=n2 + 2,
        )
    for number, domain in enumerate(data["factors"]):
        factor = rm.ImplementationFactor.objects.create(
            umbrella=umbrella, code=f"C{number}", domain=domain, statement="S", valence="barrier"
        )
        factor.reviews.set(reviews[: number + 1])
    if data["subthemes"]:
        theme = rm.ExperienceTheme.objects.create(umbrella=umbrella, name="Belonging")
        view = rm.Perspective.objects.create(umbrella=umbrella, name="Peers")
        for number, (note, statement) in enumerate(data["subthemes"]):
            subtheme = rm.ExperienceSubtheme.objects.create(
                theme=theme, code=f"E{number}", statement=statement, valence="mixed", note=note
            )
            subtheme.perspectives.set([view])
            subtheme.reviews.set(reviews[number:])
    if data["prisma"]:
        studies_included, extra, note = data["prisma"]
        rm.PrismaFlow.objects.create(
            umbrella=umbrella,
            studies_included=studies_included,
            reports_included=studies_included + extra,
            note=note,
        )
    if data["narrative"]:
        question = rm.ResearchQuestion.objects.create(umbrella=umbrella, code="RQ1", text="Q")
        rm.KeyFindingNarrative.objects.create(
            umbrella=umbrella, research_question=question, text=data["narrative"]
        )


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=projects())
def test_generated_projects_survive_the_round_trip(data, tmp_path):
    _round_trip(_build(data), tmp_path)


def test_the_peer_support_fixture_exports_and_reimports_identically(tmp_path):
    call_command("loaddata", PEER_SUPPORT_FIXTURE, verbosity=0)
    umbrella = rm.UmbrellaReview.objects.get(slug="peer-support-mental-health")
    first = _files(umbrella)
    export_workbook(umbrella, tmp_path / "csv")
    # An empty database: the whole project goes, then comes back from the CSV folder.
    OutcomeResult.objects.all().delete()
    Outcome.objects.all().delete()
    rm.UmbrellaReview.objects.all().delete()
    result = import_workbook(tmp_path / "csv", slug="peer-support-mental-health")
    assert result.problems == []
    # Every object of the fixture (load_demo's "302 created"), CFIR factors, themes and the
    # PRISMA flow included.
    assert result.totals().created == 302
    assert _files(rm.UmbrellaReview.objects.get()) == first


def test_formula_text_is_escaped_and_numbers_stay_numbers(make_review, tmp_path):
    review = make_review(title="=HYPERLINK(1)", notes="@risk", label="-Label")
    rm.Population.objects.create(umbrella=review.umbrella, name="+adults")
    export_workbook(review.umbrella, tmp_path / "csv")
    text = (tmp_path / "csv" / "included_reviews.csv").read_text()
    assert "'=HYPERLINK(1)" in text
    assert "'@risk" in text
    assert "'-Label" in text
    domain = OutcomeDomain.objects.create(umbrella=review.umbrella, name="D")
    outcome = Outcome.objects.create(umbrella=review.umbrella, name="O", domain=domain)
    OutcomeResult.objects.create(
        review=review,
        outcome=outcome,
        extraction_id="X",
        evidence_type="meta_analysis",
        measure="md",
        estimate=-0.5,
        ci_low=-0.9,
        ci_high=-0.1,
    )
    export_workbook(review.umbrella, tmp_path / "p.xlsx")
    tables, problems = read_workbook(tmp_path / "p.xlsx")
    assert problems == []
    (row,) = tables["outcome_results"].rows
    assert (row.values["estimate"], row.values["ci_low"]) == (-0.5, -0.9)  # numbers, unescaped
    assert tables["included_reviews"].rows[0].values["title"] == "=HYPERLINK(1)"


@pytest.mark.parametrize("start", ["\t", "\r"])
def test_text_starting_with_a_tab_or_return_is_escaped_and_reimports_unchanged(
    make_review, tmp_path, start
):
    review = make_review(title=f"{start}=1+1", notes=f"{start}note")
    export_workbook(review.umbrella, tmp_path / "csv")
    text = (tmp_path / "csv" / "included_reviews.csv").read_bytes().decode()
    assert f"'{start}=1+1" in text
    assert f"'{start}note" in text
    tables, problems = read_workbook(tmp_path / "csv")
    assert problems == []
    (row,) = tables["included_reviews"].rows
    assert (row.values["title"], row.values["notes"]) == (f"{start}=1+1", f"{start}note")
