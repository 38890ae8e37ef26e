"""Every CSV the project writes keeps a cell holding line breaks, quotes, commas and a formula
start in its row (reviews.csvfiles), read back by Python's csv module and by pandas; the
workbook's CSV reader reads such a cell back too."""

import csv
import io
import zipfile

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dataio.jobs import _problem_report
from dataio.metaumbrella.export import export_metaumbrella
from dataio.metaumbrella.service import import_metaumbrella
from dataio.models import ImportJob
from dataio.workbook.read import read_workbook
from reviews.csvfiles import BOM, csv_bytes, frame_csv
from reviews.models import IncludedReview, Membership, PrimaryStudy, UmbrellaReview
from reviews.studies.models import Inclusion
from synthesis.models import Outcome
from tests.security.test_permission_matrix import USERS, add_page_rows

# Pasted cells with a formula start. A writer quotes a whole cell or none of it, so the lone
# carriage return (which pandas and csv.writer("\n") left bare) gets a cell of its own: a line
# feed, a quote or a comma beside it would have the cell quoted anyway.
CELL = "=1+1\rnext"
BREAKS = '=HYPERLINK("x"),a\nc\r\nd'
SHOWN, SHOWN_BREAKS = "'" + CELL, "'" + BREAKS  # as written: formulas escaped (reviews.formulas)


@pytest.fixture
def nasty(db):
    """A dual-extraction project holding a row of every kind, its review, outcome and study
    named `CELL`, its outcome and its study `BREAKS`; the owner logged in."""
    umbrella = UmbrellaReview.objects.create(title="CSV", slug="csv", extraction_mode="dual")
    users = {name: get_user_model().objects.create_user(name) for name in USERS[1:]}
    for name in ("reader", "researcher", "owner"):
        Membership.objects.create(umbrella=umbrella, user=users[name], role=name)
    add_page_rows(umbrella, users)
    review = IncludedReview.objects.get(umbrella=umbrella)
    # A rating robvis can plot (the raters submitted; no consensus yet).
    IncludedReview.objects.filter(pk=review.pk).update(label=CELL, published_rating="moderate")
    Outcome.objects.filter(umbrella=umbrella).update(name=BREAKS)
    study = PrimaryStudy.objects.get(umbrella=umbrella, merged_into__isnull=True)
    PrimaryStudy.objects.filter(pk=study.pk).update(label=BREAKS)
    Inclusion.objects.create(review=review, study=study)
    job = ImportJob.objects.get(umbrella=umbrella)
    return umbrella, users["owner"], job, study


def read_back(content: bytes, *, bom: bool) -> list[list[str]]:
    """The rows as Python's csv module reads them, checked against pandas' reading."""
    assert content.startswith(BOM.encode()) == bom
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    frame = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert [list(frame.columns), *frame.to_numpy().tolist()] == rows
    assert {len(row) for row in rows} == {len(rows[0])}  # no row split or merged
    return rows


# URL name, its kwargs, whether it has a byte-order mark (not for R's read.csv), the rows it
# has (the header included), and where which cell is (row, column name).
DOWNLOADS = [
    ("synthesis:export-csv", {}, True, 2, (1, "review"), SHOWN),
    ("synthesis:export-csv", {}, True, 2, (1, "outcome"), SHOWN_BREAKS),
    ("synthesis:summary-export-csv", {}, True, 2, (1, "outcome"), SHOWN_BREAKS),
    ("appraisal:appraisal-export-csv", {}, True, 2, (1, "review"), SHOWN),
    ("appraisal:appraisal-export-robvis", {}, False, 2, (1, "Study"), SHOWN),
    ("reviews:overlap-matrix", {}, False, 2, (0, 1), SHOWN),
    ("synthesis:extraction-export", {}, True, 3, (2, "review"), SHOWN),
    ("synthesis:progress-csv", {}, True, 8, (1, "review"), SHOWN),  # one row a task
    ("dataio:export-metaumbrella", {}, False, 2, (1, "meta_review"), SHOWN),
]


