"""The overlap page, the matrix download, the registry pages and the overlap charts."""

import datetime
import math

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews.models import Inclusion, Membership, PrimaryStudy, StudyMerge
from reviews.overlap.plots import BANDS, cluster_order, frequency_bar, pairwise_heatmap
from reviews.overlap.selectors import overlap_for_reviews
from reviews.studies.services import merge_studies


@pytest.fixture
def worked(make_umbrella, make_review, make_study):
    """docs/overlap.md's worked example: A {1, 2}, B {2, 3}, C {1, 2, 3, 4}.

    A searched in 2010, before studies 3 (2012) and 4 (2015) appeared; B searched in 2013,
    before study 4. So three cells are structurally missing.
    """
    umbrella = make_umbrella(slug="worked")
    a = make_review(umbrella, label="A", year=2011, search_date=datetime.date(2010, 6, 1))
    b = make_review(umbrella, label="B", year=2014, search_date=datetime.date(2013, 6, 1))
    c = make_review(umbrella, label="C", year=2016)
    s = [
        make_study(umbrella, label=f"S{i}", year=y)
        for i, y in ((1, 2005), (2, 2008), (3, 2012), (4, 2015))
    ]
    cells = {a: [0, 1], b: [1, 2], c: [0, 1, 2, 3]}
    Inclusion.objects.bulk_create(
        [Inclusion(review=r, study=s[i]) for r, idx in cells.items() for i in idx]
    )
    return umbrella, (a, b, c), s


def overlap_url(slug):
    return reverse("reviews:overlap", kwargs={"slug": slug})


def test_overlap_of_the_worked_example(worked):
    umbrella, _, _ = worked
    overlap = overlap_for_reviews(umbrella)
    # N = 8, r = 4, c = 3: (8 - 4) / (12 - 4) = 50 %; with s = 3: 4 / 5 = 80 %.
    assert (overlap.n_inclusions, overlap.n_studies, len(overlap.reviews)) == (8, 4, 3)
    assert overlap.cca == pytest.approx(50.0)
    assert overlap.cca_adjusted == pytest.approx(80.0)
    assert overlap.n_missing_cells == 3
    assert overlap.frequency == {1: 1, 2: 2, 3: 1}
    assert [(s.label, s.n_reviews) for s in overlap.most_included] == [
        ("S2", 3),
        ("S1", 2),
        ("S3", 2),
    ]
    # Pairwise, adjusted: A-B 50 %, A-C 100 %, B-C 66.7 %; shared 1, 2, 2.
    assert overlap.pairwise[0, 1] == pytest.approx(50.0)
    assert overlap.pairwise[0, 2] == pytest.approx(100.0)
    assert overlap.pairwise[1, 2] == pytest.approx(200 / 3)
    assert overlap.shared.tolist() == [[2, 1, 2], [1, 2, 2], [2, 2, 4]]


def test_overlap_of_a_subset_of_reviews_for_one_outcome(worked):
    umbrella, (a, _, c), _ = worked
    overlap = overlap_for_reviews(umbrella, [a.pk, c.pk])
    # A {1, 2}, C {1, 2, 3, 4}: N = 6, r = 4, c = 2 -> 2 / 4 = 50 %.
    assert [r.label for r in overlap.reviews] == ["A", "C"]
    assert overlap.cca == pytest.approx(50.0)


def test_overlap_page_shows_the_cca_band_frequency_and_heatmap(client, worked):
    response = client.get(overlap_url("worked"))
    html = response.content.decode()
    assert response.context["overlap"].cca == pytest.approx(50.0)
    assert "50.0%" in html
    assert "very high overlap" in html
    assert "80.0%" in html  # adjusted for structural missingness
    assert 'id="frequency-table"' in html
    assert "plotly-graph-div" in html
    assert [p["a"] + "-" + p["b"] for p in response.context["top_pairs"]] == ["A-C", "B-C", "A-B"]


def test_overlap_page_on_the_model_case_shows_the_frequency_as_reported(client, peer_support):
    response = client.get(overlap_url(peer_support.slug))
    html = response.content.decode()
    assert "The primary-study registry is empty" in html
    assert "as reported" in html
    reported = response.context["reported"]
    # Cooper et al. 2024, Results: 426 studies; 300 in one review, 72 in two, 18 in three,
    # one in nine; the 35 others (four to eight reviews) are not broken down in the text.
    assert [(r.times_included, r.n_primary_studies) for r in reported.rows] == [
        (1, 300),
        (2, 72),
        (3, 18),
        (9, 1),
    ]
    assert (reported.total_reported, reported.unstated) == (426, 35)
    assert "plotly-graph-div" not in html
    assert "Corrected covered area" not in html  # nothing is computed from reported figures


