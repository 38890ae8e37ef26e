"""Evidence pages on the peer-support fixture: the matrix reproduces Cooper et al. 2024's counts.

Reference statements: Cooper RE et al., BMC Med 2024;22:72, Results, "Results from
meta-analyses" and "Summary of results from systematic reviews without meta-analysis"
(seed lines 131–167), as tallied in ../shared/seed-data/reconciliation.json (rq1_stated_vs_found).
"""

import pytest
from django.urls import reverse

from synthesis.models import Outcome, OutcomeResult

SLUG = "peer-support-mental-health"
OVERVIEW = reverse("synthesis:overview", kwargs={"slug": SLUG})


def matrix(response) -> dict[str, dict[str, dict[str, int]]]:
    """{outcome: {"meta": {finding: reviews}, "narrative": {...}}} from the page's context."""
    return {
        row.outcome.name: {"meta": row.meta.by_finding, "narrative": row.narrative.by_finding}
        for group in response.context["overview"].groups
        for row in group.rows
    }


def summaries(response) -> dict[str, str]:
    groups = response.context["overview"].groups
    return {row.outcome.name: row.summary for g in groups for row in g.rows}


def outcome_url(name: str) -> str:
    return Outcome.objects.get(umbrella__slug=SLUG, name=name).get_absolute_url()


def test_fixture_holds_the_findings_and_whites_pooled_results(peer_support):
    results = OutcomeResult.objects.filter(review__umbrella=peer_support)
    # 107 rows − 2 without a review − 5 Pitt duplicates − 7 merged into White's 11 results.
    assert results.count() == 104
    white = results.filter(review__label="White 2020", estimate__isnull=False)
    assert white.count() == 11
    reviews_with_results = results.values("review").distinct().count()
    # 23 reviews answer RQ1; the results text cites 21 of them for a finding (Pellizzer 2022
    # and Åkerblom 2023 are RQ1 reviews that no outcome sentence cites).
    assert reviews_with_results == 21


def test_hospitalisation_disagreement_is_shown_with_the_derived_finding(client, peer_support):
    row = OutcomeResult.objects.get(review__label="White 2020", outcome__name="Hospitalisation")
    assert (row.measure, row.estimate, row.ci_low, row.ci_high) == ("rr", 0.86, 0.66, 1.13)
    assert row.finding == row.derived_finding == "no_effect"
    assert "Sources disagree" in row.note
    assert "reduced risk" in row.note
    page = client.get(outcome_url("Hospitalisation"))
    assert "Sources disagree" in page.content.decode()


def test_matrix_reproduces_the_papers_counts(client, peer_support):
    counts = matrix(client.get(OVERVIEW))
    recovery = counts["Recovery (self-reported)"]
    # "overall self-reported recovery": 7 meta-analyses, 5 improvement and 2 no effect.
    assert (recovery["meta"]["improvement"], recovery["meta"]["no_effect"]) == (5, 2)
    # Self-efficacy: 3 of 3 meta-analyses improvement.
    assert counts["Self-efficacy"]["meta"] == {
        "improvement": 3, "no_effect": 0, "mixed": 0, "harm": 0,
    }  # fmt: skip
    # Satisfaction with care: no meta-analytic improvement (4 reviews, all no effect).
    assert counts["Satisfaction with care"]["meta"]["improvement"] == 0
    assert counts["Satisfaction with care"]["meta"]["no_effect"] == 4
    # Hope: 4 improvement, 3 no effect.
    assert (counts["Hope"]["meta"]["improvement"], counts["Hope"]["meta"]["no_effect"]) == (4, 3)
    # Perinatal depression: 2 improvement.
    assert counts["Perinatal depression"]["meta"]["improvement"] == 2
    # Cost: 3 reviews report low cost / cost-saving.
    assert counts["Cost and cost-effectiveness"]["narrative"]["improvement"] == 3
    # Suicidal ideation: 2 scoping reviews report an improvement.
    assert counts["Suicidal ideation"]["narrative"]["improvement"] == 2
    # Service use (narrative): 3 no evidence, 3 mixed, 1 improvement (Pitt counted once).
    service = counts["Service use indicators"]["narrative"]
    assert (service["no_effect"], service["mixed"], service["improvement"]) == (3, 3, 1)
    # Relational outcomes (narrative): 3 supportive reviews.
    assert counts["Relational outcomes"]["narrative"]["improvement"] == 3


