"""The primary-study registry: matrix entry, de-duplication, merges and their undo."""

import pytest

from reviews.models import Inclusion, NotDuplicate, PrimaryStudy, StudyMerge, StudyReport
from reviews.studies.dedup import (
    Record,
    candidate_duplicates,
    first_author_surname,
    normalise_title,
)
from reviews.studies.services import (
    MergeError,
    StudyListError,
    import_review_studies,
    merge_studies,
    reject_candidate,
    set_review_studies,
    undo_merge,
)
from reviews.studies.study_lists import (
    CSV_COLUMNS,
    DESIGNS,
    parse_csv,
    parse_identifiers,
    parse_ris,
)


def studies_of(review) -> list[str]:
    return sorted(
        review.inclusions.filter(study__merged_into__isnull=True).values_list(
            "study__label", flat=True
        )
    )


# --- pure matching -------------------------------------------------------------------------


def test_titles_and_first_authors_are_normalised():
    assert (
        normalise_title("  Peer-Support: a Randomised   Trial. ")
        == "peer support a randomised trial"
    )
    assert normalise_title("Évaluation d'un soutien") == "evaluation d un soutien"
    assert first_author_surname("Sledge WH, Lawless M, Sells D") == "sledge"
    assert first_author_surname("van der Berg A, Li B") == "van der berg"
    assert first_author_surname("Smith, John; Lee, K") == "smith"
    assert first_author_surname("") == ""


def test_near_identical_titles_are_proposed_with_their_scores():
    records = [
        Record(1, "Peer support for people with psychosis: a randomised trial", "Sledge WH", 2011),
        Record(2, "Peer support for people with psychosis - a randomized trial", "Sledge W", 2012),
        Record(3, "Peer support for people with psychosis: a randomised trial", "Jones A", 2011),
        Record(4, "Exercise for anxiety", "Sledge WH", 2011),
        Record(5, "Peer support for people with psychosis: a randomised trial", "Sledge WH", 2015),
    ]
    found = candidate_duplicates(records)
    # 3: another first author; 4: another title; 5: four years later.
    assert [(c.a, c.b) for c in found] == [(1, 2)]
    assert found[0].year_gap == 1
    assert 90 <= found[0].title_score < 100
    assert candidate_duplicates(records, exclude=[(2, 1)]) == []


def test_records_with_different_dois_are_not_proposed():
    records = [
        Record(1, "Peer support trial", "Sledge WH", 2011, doi="10.1000/a"),
        Record(2, "Peer support trial", "Sledge WH", 2011, doi="10.1000/b"),
        Record(3, "Peer support trial", "Sledge WH", 2011),
    ]
    assert [(c.a, c.b) for c in candidate_duplicates(records)] == [(1, 3), (2, 3)]


# --- parsing uploads ----------------------------------------------------------------------


def test_pasted_identifiers_are_normalised_and_bad_lines_named():
    parsed = parse_identifiers("https://doi.org/10.1000/ABC\n\nPMID: 12345\nnot-an-id\n")
    assert [(s.row, s.doi, s.pmid) for s in parsed.studies] == [
        (1, "10.1000/abc", ""),
        (3, "", "12345"),
    ]
    assert [str(p) for p in parsed.problems] == [
        "Row 4, identifier: 'not-an-id' is neither a DOI nor a PubMed id"
    ]


def test_csv_rows_report_each_bad_field():
    text = (
        "Title,Authors,Year,DOI,n_participants\n"
        "A trial,Smith J,2011,10.1000/x,40\n"
        "B trial,Lee K,20x1,,\n"
        ",,,,\n"
        ",,2012,doi:11.2/y,\n"
    )
    parsed = parse_csv(text)
    assert [s.title for s in parsed.studies] == ["A trial"]
    assert parsed.studies[0].n_participants == 40
    assert [(p.row, p.field) for p in parsed.problems] == [(3, "year"), (5, "doi")]


def test_ris_records_become_studies():
    text = (
        "TY  - JOUR\nTI  - Peer support trial\nAU  - Sledge, William\nAU  - Lawless, M\n"
        "PY  - 2011///\nDO  - https://doi.org/10.1176/PS.62.5.PSS6205_0541\nAN  - 21532082\n"
        "JO  - Psychiatr Serv\nER  - \n"
    )
    (study,) = parse_ris(text).studies
    assert (study.title, study.year, study.doi, study.pmid) == (
        "Peer support trial",
        2011,
        "10.1176/ps.62.5.pss6205_0541",
        "21532082",
    )
    assert first_author_surname(study.authors) == "sledge"


def test_a_ris_year_outside_1900_to_2100_is_named_never_stored_blank():
    parsed = parse_ris("TY  - JOUR\nTI  - Far future trial\nPY  - 3000\nER  - \n")
    assert parsed.studies == []
    assert [str(p) for p in parsed.problems] == [
        "Row 1, year: 3000 is outside the accepted 1900–2100"
    ]


# --- matrix entry -------------------------------------------------------------------------


