import io

import openpyxl
import pytest
from django.urls import reverse

from appraisal.models import Appraisal
from appraisal.services import ItemInput, save_appraisal
from reviews.models import IncludedReview, Membership, ReviewType

from .conftest import ALL_YES

SLUG = "peer-support-mental-health"


def form_url(review, role):
    return reverse(
        "appraisal:appraisal-form",
        kwargs={"slug": review.umbrella.slug, "pk": review.pk, "role": role},
    )


def compare_url(review):
    return reverse(
        "appraisal:appraisal-compare", kwargs={"slug": review.umbrella.slug, "pk": review.pk}
    )


def post_data(answers, *, version=0, submit=True):
    data = {"version": version, "submit" if submit else "draft": "1"}
    for item, value in answers.items():
        data[f"item_{item}_{'rct' if item in (9, 11) else 'answer'}"] = value
    return data


@pytest.fixture
def double_rated(make_review, make_member, appraise):
    """One review rated by two raters: they disagree on items 4 and 5 (hand-worked below)."""
    review = make_review(review_type=ReviewType.SR_META_ANALYSIS)
    ann = make_member(review.umbrella, "ann")
    bob = make_member(review.umbrella, "bob")
    appraise(review, "first", ann, ALL_YES | {2: "no", 4: "no"})
    appraise(review, "second", bob, ALL_YES | {2: "no", 5: "no"})
    return review, ann, bob


def test_rater_fills_in_the_form_and_sees_the_rating(client, make_review, make_member):
    review = make_review(review_type=ReviewType.SCOPING)
    client.force_login(make_member(review.umbrella, "ann"))
    answers = {n: "yes" for n in range(1, 17) if n not in (9, 11, 12, 15)} | {3: "no", 10: "no"}
    response = client.post(form_url(review, "first"), post_data(answers))
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert 'id="overall-rating">Moderate<' in page
    assert "Scoping review" in page  # the rule set is named next to the rating


def test_form_redisplays_with_item_errors_and_saves_nothing(client, make_review, make_member):
    review = make_review()
    client.force_login(make_member(review.umbrella, "ann"))
    response = client.post(form_url(review, "first"), post_data({1: "yes"}))
    assert response.status_code == 400
    assert "Item 16 needs an answer before submitting." in response.content.decode()
    assert not Appraisal.objects.exists()