def test_summary_sentences_on_the_fixture(client, peer_support):
    text = summaries(client.get(OVERVIEW))
    assert text["Recovery (self-reported)"].startswith(
        "5 of 7 meta-analyses found an improvement; none from a review rated high or moderate."
    )
    assert text["Satisfaction with care"].startswith("0 of 4 meta-analyses found an improvement.")
    assert text["Self-efficacy"].startswith("3 of 3 meta-analyses found an improvement")


def test_timepoint_filter_separates_main_and_follow_up_results(client, peer_support):
    main = matrix(client.get(OVERVIEW, {"timepoint": ["post", "not_specified"]}))
    # Empowerment, main analyses: 2 improvement, 4 no effect.
    assert main["Empowerment"]["meta"]["improvement"] == 2
    assert main["Empowerment"]["meta"]["no_effect"] == 4
    # Quality of life: 2 improvement.
    assert main["Quality of life"]["meta"]["improvement"] == 2
    # Depression post-intervention: 3 no effect.
    post = matrix(client.get(OVERVIEW, {"timepoint": "post"}))
    assert post["Depression"]["meta"]["no_effect"] == 3
    follow_up = matrix(client.get(OVERVIEW, {"timepoint": "follow_up"}))
    # Follow-up: recovery improved in 3 reviews; empowerment in 3 reviews; QoL in 2.
    assert follow_up["Recovery (self-reported)"]["meta"]["improvement"] == 3
    assert sum(follow_up["Empowerment"]["meta"].values()) == 3
    assert sum(follow_up["Quality of life"]["meta"].values()) == 2


def test_domain_filter_keeps_only_that_domain(client, peer_support):
    recovery = Outcome.objects.get(name="Recovery (self-reported)").domain
    response = client.get(OVERVIEW, {"domain": recovery.pk})
    assert sorted(matrix(response)) == [
        "Functional recovery",
        "Personal recovery",
        "Recovery (self-reported)",
    ]


def test_minimum_rating_and_sensitivity_recompute_the_summaries(client, peer_support):
    high = summaries(client.get(OVERVIEW, {"min_rating": "high"}))
    # Chien 2019 is the only review rated high.
    assert high["Recovery (self-reported)"] == "0 of 1 meta-analysis found an improvement."
    sensitivity = client.get(OVERVIEW, {"sensitivity": "on"})
    text = summaries(sensitivity)
    assert text["Recovery (self-reported)"] == "0 of 1 meta-analysis found an improvement."
    assert "Self-efficacy" in text  # Chien's narrative self-efficacy row remains
    assert matrix(sensitivity)["Self-efficacy"]["meta"]["improvement"] == 0
    assert "Sensitivity analysis" in sensitivity.content.decode()


def test_population_and_evidence_type_filters(client, peer_support):
    smi = peer_support.population_set.get(name="Perinatal populations")
    counts = matrix(client.get(OVERVIEW, {"population": smi.pk}))
    assert counts["Perinatal depression"]["meta"]["improvement"] == 2
    narrative = matrix(client.get(OVERVIEW, {"evidence_type": "narrative"}))
    assert all(sum(c["meta"].values()) == 0 for c in narrative.values())
    assert "Cost and cost-effectiveness" in narrative


def test_matrix_cells_link_to_the_filtered_outcome_rows(client, peer_support):
    response = client.get(OVERVIEW, {"sensitivity": "on"})
    groups = client.get(OVERVIEW).context["overview"].groups
    row = next(r for g in groups for r in g.rows if r.outcome.name == "Recovery (self-reported)")
    cell = next(c for c in row.cells if c.evidence_type == "meta_analysis" and c.count == 5)
    assert cell.url.endswith("?evidence_type=meta_analysis&finding=improvement")
    page = client.get(cell.url)
    labels = sorted({r.review.label for g in page.context["groups"] for r in g.results})
    assert labels == ["Lloyd-Evans 2014", "Lyons 2021", "Peck 2023", "Wang 2022", "White 2020"]
    assert response.status_code == 200


