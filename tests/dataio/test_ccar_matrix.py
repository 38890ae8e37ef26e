"""The citation matrix in ccaR's layout, imported back on the overlap page: an exported matrix
re-imports without a change (byte-identical export), another project gets the same links,
and bad cells are named with nothing written."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dataio.ccar import import_matrix
from dataio.models import ImportJob
from reviews.models import IncludedReview, Inclusion, Membership, PrimaryStudy
from reviews.overlap.selectors import matrix_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(make_umbrella, make_review, make_study):
    umbrella = make_umbrella(slug="peer", is_published=False)
    chien = make_review(umbrella, label="Chien 2019", year=2019)
    fuhr = make_review(umbrella, label="Fuhr 2014", year=2014)
    sledge = make_study(umbrella, label="Sledge 2011", year=2011)
    pitt = make_study(umbrella, label="Pitt 2013", year=2013)
    Inclusion.objects.create(review=chien, study=sledge)
    Inclusion.objects.create(review=chien, study=pitt)
    Inclusion.objects.create(review=fuhr, study=sledge)
    return umbrella


def _csv(umbrella) -> str:
    header, rows = matrix_rows(umbrella)
    return "\n".join(",".join(row) for row in [header, *rows]) + "\n"


def test_an_exported_matrix_imports_back_without_a_change(project, client, tmp_path):
    owner = get_user_model().objects.create_user("owner")
    Membership.objects.create(umbrella=project, user=owner, role=Membership.Role.OWNER)
    client.force_login(owner)
    download = client.get(reverse("reviews:overlap-matrix", args=["peer"])).content
    path = tmp_path / "matrix.csv"
    path.write_bytes(download)
    result = import_matrix(path, umbrella=project)
    assert result.problems == []
    assert result.counts["inclusions"].created == 0
    assert result.counts["inclusions"].unchanged == 3
    assert result.counts["primary_studies"].created == 0
    assert client.get(reverse("reviews:overlap-matrix", args=["peer"])).content == download


def test_another_project_with_the_same_reviews_gets_the_same_links(
    project, make_umbrella, make_review, tmp_path
):
    copy = make_umbrella(slug="copy")
    make_review(copy, label="Chien 2019", year=2019)
    make_review(copy, label="Fuhr 2014", year=2014)
    path = tmp_path / "matrix.csv"
    path.write_text(_csv(project))
    result = import_matrix(path, umbrella=copy)
    assert result.problems == []
    assert result.counts["primary_studies"].created == 2  # ids of another project: by label
    links = sorted(
        Inclusion.objects.filter(review__umbrella=copy).values_list("review__label", "study__label")
    )
    assert links == [
        ("Chien 2019", "Pitt 2013"),
        ("Chien 2019", "Sledge 2011"),
        ("Fuhr 2014", "Sledge 2011"),
    ]
    assert PrimaryStudy.objects.get(umbrella=copy, label="Pitt 2013").title == "Pitt 2013"


def test_unknown_reviews_and_bad_cells_are_named_and_nothing_is_written(project, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("study,Chien 2019,Nobody 2000\nNew study 2020,yes,1\n")
    result = import_matrix(path, umbrella=project)
    assert [(p.row, p.column, p.value, p.reason) for p in result.problems] == [
        (1, "Nobody 2000", "Nobody 2000", "No included review of the project has this label.")
    ]
    path.write_text("study,Chien 2019,Fuhr 2014\nNew study 2020,yes,1\nPitt 2013,1,0\n")
    result = import_matrix(path, umbrella=project)
    assert [(p.row, p.column, p.value, p.reason) for p in result.problems] == [
        (2, "Chien 2019", "yes", "A cell is 1 (included), 0 or blank.")
    ]
    assert not PrimaryStudy.objects.filter(label="New study 2020").exists()
    assert Inclusion.objects.count() == 3


def test_the_overlap_page_uploads_the_matrix_for_a_dry_run(project, client, run_tasks):
    owner = get_user_model().objects.create_user("owner")
    Membership.objects.create(umbrella=project, user=owner, role=Membership.Role.OWNER)
    client.force_login(owner)
    page = client.get(reverse("reviews:overlap", args=["peer"])).content.decode()
    assert '<input type="hidden" name="kind" value="ccar_matrix">' in page
    text = "study,Chien 2019,Fuhr 2014\nPitt 2013,1,1\nWhite 2008,0,1\n"
    client.post(
        reverse("dataio:import", args=["peer"]),
        {"kind": "ccar_matrix", "upload": SimpleUploadedFile("m.csv", text.encode())},
    )
    run_tasks()
    job = ImportJob.objects.get()
    assert job.status == "checked"
    assert job.report["counts"]["inclusions"]["created"] == 2  # Fuhr–Pitt, Fuhr–White
    assert job.report["counts"]["primary_studies"]["created"] == 1
    assert Inclusion.objects.count() == 3  # a dry run: nothing yet
    client.post(reverse("dataio:import-confirm", args=["peer", job.pk]))
    run_tasks()
    assert sorted(
        Inclusion.objects.filter(review__label="Fuhr 2014").values_list("study__label", flat=True)
    ) == ["Pitt 2013", "Sledge 2011", "White 2008"]
    assert IncludedReview.objects.filter(umbrella=project).count() == 2