def test_overlap_page_query_count_does_not_grow_with_the_data(
    client, make_umbrella, make_review, make_study, django_assert_max_num_queries
):
    def build(slug, n_reviews, n_studies):
        umbrella = make_umbrella(slug=slug)
        reviews = [make_review(umbrella) for _ in range(n_reviews)]
        studies = PrimaryStudy.objects.bulk_create(
            [
                PrimaryStudy(umbrella=umbrella, label=f"S{i}", title=f"T{i}", year=2000 + i % 20)
                for i in range(n_studies)
            ]
        )
        Inclusion.objects.bulk_create(
            [
                Inclusion(review=r, study=s)
                for i, r in enumerate(reviews)
                for j, s in enumerate(studies)
                if (i + j) % 3 == 0
            ]
        )

    build("small", 3, 6)
    build("large", 25, 300)
    # 6 queries, plus 3 small aggregates keying the overlap cache (reviews/overlap/selectors.py).
    for slug in ("small", "large"):
        with django_assert_max_num_queries(9):
            response = client.get(overlap_url(slug))
        assert response.context["overlap"].cca is not None
    with django_assert_max_num_queries(9):
        client.get(overlap_url("large"), {"order": "cluster"})


def test_matrix_csv_is_in_ccar_layout_with_blanks_for_structural_missingness(client, worked):
    _, _, studies = worked
    response = client.get(reverse("reviews:overlap-matrix", kwargs={"slug": "worked"}))
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    ids = [s.pk for s in studies]
    assert lines == [
        "study,A,B,C",
        f"S1 [{ids[0]}],1,0,1",
        f"S2 [{ids[1]}],1,1,1",
        f"S3 [{ids[2]}],,1,1",
        f"S4 [{ids[3]}],,,1",
    ]


# --- the registry pages --------------------------------------------------------------------


@pytest.fixture
def researcher(worked):
    user = get_user_model().objects.create_user("ada", password="pw")
    Membership.objects.create(umbrella=worked[0], user=user, role=Membership.Role.RESEARCHER)
    return user


def studies_url(review):
    return reverse("reviews:review-studies", kwargs={"slug": "worked", "pk": review.pk})


def test_matrix_entry_needs_a_researcher(client, worked):
    review = worked[1][0]
    assert client.get(studies_url(review)).status_code == 302  # to the log-in page
    client.force_login(get_user_model().objects.create_user("outsider"))
    assert client.get(studies_url(review)).status_code == 403


def test_a_bad_upload_reports_each_row_and_creates_nothing(client, worked, researcher):
    client.force_login(researcher)
    review = worked[1][0]
    upload = SimpleUploadedFile(
        "studies.csv",
        b"label,title,doi,year\nNew 2019,A new trial,10.1000/new,2019\n"
        b"Bad,A bad trial,10.1000/x,19x9\n",
        content_type="text/csv",
    )
    response = client.post(
        studies_url(review), {"action": "upload", "file": upload, "create_missing": "true"}
    )
    assert response.status_code == 400
    assert response.context["problems"] == ["Row 3, year: '19x9' is not a whole number"]
    assert "Nothing was saved" in response.content.decode()
    assert not PrimaryStudy.objects.filter(doi="10.1000/new").exists()


def test_pasted_unknown_identifier_is_reported_and_nothing_linked(client, worked, researcher):
    client.force_login(researcher)
    _, (a, _, _), studies = worked
    studies[3].doi = "10.1000/s4"
    studies[3].save()
    response = client.post(
        studies_url(a), {"action": "paste", "identifiers": "10.1000/S4\n10.1000/nowhere"}
    )
    assert response.context["problems"] == [
        "Row 2, identifier: DOI 10.1000/nowhere is not in the registry"
    ]
    assert not a.inclusions.filter(study=studies[3]).exists()
    response = client.post(studies_url(a), {"action": "paste", "identifiers": "10.1000/S4"})
    assert response.status_code == 302
    assert a.inclusions.filter(study=studies[3]).exists()