def test_outcome_page_groups_by_timepoint_and_summarises(client, peer_support):
    response = client.get(outcome_url("Recovery (self-reported)"))
    groups = {g.label: len(g.results) for g in response.context["groups"]}
    assert groups == {"Follow-up": 4, "Not specified": 12}
    assert response.context["summary"].startswith("5 of 7 meta-analyses found an improvement")
    html = response.content.decode()
    assert 'id="forest-plot"' in html
    assert "0.22 [0.01, 0.42]" in html


def test_outcome_page_sorts_by_estimate(client, peer_support):
    response = client.get(outcome_url("Empowerment"), {"sort": "-estimate"})
    follow_up = next(g for g in response.context["groups"] if g.label == "Follow-up")
    assert follow_up.results[0].review.label == "White 2020"


def add_results(umbrella, make_review, outcome, count):
    reviews = [make_review(umbrella=umbrella) for _ in range(count)]
    OutcomeResult.objects.bulk_create(
        OutcomeResult(
            review=review,
            outcome=outcome,
            extraction_id=f"T{i}",
            evidence_type="meta_analysis",
            measure="smd",
            k=3,
            n=100,
            estimate=0.2,
            ci_low=0.05,
            ci_high=0.35,
            finding="improvement",
            derived_finding="improvement",
        )
        for i, review in enumerate(reviews)
    )
    return reviews


@pytest.mark.parametrize("n_results", [3, 30])
def test_evidence_pages_use_a_bounded_number_of_queries(
    client, make_umbrella, make_review, django_assert_max_num_queries, n_results
):
    from synthesis.models import OutcomeDomain

    umbrella = make_umbrella()
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Recovery")
    outcome = Outcome.objects.create(umbrella=umbrella, name="Recovery", domain=domain)
    other = Outcome.objects.create(umbrella=umbrella, name="Hope", domain=domain)
    reviews = add_results(umbrella, make_review, outcome, n_results)
    add_results(umbrella, make_review, other, n_results)
    for review in reviews:
        review.populations.create(umbrella=umbrella, name=f"Population {review.pk}")
    overview = reverse("synthesis:overview", kwargs={"slug": umbrella.slug})
    with django_assert_max_num_queries(13):
        response = client.get(overview, {"sensitivity": "on", "domain": domain.pk})
    assert sum(len(g.rows) for g in response.context["overview"].groups) == 2
    # 9 for the table, 5 for the overlap of its reviews (3 cache-key queries, 2 on a miss),
    # 7 for the summary-of-findings row it leads with (synthesis/selectors/summary_of_findings).
    with django_assert_max_num_queries(21):
        response = client.get(outcome.get_absolute_url(), {"sort": "-rating"})
    assert response.context["n_rows"] == n_results
    with django_assert_max_num_queries(8):
        client.get(reverse("synthesis:export-csv", kwargs={"slug": umbrella.slug}))
    with django_assert_max_num_queries(10):
        client.get(reviews[0].get_absolute_url())


def test_unpublished_project_evidence_is_hidden(client, make_umbrella):
    umbrella = make_umbrella(is_published=False)
    response = client.get(reverse("synthesis:overview", kwargs={"slug": umbrella.slug}))
    assert response.status_code == 404


def test_no_empty_evidence_map_box_without_populations(client, make_umbrella, make_review):
    from synthesis.models import OutcomeDomain

    umbrella = make_umbrella()
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Recovery")
    outcome = Outcome.objects.create(umbrella=umbrella, name="Recovery", domain=domain)
    add_results(umbrella, make_review, outcome, 2)  # reviews without a population category
    page = client.get(reverse("synthesis:overview", kwargs={"slug": umbrella.slug}))
    html = page.content.decode()
    assert page.context["overview"].map_cells == []
    assert '<div class="plot" id="evidence-map">' not in html
    assert "No evidence map: none of these reviews records a population category." in html
