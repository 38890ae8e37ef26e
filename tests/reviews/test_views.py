import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from reviews.models import (
    IncludedReview,
    Inclusion,
    InterventionFormat,
    Membership,
    Population,
    PublishedRating,
    ResearchQuestion,
    ReviewType,
)

SLUG = "peer-support-mental-health"
LIST_URL = reverse("reviews:review-list", kwargs={"slug": SLUG})


def labels(response) -> list[str]:
    return sorted(review.label for review in response.context["object_list"])


def term_id(model, name):
    return model.objects.get(umbrella__slug=SLUG, name=name).pk


def test_scoping_filter_returns_the_six_scoping_reviews(client, peer_support):
    response = client.get(LIST_URL, {"review_type": "scoping"})
    assert labels(response) == [
        "Bowersox 2021",
        "Ong 2022",
        "Schlichthorst 2020",
        "Viking 2022",
        "Zeng 2021",
        "Åkerblom 2023",
    ]
    assert response.context["paginator"].count == 6
    assert "6 reviews match the filters" in response.content.decode()


def test_qualitative_synthesis_filter(client, peer_support):
    response = client.get(LIST_URL, {"review_type": "sr_qualitative"})
    assert labels(response) == ["Bailie 2015", "Jones 2014", "Walker 2013"]


def test_population_filter_counts_pitt_once(client, peer_support):
    response = client.get(LIST_URL, {"population": term_id(Population, "Perinatal populations")})
    assert labels(response) == ["Fang 2022", "Huang 2020", "Jones 2014"]
    smi = term_id(Population, "Severe mental illness (SMI)")
    response = client.get(LIST_URL, {"population": smi, "page": 1})
    assert response.context["paginator"].count == 13


def test_format_filter_returns_the_group_only_reviews(client, peer_support):
    response = client.get(LIST_URL, {"format": term_id(InterventionFormat, "Group only")})
    assert labels(response) == ["Jones 2014", "Lyons 2021", "Sun 2022"]
    response = client.get(LIST_URL, {"format": term_id(InterventionFormat, "Individual only")})
    assert labels(response) == ["Chinman 2014", "Peck 2023", "White 2020"]


def test_research_question_filter(client, peer_support):
    rq2 = ResearchQuestion.objects.get(umbrella=peer_support, code="RQ2").pk
    response = client.get(LIST_URL, {"research_question": rq2})
    assert labels(response) == [
        "Fortuna 2020",
        "Ibrahim 2020",
        "Lewis 2022",
        "Mutschler 2022",
        "Ong 2022",
        "Triece 2022",
        "Vandewalle 2016",
        "Zeng 2021",
        "du Plessis 2020",
    ]


def test_rating_filter_returns_the_one_high_rated_review(client, peer_support):
    response = client.get(LIST_URL, {"rating": "high"})
    assert labels(response) == ["Chien 2019"]
    response = client.get(LIST_URL, {"rating": ["high", "critically_low"]})
    assert response.context["paginator"].count == 17


def test_year_range_filter(client, peer_support):
    response = client.get(LIST_URL, {"year_min": 2012, "year_max": 2013})
    assert labels(response) == ["Miyamoto 2012", "Pitt 2013", "Walker 2013"]


def test_free_text_searches_titles_and_authors(client, peer_support):
    response = client.get(LIST_URL, {"q": "perinatal"})
    assert labels(response) == ["Fang 2022", "Huang 2020", "Jones 2014"]
    response = client.get(LIST_URL, {"q": "Lloyd-Evans"})
    # Lyons 2021 matches through its author list (Lyons N, Cooper C, Lloyd-Evans B).
    assert labels(response) == ["Lloyd-Evans 2014", "Lyons 2021"]


def test_filters_combine(client, peer_support):
    response = client.get(
        LIST_URL,
        {"review_type": "sr_meta_analysis", "format": term_id(InterventionFormat, "Group only")},
    )
    assert labels(response) == ["Lyons 2021", "Sun 2022"]


def test_sorting_by_year_descending_and_pagination_keeps_filters(client, peer_support):
    response = client.get(LIST_URL, {"sort": "-year", "review_type": "sr_meta_analysis"})
    years = [review.year for review in response.context["object_list"]]
    assert years == sorted(years, reverse=True)
    assert years[0] == 2023
    response = client.get(LIST_URL, {"sort": "year"})
    page = response.content.decode()
    assert response.context["paginator"].num_pages == 2
    assert "?sort=year&amp;page=2" in page
    columns = {column.label: column for column in response.context["columns"]}
    assert columns["Year"].aria_sort == "ascending"
    assert columns["Year"].next_sort == "-year"