def test_stale_form_is_refused_with_the_stored_answers_shown(
    client, make_review, make_member, appraise
):
    review = make_review()
    ann = make_member(review.umbrella, "ann")
    appraise(review, "first", ann, {1: "yes"}, submit=False)
    appraise(review, "first", ann, {1: "no"}, submit=False)  # saved elsewhere: now version 2
    client.force_login(ann)
    response = client.post(
        form_url(review, "first"), post_data({1: "yes"}, version=1, submit=False)
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "someone else saved this appraisal (now version 2)" in page
    assert "Stored answer: No" in page
    assert Appraisal.objects.get().answers.get(item=1).answer == "no"


def test_second_rater_cannot_see_the_first_raters_answers_until_both_submitted(
    client, make_review, make_member, appraise
):
    review = make_review()
    ann, bob = make_member(review.umbrella, "ann"), make_member(review.umbrella, "bob")
    appraise(review, "first", ann, ALL_YES)
    client.force_login(bob)
    assert client.get(form_url(review, "first")).status_code == 403
    assert client.get(compare_url(review)).status_code == 403
    assert client.get(form_url(review, "consensus")).status_code == 403
    detail = client.get(review.get_absolute_url()).content.decode()
    assert "submitted by another rater" in detail
    appraise(review, "second", bob, ALL_YES | {3: "no"})
    assert client.get(form_url(review, "first")).status_code == 200
    assert client.get(compare_url(review)).status_code == 200


def test_one_person_cannot_be_both_raters(client, make_review, make_member, appraise):
    review = make_review()
    ann = make_member(review.umbrella, "ann")
    appraise(review, "first", ann, ALL_YES)
    client.force_login(ann)
    assert client.get(form_url(review, "second")).status_code == 403


def test_readers_and_visitors_cannot_appraise(client, make_review, make_member):
    review = make_review()
    assert client.get(form_url(review, "first")).status_code == 302  # to the login page
    client.force_login(make_member(review.umbrella, "reader", role=Membership.Role.READER))
    assert client.get(form_url(review, "first")).status_code == 403


def test_comparison_shows_agreement_and_kappa(client, double_rated):
    review, ann, _ = double_rated
    client.force_login(ann)
    response = client.get(compare_url(review))
    # 16 items, disagreement on items 4 and 5: p_o = 14/16 = 0.875; each rater 14 yes and 2 no,
    # so p_e = (14/16)^2 + (2/16)^2 = 0.78125 and kappa = 0.09375 / 0.21875 = 3/7 = 0.43.
    agreement = response.context["agreement"]
    assert agreement.percent == pytest.approx(87.5)
    assert agreement.kappa == pytest.approx(3 / 7)
    assert [c.item.number for c in response.context["comparisons"] if not c.agree] == [4, 5]


def test_consensus_form_is_prefilled_with_the_agreed_answers_only(client, double_rated):
    review, ann, _ = double_rated
    client.force_login(ann)
    form = client.get(form_url(review, "consensus")).context["form"]
    assert form.initial["item_2_answer"] == "no"
    assert form.initial["item_9_rct"] == "yes"
    assert "item_4_answer" not in form.initial
    assert "item_5_answer" not in form.initial


def rated_with_reasons(review, rater, role, answer4, reason):
    items = {
        n: ItemInput(rct="yes") if n in (9, 11) else ItemInput(answer="yes") for n in range(1, 17)
    }
    items[4] = ItemInput(answer=answer4, justification=reason)
    return save_appraisal(
        review=review, role=role, rater=rater, items=items, expected_version=0, submit=True
    )


def test_comparison_and_consensus_show_each_raters_answer_and_justification(
    client, make_review, make_member
):
    review = make_review(review_type=ReviewType.SR_META_ANALYSIS)
    ann, bob = make_member(review.umbrella, "ann"), make_member(review.umbrella, "bob")
    rated_with_reasons(review, ann, "first", "no", "Only PubMed searched")
    client.force_login(ann)
    # Before the second rater submits, the consensus is closed and nothing of bob's shows.
    assert client.get(form_url(review, "consensus")).status_code == 403
    rated_with_reasons(review, bob, "second", "partial_yes", "Two databases & a registry")
    compared = client.get(compare_url(review))
    item4 = next(c for c in compared.context["comparisons"] if c.item.number == 4)
    assert (item4.first, item4.first_justification) == ("no", "Only PubMed searched")
    assert (item4.second, item4.second_justification) == (
        "partial_yes",
        "Two databases & a registry",
    )
    assert "Two databases &amp; a registry" in compared.content.decode()
    consensus = client.get(form_url(review, "consensus"))
    shown = consensus.context["rater_answers"][4]
    assert not shown.agree
    page = consensus.content.decode()
    section = page[page.index('id="raters-4"') : page.index('id="item-5"')]
    assert "The raters disagree" in section
    assert "First rater (ann)" in section
    assert "Only PubMed searched" in section
    assert "Second rater (bob)" in section
    assert "Two databases &amp; a registry" in section


def test_consensus_rates_the_review_on_the_table_and_detail(client, double_rated, appraise):
    review, ann, _ = double_rated
    appraise(review, "consensus", ann, ALL_YES | {2: "no", 4: "no"})
    table = client.get(reverse("appraisal:appraisal-table", kwargs={"slug": review.umbrella.slug}))
    row = next(row for row in table.context["rows"] if row.review == review)
    assert (row.rating, row.rating_source) == ("critically_low", "computed")
    weak = {w.item.number: (w.weak, w.eligible) for w in table.context["weaknesses"]}
    assert weak[2] == (1, 1)
    assert weak[3] == (0, 1)
    assert table.context["agreement"].percent == pytest.approx(87.5)
    assert table.context["n_double_rated"] == 1
    assert "Critically low" in client.get(review.get_absolute_url()).content.decode()


def test_fixture_table_shows_published_ratings_labelled(client, peer_support):
    response = client.get(reverse("appraisal:appraisal-table", kwargs={"slug": SLUG}))
    counts = {label: count for _, label, count in response.context["rating_counts"]}
    assert counts == {
        "High": 1,
        "Moderate": 0,
        "Low": 0,
        "Low or critically low (not separated)": 18,
        "Critically low": 16,
        "Not rated": 0,
    }
    assert all(row.rating_source == "published" for row in response.context["rows"])
    page = response.content.decode()
    assert "as published" in page
    assert "No review has a consensus appraisal yet" in page


def test_table_filters_by_review_type_and_rating(client, peer_support):
    url = reverse("appraisal:appraisal-table", kwargs={"slug": SLUG})
    response = client.get(url, {"review_type": "scoping"})
    assert len(response.context["rows"]) == 6
    response = client.get(url, {"rating": "high"})
    assert [row.review.label for row in response.context["rows"]] == ["Chien 2019"]
    response = client.get(url, {"sort": "rating"})
    assert response.context["rows"][0].review.label == "Chien 2019"


def test_exports_have_one_row_per_review_and_a_column_per_item(client, double_rated, appraise):
    review, ann, _ = double_rated
    appraise(review, "consensus", ann, ALL_YES | {2: "no"})
    slug = review.umbrella.slug
    csv = client.get(reverse("appraisal:appraisal-export-csv", kwargs={"slug": slug}))
    lines = csv.content.decode("utf-8-sig").splitlines()  # the BOM Excel needs
    assert lines[0].startswith("review,year,review_type,item_1,item_2,")
    assert lines[0].endswith("item_16,overall,rating_source,variant")
    assert lines[1].split(",")[3:5] == ["yes", "no"]
    assert lines[1].endswith(",low,computed,standard")
    xlsx = client.get(reverse("appraisal:appraisal-export-xlsx", kwargs={"slug": slug}))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A2"].value == review.label
    assert sheet["B2"].value == 2020  # numbers stay numbers


def add_appraised_reviews(umbrella, rater, count, appraise):
    reviews = IncludedReview.objects.bulk_create(
        IncludedReview(umbrella=umbrella, label=f"R{i} 2020", title=f"R{i}", review_type="scoping")
        for i in range(count)
    )
    answers = {n: "yes" for n in range(1, 17) if n not in (9, 11, 12, 15)}
    for review in reviews:
        appraise(review, "consensus", rater, answers)
        appraise(review, "first", rater, answers)
    return reviews


@pytest.mark.parametrize("count", [3, 60])  # 60 > one page of the table
def test_appraisal_pages_run_a_bounded_number_of_queries(
    client, make_umbrella, make_member, appraise, django_assert_max_num_queries, count
):
    umbrella = make_umbrella()
    rater = make_member(umbrella, "ann")
    reviews = add_appraised_reviews(umbrella, rater, count, appraise)
    client.force_login(rater)
    with django_assert_max_num_queries(13):
        client.get(reverse("appraisal:appraisal-table", kwargs={"slug": umbrella.slug}))
    with django_assert_max_num_queries(12):
        client.get(form_url(reviews[0], "consensus"))
    with django_assert_max_num_queries(14):
        client.get(reviews[0].get_absolute_url())
    with django_assert_max_num_queries(8):  # the robvis table: every review, not one page
        robvis = client.get(reverse("appraisal:appraisal-export-robvis", args=[umbrella.slug]))
    assert robvis.content.decode().count("\n") == count + 1


def test_reviews_list_shows_and_filters_the_consensus_rating(
    client, peer_support, make_member, appraise
):
    ong = IncludedReview.objects.get(umbrella=peer_support, label="Ong 2022")
    answers = {n: "yes" for n in range(1, 17) if n not in (9, 11, 12, 15)}
    appraise(ong, "consensus", make_member(peer_support, "ann"), answers)  # published: crit. low
    url = reverse("reviews:review-list", kwargs={"slug": SLUG})
    response = client.get(url, {"rating": "high"})
    assert sorted(r.label for r in response.context["object_list"]) == ["Chien 2019", "Ong 2022"]
    rows = {r.label: (r.rating, r.computed_rating) for r in response.context["object_list"]}
    assert rows == {"Chien 2019": ("high", None), "Ong 2022": ("high", "high")}
    assert client.get(url, {"rating": "critically_low"}).context["paginator"].count == 15


def test_table_pages_its_rows_but_counts_every_review(client, make_umbrella, make_member, appraise):
    umbrella = make_umbrella()
    add_appraised_reviews(umbrella, make_member(umbrella, "ann"), 55, appraise)
    url = reverse("appraisal:appraisal-table", kwargs={"slug": umbrella.slug})
    first = client.get(url)
    assert len(first.context["rows"]) == 50
    assert {label: n for _, label, n in first.context["rating_counts"]}["High"] == 55
    weak = {w.item.number: (w.weak, w.eligible) for w in first.context["weaknesses"]}
    assert weak[9] == (0, 0)  # scoping reviews are not scored on item 9
    assert weak[2] == (0, 55)
    assert len(client.get(url, {"page": 2}).context["rows"]) == 5


def test_evidence_tables_use_the_consensus_rating(client, peer_support, make_member, appraise):
    export = reverse("synthesis:export-csv", kwargs={"slug": SLUG})
    # Published ratings: only Chien 2019 (high) survives the sensitivity switch.
    rows = client.get(export, {"sensitivity": "on"}).content.decode().splitlines()[1:]
    assert rows
    assert {row.split(",")[1] for row in rows} == {"Chien 2019"}
    chien = IncludedReview.objects.get(umbrella=peer_support, label="Chien 2019")
    appraise(chien, "consensus", make_member(peer_support, "ann"), ALL_YES | {2: "no", 7: "no"})
    rows = client.get(export, {"sensitivity": "on"}).content.decode().splitlines()[1:]
    assert rows == []  # now rated critically low by its consensus appraisal
    every = client.get(export).content.decode().splitlines()
    rating_column = every[0].split(",").index("amstar2_rating")
    chien_rows = [row.split(",") for row in every[1:] if row.split(",")[1] == "Chien 2019"]
    assert {row[rating_column] for row in chien_rows} == {"critically_low"}