def test_doi_in_another_case_or_with_a_url_prefix_matches_the_registry_study(
    make_umbrella, make_review, make_study
):
    umbrella = make_umbrella()
    sledge = make_study(umbrella, label="Sledge 2011", doi="10.1176/ps.62.5.pss6205_0541")
    first, second = make_review(umbrella), make_review(umbrella)
    rows = parse_identifiers("https://doi.org/10.1176/PS.62.5.PSS6205_0541").studies
    import_review_studies(review=first, rows=rows, create_missing=False)
    rows = parse_identifiers("DOI:10.1176/Ps.62.5.Pss6205_0541").studies
    report = import_review_studies(review=second, rows=rows, create_missing=False)
    assert report.linked == ["Sledge 2011"]
    assert PrimaryStudy.objects.filter(umbrella=umbrella).count() == 1
    assert set(sledge.reviews.all()) == {first, second}


def test_a_further_reports_pmid_matches_its_study(make_umbrella, make_review, make_study):
    umbrella = make_umbrella()
    study = make_study(umbrella, label="White 2020 trial")
    StudyReport.objects.create(study=study, title="Follow-up paper", pmid="31234567")
    review = make_review(umbrella)
    rows = parse_identifiers("PMID: 31234567").studies
    assert import_review_studies(review=review, rows=rows, create_missing=False).linked == [
        "White 2020 trial"
    ]


def test_unknown_identifier_in_match_only_mode_reports_the_row_and_writes_nothing(
    make_umbrella, make_review, make_study
):
    umbrella = make_umbrella()
    make_study(umbrella, label="Known", doi="10.1000/known")
    review = make_review(umbrella)
    rows = parse_identifiers("10.1000/known\n10.1000/unknown\n").studies
    with pytest.raises(StudyListError) as error:
        import_review_studies(review=review, rows=rows, create_missing=False)
    assert [str(p) for p in error.value.problems] == [
        "Row 2, identifier: DOI 10.1000/unknown is not in the registry"
    ]
    assert not Inclusion.objects.filter(review=review).exists()  # the known row was not linked


def test_csv_upload_creates_unmatched_rows_or_writes_nothing(
    make_umbrella, make_review, make_study
):
    umbrella = make_umbrella()
    make_study(umbrella, label="Known 2010", doi="10.1000/known")
    review = make_review(umbrella)
    bad = "label,title,doi,year\nNew 2012,New trial,10.1000/new,2012\nOdd,Odd trial,,1800\n"
    with pytest.raises(StudyListError) as error:
        import_review_studies(review=review, rows=parse_csv(bad).studies, create_missing=True)
    assert [(p.row, p.field) for p in error.value.problems] == [(3, "year")]
    assert PrimaryStudy.objects.filter(umbrella=umbrella).count() == 1
    good = (
        "label,title,doi,year\nNew 2012,New trial,10.1000/new,2012\n"
        "Known 2010,Known trial,10.1000/KNOWN,2010\nAgain,New trial,10.1000/new,2012\n"
    )
    report = import_review_studies(review=review, rows=parse_csv(good).studies, create_missing=True)
    assert report.created == ["New 2012"]
    assert report.linked == ["Known 2010", "New 2012"]
    assert report.repeated_rows == [4]
    assert studies_of(review) == ["Known 2010", "New 2012"]


def test_a_created_study_takes_every_column_of_its_row(make_umbrella, make_review):
    review = make_review(make_umbrella())
    csv_text = (
        "label,title,authors,year,doi,pmid,journal,design,country,n_participants,"
        "trial_registration\n"
        ',Peer mentors after discharge,"Sledge WH, Lawless M",2011,https://doi.org/10.1176/PS.62.5,'
        "21532076,Psychiatr Serv,RCT,USA,74,NCT00000001\n"
    )
    report = import_review_studies(
        review=review, rows=parse_csv(csv_text).studies, create_missing=True
    )
    assert report.created == ["Sledge 2011"]  # no label in the file: one is made up
    study = PrimaryStudy.objects.get(umbrella=review.umbrella)
    assert {name: getattr(study, name) for name in CSV_COLUMNS} == {
        "label": "Sledge 2011",
        "title": "Peer mentors after discharge",
        "authors": "Sledge WH, Lawless M",
        "year": 2011,
        "doi": "10.1176/ps.62.5",
        "pmid": "21532076",
        "journal": "Psychiatr Serv",
        "design": "rct",
        "country": "USA",
        "n_participants": 74,
        "trial_registration": "NCT00000001",
    }


def test_ticking_sets_exactly_the_ticked_studies(make_umbrella, make_review, make_study):
    umbrella = make_umbrella()
    a, b, c = (make_study(umbrella, label=x) for x in "abc")
    review = make_review(umbrella)
    assert set_review_studies(review=review, study_ids={a.pk, b.pk}) == (2, 0)
    assert set_review_studies(review=review, study_ids={b.pk, c.pk}) == (1, 1)
    assert studies_of(review) == ["b", "c"]
    other = make_study(make_umbrella())
    with pytest.raises(StudyListError):
        set_review_studies(review=review, study_ids={other.pk})


# --- merge and undo -----------------------------------------------------------------------