def test_overview_shows_computed_counts(client, peer_support):
    response = client.get(reverse("reviews:umbrella-detail", kwargs={"slug": SLUG}))
    page = response.content.decode()
    summary = response.context["summary"]
    assert summary.n_reviews == 35
    assert "as reported" in page
    assert "426" in page
    assert "CRD42022362099" in page
    assert "January 2012 to November 2022" in page


def test_review_detail_shows_citation_reports_and_studies(client, peer_support, make_study):
    pitt = IncludedReview.objects.get(umbrella=peer_support, label="Pitt 2013")
    study = make_study(peer_support, label="Sledge 2011", doi="10.1176/ps.62.5.pss6205_0541")
    Inclusion.objects.create(review=pitt, study=study)
    page = client.get(pitt.get_absolute_url()).content.decode()
    assert (
        "Consumer-providers of care for adult clients of statutory mental health services" in page
    )
    assert "J Soc Social Work Res" in page
    assert "Sledge 2011" in page
    assert 'href="https://doi.org/10.1176/ps.62.5.pss6205_0541"' in page


def test_review_of_another_umbrella_is_not_found_under_this_one(client, peer_support, make_review):
    other = make_review(label="Elsewhere 2020")
    url = reverse("reviews:review-detail", kwargs={"slug": SLUG, "pk": other.pk})
    assert client.get(url).status_code == 404


def test_unpublished_umbrella_is_a_404_for_visitors_and_visible_to_members(
    client, make_umbrella, make_review
):
    draft = make_umbrella(is_published=False, title="Draft umbrella")
    review = make_review(umbrella=draft)
    urls = [
        draft.get_absolute_url(),
        reverse("reviews:review-list", kwargs={"slug": draft.slug}),
        review.get_absolute_url(),
    ]
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert "Draft umbrella" not in client.get(reverse("reviews:home")).content.decode()

    user = get_user_model().objects.create_user("reader", password="a-long-pass-phrase")
    client.force_login(user)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    Membership.objects.create(umbrella=draft, user=user, role=Membership.Role.READER)
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    assert "Draft umbrella" in client.get(reverse("reviews:home")).content.decode()


def test_home_lists_published_umbrellas(client, peer_support):
    page = client.get(reverse("reviews:home")).content.decode()
    assert "peer support approaches for mental health" in page


def add_reviews(umbrella, count, *, start=0):
    """Reviews with every related list filled, to expose per-row queries."""
    population = Population.objects.get_or_create(umbrella=umbrella, name="Adults")[0]
    fmt = InterventionFormat.objects.get_or_create(umbrella=umbrella, name="Group only")[0]
    question = ResearchQuestion.objects.get_or_create(
        umbrella=umbrella, code="RQ1", defaults={"text": "Does it work?"}
    )[0]
    reviews = IncludedReview.objects.bulk_create(
        IncludedReview(
            umbrella=umbrella,
            label=f"Reviewer {start + i} 2020",
            title=f"Review {start + i}",
            year=2000 + i % 20,
            review_type=ReviewType.SR_META_ANALYSIS,
            published_rating=PublishedRating.LOW,
        )
        for i in range(count)
    )
    for review in reviews:
        review.populations.add(population)
        review.formats.add(fmt)
        review.research_questions.add(question)
    return reviews


@pytest.mark.parametrize("n_reviews", [5, 50])
def test_review_pages_run_a_bounded_number_of_queries(
    client, make_umbrella, make_study, django_assert_max_num_queries, n_reviews
):
    umbrella = make_umbrella()
    reviews = add_reviews(umbrella, n_reviews)
    for review in reviews[:3]:
        for _ in range(n_reviews // 5):
            Inclusion.objects.create(review=review, study=make_study(umbrella))
    list_url = reverse("reviews:review-list", kwargs={"slug": umbrella.slug})
    with django_assert_max_num_queries(9):
        client.get(list_url, {"sort": "-year", "review_type": "sr_meta_analysis"})
    # 10: the review page also shows its AMSTAR 2 panel and its outcome results (one query each).
    with django_assert_max_num_queries(10):
        client.get(reviews[0].get_absolute_url())
    # 11: the overview leads with the key findings (research questions and narratives, here
    # none) and names the latest release (issue 20).
    with django_assert_max_num_queries(11):
        client.get(umbrella.get_absolute_url())