@pytest.mark.parametrize(("name", "kwargs", "bom", "count", "where", "shown"), DOWNLOADS)
def test_every_csv_download_keeps_the_cell_in_its_row(
    client, nasty, name, kwargs, bom, count, where, shown
):
    umbrella, owner, _, _ = nasty
    client.force_login(owner)
    response = client.get(reverse(name, kwargs={"slug": umbrella.slug, **kwargs}))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_back(response.content, bom=bom)
    assert len(rows) == count
    row, column = where
    index = column if isinstance(column, int) else rows[0].index(column)
    assert rows[row][index] == shown


def test_the_matrix_row_of_the_study_keeps_its_label(client, nasty):
    _, owner, _, study = nasty
    client.force_login(owner)
    rows = read_back(client.get(reverse("reviews:overlap-matrix", args=["csv"])).content, bom=False)
    assert rows[1] == [f"{SHOWN_BREAKS} [{study.pk}]", "1"]


def test_the_problem_report_keeps_the_value_in_its_row(client, nasty):
    _, owner, job, _ = nasty
    problems = [
        {"sheet": "included_reviews", "row": 2, "column": "label", "value": CELL, "reason": "r"},
        {"sheet": "included_reviews", "row": 3, "column": "year", "value": "x", "reason": "s"},
    ]
    _problem_report(job, problems)
    client.force_login(owner)
    response = client.get(reverse("dataio:import-report", args=["csv", job.pk]))
    content = b"".join(response.streaming_content)
    assert read_back(content, bom=True) == [
        ["sheet", "row", "column", "value", "reason"],
        ["included_reviews", "2", "label", SHOWN, "r"],
        ["included_reviews", "3", "year", "x", "s"],
    ]


def test_the_workbook_zip_keeps_the_cell_and_reads_it_back(client, nasty, tmp_path):
    _, owner, _, _ = nasty
    client.force_login(owner)
    response = client.get(reverse("dataio:export", args=["csv", "zip"]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    reviews = read_back(archive.read("included_reviews.csv"), bom=True)
    assert len(reviews) == 2
    assert reviews[1][reviews[0].index("label")] == SHOWN
    outcomes = read_back(archive.read("outcomes.csv"), bom=True)
    assert outcomes[1][outcomes[0].index("name")] == SHOWN_BREAKS
    # The reader takes the quoted line breaks as text and undoes the formula escape.
    (tmp_path / "book.zip").write_bytes(response.content)
    tables, problems = read_workbook(tmp_path / "book.zip")
    assert problems == []
    assert [row.values["label"] for row in tables["included_reviews"].rows] == [CELL]
    assert [row.values["name"] for row in tables["outcomes"].rows] == [BREAKS]


def test_the_writer_quotes_every_line_break_and_marks_the_encoding():
    assert csv_bytes([["a", "b\rc"], ["τ²", None]]) == (BOM + 'a,"b\rc"\r\nτ²,\r\n').encode("utf-8")
    assert csv_bytes([["x"]], bom=False) == b"x\r\n"
    frame = pd.DataFrame({"x": ["a\rb", "c\nd"], "n": [1.5, None]})
    assert frame_csv(frame, bom=False) == b'x,n\r\n"a\rb",1.5\r\n"c\nd",\r\n'


def test_a_metaumbrella_file_read_back_keeps_the_carriage_return(nasty, tmp_path):
    umbrella, _, _, _ = nasty
    export_metaumbrella(umbrella, tmp_path / "study-rows.csv")
    copy = UmbrellaReview.objects.create(title="Copy", slug="copy")
    assert import_metaumbrella(tmp_path / "study-rows.csv", umbrella=copy).problems == []
    # Read with universal newlines, the "\r" came back as "\n": another label.
    assert list(IncludedReview.objects.filter(umbrella=copy).values_list("label", flat=True)) == [
        CELL
    ]