@pytest.fixture
def duplicated(make_umbrella, make_review, make_study):
    """Two records of the Sledge trial: r1 and r2 include the first, r2 and r3 the second."""
    umbrella = make_umbrella()
    kept = make_study(
        umbrella,
        label="Sledge 2011",
        year=2011,
        authors="Sledge WH",
        title="Peer support for psychosis: a randomised trial",
    )
    twin = make_study(
        umbrella,
        label="Sledge 2011b",
        year=2011,
        authors="Sledge W",
        title="Peer support for psychosis - a randomized trial",
    )
    r1, r2, r3 = (make_review(umbrella, label=f"R{i}") for i in (1, 2, 3))
    Inclusion.objects.bulk_create(
        [
            Inclusion(review=r1, study=kept),
            Inclusion(review=r2, study=kept),
            Inclusion(review=r2, study=twin),
            Inclusion(review=r3, study=twin),
        ]
    )
    StudyReport.objects.create(study=twin, title="Twelve-month follow-up", year=2013)
    return umbrella, kept, twin, (r1, r2, r3)


def test_near_identical_records_are_proposed_not_merged(duplicated):
    from reviews.studies.services import candidate_pairs

    umbrella, kept, twin, _ = duplicated
    (candidate,) = candidate_pairs(umbrella)
    assert {candidate.a, candidate.b} == {kept, twin}
    assert PrimaryStudy.objects.active().filter(umbrella=umbrella).count() == 2
    reject_candidate(a=twin, b=kept)
    assert candidate_pairs(umbrella) == []
    assert NotDuplicate.objects.get().study_a == kept


def test_merge_keeps_every_link_and_report_and_undo_restores_them(duplicated, admin_user):
    umbrella, kept, twin, _ = duplicated
    before = sorted(Inclusion.objects.values_list("pk", "review_id", "study_id"))
    merge = merge_studies(kept=kept, merged=twin, user=admin_user, reason="same trial")

    twin.refresh_from_db()
    assert twin.merged_into == kept  # kept, hidden, not deleted
    assert sorted(r.label for r in kept.reviews.all()) == ["R1", "R2", "R3"]
    assert list(kept.reports.values_list("title", flat=True)) == ["Twelve-month follow-up"]
    assert Inclusion.objects.count() == 4  # R2's second cell stays on the hidden record
    assert (len(merge.moved_inclusions), len(merge.shadowed_inclusions)) == (1, 1)
    assert merge.merged_by == admin_user
    assert list(PrimaryStudy.objects.active().filter(umbrella=umbrella)) == [kept]

    undo_merge(merge=merge, user=admin_user)
    assert sorted(Inclusion.objects.values_list("pk", "review_id", "study_id")) == before
    twin.refresh_from_db()
    assert twin.merged_into is None
    assert list(twin.reports.values_list("title", flat=True)) == ["Twelve-month follow-up"]
    merge.refresh_from_db()
    assert merge.is_undone
    assert StudyMerge.objects.count() == 1  # the record stays


def test_refused_merges_change_nothing(duplicated, make_study, make_umbrella):
    _, kept, twin, _ = duplicated
    with pytest.raises(MergeError, match="itself"):
        merge_studies(kept=kept, merged=kept)
    with pytest.raises(MergeError, match="different umbrella"):
        merge_studies(kept=kept, merged=make_study(make_umbrella()))
    merge = merge_studies(kept=kept, merged=twin)
    with pytest.raises(MergeError, match="already been merged"):
        merge_studies(kept=kept, merged=twin)
    undo_merge(merge=merge)
    with pytest.raises(MergeError, match="already been undone"):
        undo_merge(merge=merge)


def test_an_import_naming_a_merged_records_doi_links_the_kept_study(
    make_umbrella, make_review, make_study
):
    umbrella = make_umbrella()
    kept = make_study(umbrella, label="Kept")
    twin = make_study(umbrella, label="Twin", doi="10.1000/twin")
    merge_studies(kept=kept, merged=twin)
    review = make_review(umbrella)
    rows = parse_identifiers("10.1000/TWIN").studies
    assert import_review_studies(review=review, rows=rows, create_missing=False).linked == ["Kept"]


def test_the_designs_a_list_may_name_are_the_registry_fields_choices():
    assert PrimaryStudy.Design.choices == [
        ("rct", "Randomised controlled trial"),
        ("cluster_rct", "Cluster randomised trial"),
        ("non_randomised", "Non-randomised controlled study"),
        ("cohort", "Cohort study"),
        ("qualitative", "Qualitative study"),
        ("other", "Other"),
    ]
    # The pure parser keeps its own list (study_lists.DESIGNS): the two must agree.
    assert list(DESIGNS) == PrimaryStudy.Design.values
    parsed = parse_csv("title,design\nPeer mentors,Case study\nPeer groups,Cohort\n")
    assert [str(p) for p in parsed.problems] == [
        "Row 2, design: 'case study' is not one of "
        "rct, cluster_rct, non_randomised, cohort, qualitative, other"
    ]
    assert [s.design for s in parsed.studies] == ["cohort"]
