import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reviews.models import IncludedReview, Population, PrimaryStudy, ReviewType
from reviews.registry.citations import normalize_doi, normalize_pmid
from reviews.registry.forms import IncludedReviewForm


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.1186/S12916-024-03260-Y", "10.1186/s12916-024-03260-y"),
        ("https://doi.org/10.1186/s12916-024-03260-y", "10.1186/s12916-024-03260-y"),
        ("http://dx.doi.org/10.1002/14651858.CD004807.pub2", "10.1002/14651858.cd004807.pub2"),
        ("doi: 10.1176/appi.ps.201300244 ", "10.1176/appi.ps.201300244"),
        ("", ""),
        (None, ""),
    ],
)
def test_doi_is_normalised_to_lower_case_without_resolver(raw, expected):
    assert normalize_doi(raw) == expected


def test_pmid_loses_its_prefix():
    assert normalize_pmid("PMID: 24632760") == "24632760"
    assert normalize_pmid(24632760) == "24632760"


def test_duplicate_doi_in_one_umbrella_is_rejected_by_the_database(make_umbrella, make_study):
    umbrella = make_umbrella()
    make_study(umbrella, doi="10.1000/abc")
    with pytest.raises(IntegrityError), transaction.atomic():
        # Another spelling of the same DOI normalises to the same value on save.
        make_study(umbrella, doi="https://doi.org/10.1000/ABC")
    assert PrimaryStudy.objects.filter(umbrella=umbrella).count() == 1


def test_same_doi_is_allowed_in_two_umbrella_reviews(make_umbrella, make_study):
    first, second = make_umbrella(), make_umbrella()
    make_study(first, doi="10.1000/abc")
    make_study(second, doi="10.1000/ABC")
    assert PrimaryStudy.objects.filter(doi="10.1000/abc").count() == 2


def test_duplicate_review_doi_fails_validation_with_a_message_naming_the_doi(make_review):
    existing = make_review(doi="10.1000/xyz")
    duplicate = IncludedReview(
        umbrella=existing.umbrella,
        label="Other 2021",
        title="Another review",
        review_type=ReviewType.SCOPING,
        doi="DOI:10.1000/XYZ",
    )
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "this DOI" in str(error.value)


def test_blank_dois_never_clash(make_umbrella, make_study):
    umbrella = make_umbrella()
    make_study(umbrella)
    make_study(umbrella)
    assert PrimaryStudy.objects.filter(umbrella=umbrella, doi="").count() == 2


@pytest.mark.parametrize("year", [1899, 2101])
def test_year_outside_1900_to_2100_is_refused_by_validation_and_database(make_review, year):
    review = make_review()
    review.year = year
    with pytest.raises(ValidationError) as error:
        review.full_clean()
    assert "year" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        review.save()
    review.refresh_from_db()
    assert review.year == 2020


def test_negative_count_is_refused_by_validation_and_database(make_review):
    review = make_review()
    review.n_participants = -5
    with pytest.raises(ValidationError) as error:
        review.full_clean()
    assert "n_participants" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        IncludedReview.objects.filter(pk=review.pk).update(n_primary_studies=-1)


def test_raw_doi_spelling_is_refused_by_the_database_check(make_review):
    review = make_review()
    with pytest.raises(IntegrityError), transaction.atomic():
        # update() bypasses save(), as loaddata does: the check constraint still holds.
        IncludedReview.objects.filter(pk=review.pk).update(doi="https://doi.org/10.1/X")


def test_malformed_doi_is_a_validation_error_naming_the_field(make_review):
    review = make_review(doi="")
    review.doi = "not a doi"
    with pytest.raises(ValidationError) as error:
        review.full_clean()
    assert list(error.value.message_dict) == ["doi"]


def test_review_form_refuses_a_population_of_another_umbrella(make_umbrella, make_review):
    review = make_review()
    foreign = Population.objects.create(umbrella=make_umbrella(), name="Perinatal")
    form = IncludedReviewForm(
        data={
            "umbrella": review.umbrella.pk,
            "label": review.label,
            "title": review.title,
            "review_type": review.review_type,
            "populations": [foreign.pk],
        },
        instance=review,
    )
    assert not form.is_valid()
    assert "Perinatal" in form.errors["populations"][0]
