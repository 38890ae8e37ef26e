"""Importing metaumbrella's CSV: bad input gets a specific message and nothing is written; a
dry run counts without writing; the import page, the command and the export download."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from dataio.metaumbrella.service import import_metaumbrella
from dataio.models import ImportJob
from reviews.models import IncludedReview, Membership
from synthesis.models import Outcome, OutcomeResult, StudyEffect

pytestmark = pytest.mark.django_db

HEADER = "meta_review,factor,author,year,measure,value,ci_lo,ci_up,n_cases,n_controls,n_cases_exp,n_cases_nexp,n_exp,n_nexp,mean_cases,sd_cases,mean_controls,sd_controls,rob,amstar\n"  # noqa: E501
GOOD = (
    HEADER
    + "Chien 2019,Recovery,Sledge,2011,SMD,,,,40,38,,,,,12.5,3.1,10.2,3.4,low,3\n"
    + "Chien 2019,Recovery,Pitt,2013,SMD,0.31,0.05,0.57,,,,,,,,,,,,3\n"
    + "Chien 2019,Readmission,Fuhr,2014,RR,,,,30,170,12,18,100,100,,,,,,3\n"
)


def _file(tmp_path, text: str):
    path = tmp_path / "studies.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _nothing_written(umbrella) -> bool:
    return not (
        IncludedReview.objects.filter(umbrella=umbrella).exists()
        or Outcome.objects.filter(umbrella=umbrella).exists()
        or StudyEffect.objects.exists()
    )


def test_a_valid_file_creates_reviews_outcomes_results_and_study_rows(make_umbrella, tmp_path):
    umbrella = make_umbrella()
    report = import_metaumbrella(_file(tmp_path, GOOD), umbrella=umbrella)
    assert report.problems == []
    assert report.ignored == {"rob": 1}  # the app holds no per-study risk of bias
    review = IncludedReview.objects.get(umbrella=umbrella)
    assert (review.label, review.published_rating) == ("Chien 2019", "moderate")  # amstar 3
    results = OutcomeResult.objects.filter(review=review).order_by("outcome__name")
    assert [(r.outcome.name, r.measure) for r in results] == [
        ("Readmission", "rr"),
        ("Recovery", "smd"),
    ]
    rows = {e.label: e for e in StudyEffect.objects.all()}
    assert sorted(rows) == ["Fuhr 2014", "Pitt 2013", "Sledge 2011"]
    sledge, pitt, fuhr = rows["Sledge 2011"], rows["Pitt 2013"], rows["Fuhr 2014"]
    assert (sledge.kind, sledge.mean1, sledge.sd1, sledge.n1) == ("continuous", 12.5, 3.1, 40)
    assert (sledge.mean2, sledge.sd2, sledge.n2) == (10.2, 3.4, 38)
    assert (pitt.kind, pitt.estimate, pitt.ci_low, pitt.ci_high) == ("estimate", 0.31, 0.05, 0.57)
    assert (fuhr.kind, fuhr.events1, fuhr.n1, fuhr.events2, fuhr.n2) == ("binary", 12, 100, 18, 100)
    assert {c: n.created for c, n in report.counts.items()} == {
        "included_reviews": 1,
        "outcomes": 2,
        "outcome_results": 2,
        "study_effects": 3,
    }


def test_a_dry_run_counts_what_the_import_would_create_and_writes_nothing(make_umbrella, tmp_path):
    umbrella = make_umbrella()
    report = import_metaumbrella(_file(tmp_path, GOOD), umbrella=umbrella, dry_run=True)
    assert report.ok
    assert report.counts["study_effects"].created == 3
    assert report.counts["outcome_results"].created == 2
    assert _nothing_written(umbrella)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (
            "Chien 2019,Recovery,Sledge,2011,IRR,1.2,1.1,1.3,,,,,,,,,,,,",
            (
                2,
                "measure",
                "IRR",
                "Unknown measure (a metaumbrella measure the app has no "
                "counterpart for); the app imports SMD, G, MD, OR, RR, HR, logOR, logRR, logHR.",
            ),
        ),
        (
            "Chien 2019,Recovery,Sledge,2011,SMD,0.4,0.6,0.2,,,,,,,,,,,,",
            (2, "ci_lo", "0.6", "The CI is reversed: ci_lo (0.6) is above ci_up (0.2)."),
        ),
        (
            "Chien 2019,Readmission,Fuhr,2014,RR,,,,30,170,12,18,-100,100,,,,,,",
            (2, "n_exp", "-100", "A number of participants must be a whole number ≥ 0."),
        ),
        (
            # one SD of 0 is accepted, as metafor does; no spread in either arm is not
            "Chien 2019,Recovery,Sledge,2011,SMD,,,,40,38,,,,,12.5,0,10.2,0,,",
            (2, "sd_cases", "0", "No spread in either arm: the pooled SD is 0."),
        ),
        (
            "Chien 2019,Recovery,Sledge,2011,SMD,,,,,,,,,,,,,,,",
            (
                2,
                "value",
                "",
                "No data the app can store: give counts (n_cases_exp, "
                "n_cases_nexp, n_exp, n_nexp), means (mean_cases, sd_cases, n_cases, "
                "mean_controls, sd_controls, n_controls) or value with ci_lo and ci_up or "
                "with se.",
            ),
        ),
        (
            # an RR without CI or SE: its SE cannot come from the group sizes
            "Chien 2019,Readmission,Fuhr,2014,RR,0.8,,,,,,,100,100,,,,,,",
            (
                2,
                "se",
                "",
                "An RR needs its 95% CI or its SE: only a standardised mean difference has an "
                "SE that follows from the arm sizes alone.",
            ),
        ),
        (
            "Chien 2019,Recovery,Sledge,2011,SMD,0.3,0.1,0.5,,,,,,,,,,,,7",
            (
                2,
                "amstar",
                "7",
                "Not an AMSTAR 2 code of the app: 4 high, 3 moderate, 2 low, "
                "1.5 low or critically low, 1 critically low.",
            ),
        ),
    ],
)
def test_bad_cells_are_named_and_nothing_is_written(make_umbrella, tmp_path, line, problem):
    umbrella = make_umbrella()
    report = import_metaumbrella(_file(tmp_path, HEADER + line + "\n"), umbrella=umbrella)
    assert [(p.row, p.column, p.value, p.reason) for p in report.problems] == [problem]
    assert {p.sheet for p in report.problems} == {"studies.csv"}
    assert _nothing_written(umbrella)


def test_a_missing_required_column_is_named(make_umbrella, tmp_path):
    umbrella = make_umbrella()
    text = "meta_review,author,year,measure,value,ci_lo,ci_up\nChien 2019,Sledge,2011,SMD,1,0,2\n"
    report = import_metaumbrella(_file(tmp_path, text), umbrella=umbrella)
    assert [(p.row, p.column, p.reason) for p in report.problems] == [
        (
            1,
            "factor",
            "Required column missing (metaumbrella's mandatory columns: "
            "meta_review, factor, author, year, measure).",
        )
    ]
    assert _nothing_written(umbrella)


def test_one_bad_row_among_good_ones_writes_none_of_them(make_umbrella, tmp_path):
    umbrella = make_umbrella()
    text = GOOD + "Chien 2019,Recovery,Repper,2016,SMD,0.2,0.3,0.1,,,,,,,,,,,,3\n"
    report = import_metaumbrella(_file(tmp_path, text), umbrella=umbrella)
    assert [(p.row, p.column) for p in report.problems] == [(5, "ci_lo")]
    assert _nothing_written(umbrella)


def test_a_study_already_entered_is_refused_not_overwritten(make_umbrella, tmp_path):
    umbrella = make_umbrella()
    import_metaumbrella(_file(tmp_path, GOOD), umbrella=umbrella)
    again = import_metaumbrella(_file(tmp_path, GOOD), umbrella=umbrella)
    assert [(p.row, p.column) for p in again.problems] == [
        (2, "author"),
        (3, "author"),
        (4, "author"),
    ]
    assert (again.problems[0].row, again.problems[0].column, again.problems[0].reason) == (
        2,
        "author",
        "'Sledge 2011' is already entered for the outcome result "
        f"{OutcomeResult.objects.get(outcome__name='Recovery').extraction_id}.",
    )
    assert StudyEffect.objects.count() == 3


def test_an_existing_reviews_rating_is_not_changed_by_the_file(
    make_umbrella, make_review, tmp_path
):
    umbrella = make_umbrella()
    make_review(umbrella, label="Chien 2019", published_rating="low")
    report = import_metaumbrella(_file(tmp_path, GOOD), umbrella=umbrella)
    assert {(p.column, p.reason) for p in report.problems} == {
        (
            "amstar",
            "Review 'Chien 2019' is rated 'low' in the project; an import does not "
            "change AMSTAR 2 ratings.",
        )
    }
    assert not StudyEffect.objects.exists()


@pytest.fixture
def owner(make_umbrella, client):
    umbrella = make_umbrella(slug="peer", is_published=False)
    user = get_user_model().objects.create_user("owner")
    Membership.objects.create(umbrella=umbrella, user=user, role=Membership.Role.OWNER)
    client.force_login(user)
    return umbrella


def test_the_import_page_dry_runs_then_imports_and_the_export_gives_the_file_back(
    owner, client, run_tasks
):
    upload = SimpleUploadedFile("studies.csv", GOOD.encode())
    response = client.post(
        reverse("dataio:import", args=["peer"]), {"kind": "metaumbrella", "upload": upload}
    )
    job = ImportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    run_tasks()
    job.refresh_from_db()
    assert job.status == "checked"
    assert job.report["counts"]["study_effects"]["created"] == 3
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Not stored (the app has no place for them): 1 value of <code>rob</code>." in page
    assert not StudyEffect.objects.exists()
    client.post(reverse("dataio:import-confirm", args=["peer", job.pk]))
    run_tasks()
    job.refresh_from_db()
    assert job.status == "done"
    assert StudyEffect.objects.filter(outcome_result__review__umbrella=owner).count() == 3
    download = client.get(reverse("dataio:export-metaumbrella", args=["peer"]))
    assert download["Content-Disposition"] == 'attachment; filename="peer-metaumbrella.csv"'
    lines = download.content.decode().splitlines()
    assert lines[1:] == [
        "Chien 2019,Readmission,Fuhr,2014,RR,,,,,30,170,12,18,88,82,100,100,,,,,,3,,",
        "Chien 2019,Recovery,Pitt,2013,SMD,0.31,0.05,0.57,,,,,,,,,,,,,,,3,,",
        "Chien 2019,Recovery,Sledge,2011,SMD,,,,,40,38,,,,,,,12.5,3.1,10.2,3.4,,3,,",
    ]


def test_the_import_page_shows_each_bad_cell(owner, client, run_tasks):
    text = HEADER + "Chien 2019,Recovery,Sledge,2011,HR,0.8,0.9,0.7,,,,,,,,,,,,\n"
    client.post(
        reverse("dataio:import", args=["peer"]),
        {"kind": "metaumbrella", "upload": SimpleUploadedFile("bad.csv", text.encode())},
    )
    run_tasks()
    job = ImportJob.objects.get()
    assert job.status == "refused"
    assert job.report["problems"] == [
        {
            "sheet": "bad.csv",
            "row": 2,
            "column": "ci_lo",
            "value": "0.9",
            "reason": "The CI is reversed: ci_lo (0.9) is above ci_up (0.7).",
        }
    ]


def test_the_commands_export_and_import_with_a_dry_run(make_umbrella, tmp_path):
    source = make_umbrella(slug="source")
    import_metaumbrella(_file(tmp_path, GOOD), umbrella=source)
    target = make_umbrella(slug="target")
    out = StringIO()
    call_command("export_metaumbrella", str(tmp_path / "out.csv"), project="source", stdout=out)
    assert out.getvalue() == f"Exported 3 study row(s) of 'source' to {tmp_path / 'out.csv'}.\n"
    out = StringIO()
    call_command(
        "import_metaumbrella", str(tmp_path / "out.csv"), project="target", dry_run=True, stdout=out
    )
    assert out.getvalue().startswith(
        "Dry run (nothing written): 3 rows of out.csv; created "
        "1 included_reviews, 2 outcomes, 2 outcome_results, "
        "3 study_effects."
    )
    assert not IncludedReview.objects.filter(umbrella=target).exists()
    (tmp_path / "bad.csv").write_text(HEADER + "A,B,C,2000,Z,0.1,0,0.2,,,,,,,,,,,,\n")
    with pytest.raises(CommandError, match=r"1 problem\(s\) in bad.csv; nothing was written."):
        call_command(
            "import_metaumbrella", str(tmp_path / "bad.csv"), project="target", stdout=StringIO()
        )


def test_two_amstar_values_for_one_review_are_refused(make_umbrella, tmp_path):
    text = GOOD.replace(
        "Readmission,Fuhr,2014,RR,,,,30,170,12,18,100,100,,,,,,3",
        "Readmission,Fuhr,2014,RR,,,,30,170,12,18,100,100,,,,,,2",
    )
    report = import_metaumbrella(_file(tmp_path, text), umbrella=make_umbrella())
    assert [(p.row, p.column, p.value, p.reason) for p in report.problems] == [
        (4, "amstar", "2", "meta_review 'Chien 2019' has another amstar value on an earlier row.")
    ]
