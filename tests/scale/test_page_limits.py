"""Lists that grow with the data are cut into pages, with the same queries at any size."""

import pytest
from django.urls import reverse

from reviews.models import Inclusion, PrimaryStudy
from synthesis.models import Outcome, OutcomeDomain
from tests.synthesis.test_evidence_pages import add_results


@pytest.fixture
def outcome(make_umbrella):
    umbrella = make_umbrella()
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Clinical")
    return Outcome.objects.create(umbrella=umbrella, name="Recovery", domain=domain)


def test_the_outcome_table_and_its_forest_plot_show_fifty_rows_a_page(client, outcome, make_review):
    add_results(outcome.umbrella, make_review, outcome, 60)
    first = client.get(outcome.get_absolute_url())
    assert first.context["n_rows"] == 60
    assert sum(len(group.results) for group in first.context["groups"]) == 50
    assert len(first.context["forest_figure"].data[0].y) == 50
    assert "rows 1–50 of 60" in first.content.decode()
    second = client.get(outcome.get_absolute_url(), {"page": 2})
    assert sum(len(group.results) for group in second.context["groups"]) == 10
    # Every row appears on exactly one page, in review-label order.
    labels = [r.review.label for page in (first, second) for g in page.context["groups"]
              for r in g.results]  # fmt: skip
    assert len(set(labels)) == 60
    assert labels == sorted(labels)
    # The summary still speaks for all 60 rows.
    assert first.context["summary"].startswith("60 of 60 meta-analyses")


@pytest.mark.parametrize("n_results", [5, 120])
def test_the_outcome_table_runs_the_same_queries_at_any_size(
    client, outcome, make_review, django_assert_max_num_queries, n_results
):
    add_results(outcome.umbrella, make_review, outcome, n_results)
    # 12 for the table, 5 for the summary-of-findings row the page leads with.
    with django_assert_max_num_queries(17):
        client.get(outcome.get_absolute_url(), {"sort": "-estimate"})


def include(review, studies):
    Inclusion.objects.bulk_create(Inclusion(review=review, study=s) for s in studies)


def make_studies(umbrella, count, prefix):
    return PrimaryStudy.objects.bulk_create(
        PrimaryStudy(umbrella=umbrella, label=f"{prefix} {i:03d}", title=f"Trial {prefix} {i}")
        for i in range(count)
    )


def test_a_review_page_lists_fifty_studies_and_links_to_the_rest(client, make_review):
    review = make_review()
    other = make_review(umbrella=review.umbrella)
    include(review, make_studies(review.umbrella, 60, "Alpha"))
    include(other, make_studies(review.umbrella, 3, "Beta"))
    response = client.get(review.get_absolute_url())
    assert [s.label for s in response.context["studies"]] == [f"Alpha {i:03d}" for i in range(50)]
    html = response.content.decode()
    assert "Primary studies in the registry (60)" in html
    registry = reverse("reviews:study-list", kwargs={"slug": review.umbrella.slug})
    assert f'href="{registry}?review={review.pk}"' in html
    listed = client.get(registry, {"review": review.pk})
    assert listed.context["paginator"].count == 60
    assert {s.label[:5] for s in listed.context["object_list"]} == {"Alpha"}
    assert client.get(registry, {"review": other.pk}).context["paginator"].count == 3
    assert client.get(registry).context["paginator"].count == 63


@pytest.mark.parametrize("n_studies", [5, 120])
def test_study_pages_run_the_same_queries_at_any_size(
    client, make_review, django_assert_max_num_queries, n_studies
):
    review = make_review()
    include(review, make_studies(review.umbrella, n_studies, "Study"))
    registry = reverse("reviews:study-list", kwargs={"slug": review.umbrella.slug})
    with django_assert_max_num_queries(10):
        client.get(review.get_absolute_url())
    with django_assert_max_num_queries(5):
        response = client.get(registry, {"review": review.pk})
    assert response.context["object_list"][0].n_reviews == 1