def test_researcher_merges_a_candidate_and_undoes_it(client, worked, researcher, make_study):
    client.force_login(researcher)
    umbrella, (_, b, _), studies = worked
    studies[0].title = "Peer support for psychosis: a randomised trial"
    studies[0].save()
    twin = make_study(
        umbrella,
        label="S1 again",
        year=2005,
        title="Peer support for psychosis - a randomized trial",
    )
    Inclusion.objects.create(review=b, study=twin)
    page = client.get(reverse("reviews:study-duplicates", kwargs={"slug": "worked"}))
    (pair,) = page.context["pairs"]
    assert {pair.a, pair.b} == {studies[0], twin}

    client.post(
        reverse("reviews:study-merge", kwargs={"slug": "worked"}),
        {"kept": studies[0].pk, "merged": twin.pk},
    )
    assert overlap_for_reviews(umbrella).frequency == {1: 1, 2: 1, 3: 2}  # S1 now in A, B, C
    merge = StudyMerge.objects.get()
    client.post(reverse("reviews:study-merge-undo", kwargs={"slug": "worked", "pk": merge.pk}))
    assert overlap_for_reviews(umbrella).frequency == {1: 2, 2: 2, 3: 1}
    assert list(twin.reviews.all()) == [b]


def test_study_list_hides_merged_records(client, worked):
    _, _, studies = worked

    merge_studies(kept=studies[0], merged=studies[3])
    response = client.get(reverse("reviews:study-list", kwargs={"slug": "worked"}))
    rows = {s.label: (s.n_reviews, s.n_merged) for s in response.context["object_list"]}
    # C includes both S1 and S4: one cell, so S1 stays in two reviews.
    assert rows == {"S1": (2, 1), "S2": (3, 0), "S3": (2, 0)}


# --- charts --------------------------------------------------------------------------------


def test_heatmap_colours_by_band_and_hover_names_band_and_shared_count():
    pairwise = np.array([[np.nan, 4.0, 20.0], [4.0, np.nan, 12.0], [20.0, 12.0, np.nan]])
    shared = np.array([[5, 1, 3], [1, 2, 1], [3, 1, 9]])
    (trace,) = pairwise_heatmap(["A", "B", "C"], pairwise, shared).data
    assert list(trace.z[0]) == [None, BANDS.index("slight") + 0.5, BANDS.index("very high") + 0.5]
    assert list(trace.text[1]) == ["4", "", "12"]
    assert trace.customdata[2][1] == "C × B<br>CCA 12.0% (high)<br>1 shared study"
    assert trace.customdata[0][2] == "A × C<br>CCA 20.0% (very high)<br>3 shared studies"


def test_cluster_order_puts_overlapping_reviews_together():
    # A and C share most studies, B overlaps neither: clustering puts A next to C.
    pairwise = np.array([[math.nan, 0, 80], [0, math.nan, 5], [80, 5, math.nan]], dtype=float)
    order = cluster_order(pairwise)
    assert abs(order.index(0) - order.index(2)) == 1


def test_frequency_bar_has_one_bar_per_k():
    (bar,) = frequency_bar({1: 300, 2: 72, 3: 18, 9: 1}).data
    assert list(bar.x) == ["1", "2", "3", "9"]
    assert list(bar.y) == [300, 72, 18, 1]


def test_outcome_overlap_page_uses_the_reviews_contributing_to_the_outcome(client, peer_support):
    from synthesis.models import Outcome

    outcome = Outcome.objects.filter(umbrella=peer_support, results__isnull=False).first()
    contributing = set(outcome.results.values_list("review_id", flat=True))
    url = reverse("synthesis:outcome-overlap", kwargs={"slug": peer_support.slug, "pk": outcome.pk})
    response = client.get(url)
    assert {r.pk for r in response.context["overlap"].reviews} == contributing
    # The model case records no primary studies, so nothing can be computed.
    assert "No primary studies are recorded for these reviews" in response.content.decode()


def test_matrix_csv_escapes_labels_a_spreadsheet_would_run(
    client, make_umbrella, make_review, make_study
):
    umbrella = make_umbrella(slug="formulas")
    review = make_review(umbrella, label='=HYPERLINK("http://evil.example")', year=2011)
    other = make_review(umbrella, label="+cmd", year=2012)
    study = make_study(umbrella, label="@SUM(A1)", year=2005)
    Inclusion.objects.bulk_create(
        [Inclusion(review=review, study=study), Inclusion(review=other, study=study)]
    )
    response = client.get(reverse("reviews:overlap-matrix", kwargs={"slug": "formulas"}))
    assert response.content.decode().splitlines() == [
        'study,"\'=HYPERLINK(""http://evil.example"")",\'+cmd',
        f"'@SUM(A1) [{study.pk}],1,1",
    ]
