"""Researchers add, edit and delete included reviews (with their further reports) and
excluded reviews in the app; duplicates by DOI/PMID are refused with a link to the other."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from appraisal.models import Appraisal
from reviews.models import (
    ExcludedReview,
    ExclusionReason,
    IncludedReview,
    Membership,
    Population,
    Report,
    ResearchQuestion,
)
from synthesis.models import Outcome, OutcomeDomain, OutcomeResult


@pytest.fixture
def researcher(client, make_umbrella):
    umbrella = make_umbrella(is_published=False)
    user = get_user_model().objects.create_user("researcher")
    Membership.objects.create(umbrella=umbrella, user=user, role="researcher")
    client.force_login(user)
    return client, umbrella


def review_data(**overrides):
    data = {
        "label": "Chien 2019",
        "title": "Peer support for people with schizophrenia",
        "authors": "Chien WT, Clifton AV",
        "year": "2019",
        "doi": "https://doi.org/10.1002/14651858.CD010880.pub2",
        "review_type": "sr_meta_analysis",
        "n_primary_studies": "13",
        "grade_used": "unknown",
        "lived_experience_involvement": "unknown",
    }
    return {**data, **overrides}


def test_a_researcher_adds_a_review_with_its_scope(researcher):
    client, umbrella = researcher
    smi = Population.objects.create(umbrella=umbrella, name="SMI")
    question = ResearchQuestion.objects.create(umbrella=umbrella, code="RQ1", text="Effects?")
    response = client.post(
        reverse("reviews:review-add", args=[umbrella.slug]),
        review_data(populations=[smi.pk], research_questions=[question.pk]),
    )
    review = IncludedReview.objects.get(umbrella=umbrella)
    assert response.url == review.get_absolute_url()
    assert (review.label, review.doi, review.n_primary_studies) == (
        "Chien 2019", "10.1002/14651858.cd010880.pub2", 13
    )  # fmt: skip
    assert list(review.populations.all()) == [smi]
    assert list(review.research_questions.all()) == [question]
    assert review.history.count() == 1


def test_another_projects_population_is_refused(researcher, make_umbrella):
    client, umbrella = researcher
    foreign = Population.objects.create(umbrella=make_umbrella(), name="Elsewhere")
    response = client.post(
        reverse("reviews:review-add", args=[umbrella.slug]), review_data(populations=[foreign.pk])
    )
    assert "populations" in response.context["form"].errors
    assert not IncludedReview.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [("doi", "10.1002/14651858.CD010880.PUB2", "DOI"), ("pmid", "24000001", "PMID")],
)
def test_a_duplicate_identifier_is_refused_with_a_link_to_the_existing_review(
    researcher, make_review, field, value, label
):
    client, umbrella = researcher
    existing = make_review(
        umbrella=umbrella, label="Chien 2013", doi="10.1002/14651858.cd010880.pub2",
        pmid="24000001",
    )  # fmt: skip
    data = review_data(**{"label": "Chien 2019b", "doi": "", "pmid": "", field: value})
    response = client.post(reverse("reviews:review-add", args=[umbrella.slug]), data)
    stored = getattr(existing, field)
    assert response.context["form"].errors[field] == [
        f"Another included review of this project has the {label} {stored}: "
        f'<a href="{existing.get_absolute_url()}">Chien 2013</a>.'
    ]
    assert f'<a href="{existing.get_absolute_url()}">Chien 2013</a>' in response.content.decode()
    assert IncludedReview.objects.filter(umbrella=umbrella).count() == 1


def test_a_duplicate_label_is_refused(researcher, make_review):
    client, umbrella = researcher
    make_review(umbrella=umbrella, label="Chien 2019")
    response = client.post(reverse("reviews:review-add", args=[umbrella.slug]), review_data(doi=""))
    assert response.context["form"].errors["label"] == [
        "Another review of this project has the label “Chien 2019”."
    ]


def test_a_stale_review_edit_is_refused(researcher, make_review):
    client, umbrella = researcher
    review = make_review(umbrella=umbrella, label="Chien 2019", title="Old title")
    IncludedReview.objects.filter(pk=review.pk).update(title="Their title", version=2)
    response = client.post(
        reverse("reviews:review-edit", args=[umbrella.slug, review.pk]),
        review_data(title="My title", doi="", version=1),
    )
    assert ("Title", "My title", "Their title") in [tuple(c) for c in response.context["conflicts"]]
    assert IncludedReview.objects.get(pk=review.pk).title == "Their title"


def test_an_edit_posted_without_its_version_is_refused_not_saved_over(researcher, make_review):
    """A POST that names no version (hand-made, or opened before the row existed) cannot be
    checked against later saves, so it is refused as a stale edit, not saved over theirs."""
    client, umbrella = researcher
    review = make_review(umbrella=umbrella, label="Chien 2019", title="Old title")
    IncludedReview.objects.filter(pk=review.pk).update(title="Their title", version=2)
    response = client.post(
        reverse("reviews:review-edit", args=[umbrella.slug, review.pk]),
        review_data(title="My title", doi=""),
    )
    assert ("Title", "My title", "Their title") in [tuple(c) for c in response.context["conflicts"]]
    assert IncludedReview.objects.get(pk=review.pk).title == "Their title"


def test_reports_are_added_edited_and_deleted(researcher, make_review):
    client, umbrella = researcher
    review = make_review(umbrella=umbrella)
    add = reverse("reviews:report-add", args=[umbrella.slug, review.pk])
    client.post(add, {"title": "Journal version", "year": "2020", "reference_number": "12"})
    report = Report.objects.get(review=review)
    assert (report.title, report.reference_number) == ("Journal version", 12)
    response = client.post(add, {"title": "Journal version"})
    assert response.context["form"].errors["title"] == [
        "This review already has a report with this title."
    ]
    client.post(
        reverse("reviews:report-edit", args=[umbrella.slug, review.pk, report.pk]),
        {"title": "Journal version (2020)", "version": 1},
    )
    report.refresh_from_db()
    assert (report.title, report.version) == ("Journal version (2020)", 2)
    client.post(
        reverse("reviews:report-delete", args=[umbrella.slug, review.pk, report.pk]),
        {"version": 2},
    )
    assert not Report.objects.exists()


def test_deleting_a_review_lists_what_goes_with_it_then_deletes_on_confirmation(
    researcher, make_review
):
    client, umbrella = researcher
    review = make_review(umbrella=umbrella, label="Chien 2019")
    Report.objects.create(review=review, title="Journal version")
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Clinical")
    outcome = Outcome.objects.create(umbrella=umbrella, name="Depression", domain=domain)
    OutcomeResult.objects.create(
        review=review, outcome=outcome, evidence_type="narrative", finding="improvement"
    )
    Appraisal.objects.create(review=review, role="first", variant="original")
    url = reverse("reviews:review-delete", args=[umbrella.slug, review.pk])
    page = client.get(url)
    # The rater's appraisal is not counted (it could be another rater's unsubmitted work);
    # the page names the blinded kinds whether or not any exist.
    assert sorted(page.context["dependents"]) == ["1 outcome result", "1 report"]
    blinded_line = "any appraisals and extractions recorded for it (not counted here"
    assert blinded_line in page.content.decode()
    untouched = make_review(umbrella=umbrella, label="Fortuna 2020")
    other_page = client.get(reverse("reviews:review-delete", args=[umbrella.slug, untouched.pk]))
    assert other_page.context["blinded"] == page.context["blinded"]

    stale = client.post(url, {"version": 0})
    assert stale.status_code == 400
    assert IncludedReview.objects.filter(pk=review.pk).exists()

    response = client.post(url, {"version": 1})
    assert response.url == reverse("reviews:review-list", args=[umbrella.slug])
    assert list(IncludedReview.objects.values_list("label", flat=True)) == ["Fortuna 2020"]
    assert not OutcomeResult.objects.exists()
    assert not Appraisal.objects.exists()
    assert IncludedReview.history.filter(id=review.pk, history_type="-").count() == 1


def test_an_excluded_review_is_added_with_this_projects_reason(researcher, make_umbrella):
    client, umbrella = researcher
    reason = ExclusionReason.objects.create(umbrella=umbrella, name="Not a systematic review")
    foreign = ExclusionReason.objects.create(umbrella=make_umbrella(), name="Elsewhere")
    url = reverse("reviews:excluded-add", args=[umbrella.slug])
    response = client.post(url, {"title": "A narrative review", "reason": foreign.pk})
    assert "reason" in response.context["form"].errors
    client.post(url, {"title": "A narrative review", "reason": reason.pk, "pmid": "31234567"})
    excluded = ExcludedReview.objects.get(umbrella=umbrella)
    assert (excluded.reason, excluded.pmid) == (reason, "31234567")
    listing = client.get(reverse("reviews:excluded-list", args=[umbrella.slug]))
    assert list(listing.context["object_list"]) == [excluded]

    again = client.post(url, {"title": "Same paper", "reason": reason.pk, "pmid": "31234567"})
    assert again.context["form"].errors["pmid"] == [
        "Another excluded review of this project has the PMID 31234567: “A narrative review”."
    ]


def test_readers_cannot_add_reviews(client, make_umbrella):
    umbrella = make_umbrella(is_published=True)
    user = get_user_model().objects.create_user("reader")
    Membership.objects.create(umbrella=umbrella, user=user, role="reader")
    client.force_login(user)
    response = client.post(reverse("reviews:review-add", args=[umbrella.slug]), review_data())
    assert response.status_code == 403
    assert not IncludedReview.objects.exists()
