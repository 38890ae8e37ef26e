"""The summary of findings: one row per outcome, its selected meta-analysis, the rule in force.

The peer-support fixture must give the paper's reading (Cooper et al., BMC Med 2024;22:72):
self-reported recovery improved in 5 of 7 meta-analyses, none from a review rated high or
moderate; self-efficacy in 3 of 3. The constructed case is that of test_selection.py, in the
database, so the page's rule switch is checked against exact rows.
"""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from reviews.models import Inclusion, Membership, UmbrellaReview
from reviews.project.revisions import bump_revision
from synthesis.models import (
    Outcome,
    OutcomeDomain,
    OutcomeResult,
    SelectionOverride,
    SelectionRule,
)

SLUG = "peer-support-mental-health"


def sof_url(slug: str, name: str = "summary-of-findings") -> str:
    return reverse(f"synthesis:{name}", kwargs={"slug": slug})


def rows_of(response) -> dict[str, object]:
    return {row.outcome.name: row for row in response.context["sof"].rows}


def test_peer_support_reproduces_the_papers_reading(client, peer_support):
    rows = rows_of(client.get(sof_url(SLUG)))
    recovery = rows["Recovery (self-reported)"]
    assert recovery.summary == (
        "5 of 7 meta-analyses found an improvement; none from a review rated high or moderate. "
        "6 of 6 narrative syntheses reported an improvement; none from a review rated high or "
        "moderate."
    )
    assert (recovery.n_reviews, recovery.n_meta_analyses) == (11, 7)
    assert rows["Self-efficacy"].summary.startswith("3 of 3 meta-analyses found an improvement")
    # White 2020 is the only review of self-reported recovery with a pooled estimate.
    assert recovery.selected.review.label == "White 2020"
    assert recovery.reason == "The only review with a pooled estimate"
    assert recovery.selected.estimate == 0.22
    assert recovery.statement.text == (
        "The selected meta-analysis found a small improvement in recovery (self-reported) with "
        "the intervention; the certainty of the evidence was not assessed."
    )
    # Every outcome with a pooled estimate has its selected row and the reason for it.
    pooled = set(
        OutcomeResult.objects.filter(
            review__umbrella=peer_support, estimate__isnull=False
        ).values_list("outcome__name", flat=True)
    )
    assert len(pooled) == 11
    for name in pooled:
        assert rows[name].selected.estimate is not None, name
        assert rows[name].reason, name
    # Outcomes with narrative syntheses only have a row but nothing selected.
    assert rows["Cost and cost-effectiveness"].selected is None


@pytest.fixture
def constructed(make_umbrella, make_review):
    """test_selection.py's four meta-analyses of one outcome, and a narrative synthesis."""
    umbrella = make_umbrella()
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Clinical")
    outcome = Outcome.objects.create(umbrella=umbrella, name="Recovery", domain=domain)
    specs = [
        ("Adams 2018", "high", "low", 5, 400, 2018, 0.3, 0.1, 0.5),
        ("Baker 2021", "moderate", "moderate", 12, 900, 2021, 0.2, 0.05, 0.35),
        ("Chen 2019", "moderate", "moderate", 12, 1500, 2019, 0.25, 0.1, 0.4),
        ("Diaz 2023", "critically_low", "", 20, 1500, 2023, 0.6, 0.45, 0.75),
    ]
    results = {}
    for label, rating, grade, k, n, year, estimate, low, high in specs:
        review = make_review(umbrella, label=label, year=year, published_rating=rating)
        results[label] = OutcomeResult.objects.create(
            review=review, outcome=outcome, evidence_type="meta_analysis", measure="smd",
            grade_certainty=grade, k=k, n=n, estimate=estimate, ci_low=low, ci_high=high,
        )  # fmt: skip
    narrative = make_review(umbrella, label="Evans 2022")
    OutcomeResult.objects.create(
        review=narrative, outcome=outcome, evidence_type="narrative", finding="no_effect"
    )
    return umbrella, outcome, results


@pytest.mark.parametrize(
    ("rule", "label", "reason", "changed"),
    [
        ("", "Adams 2018", "Highest AMSTAR 2 rating", False),
        ("rating,k,n,year", "Adams 2018", "Highest AMSTAR 2 rating", False),
        ("k,n,year,rating", "Diaz 2023", "Most primary studies (k)", True),
        ("n,rating", "Chen 2019", "Highest AMSTAR 2 rating", True),
        ("grade,k", "Baker 2021", "Tied on every criterion: first by review label", True),
    ],
)
def test_switching_the_rule_changes_the_selected_row(client, constructed, rule, label, reason,
                                                     changed):  # fmt: skip
    umbrella, _, _ = constructed
    response = client.get(sof_url(umbrella.slug), {"rule": rule} if rule else {})
    row = rows_of(response)["Recovery"]
    assert (row.selected.review.label, row.reason, row.changed) == (label, reason, changed)
    assert row.project_choice == ("Adams 2018" if changed else "")
    assert (row.n_reviews, row.n_meta_analyses) == (5, 4)
    # Diaz's CI (0.45 to 0.75) does not overlap Baker's (0.05 to 0.35).
    assert [d.value for d in row.discord] == ["no_ci_overlap"]
    page = response.content.decode()
    assert ("Changed:</strong> the project's rule picks Adams 2018" in page) == changed


def test_the_sensitivity_switch_marks_the_rows_it_changes(client, constructed):
    umbrella, _, _ = constructed
    response = client.get(sof_url(umbrella.slug), {"rule": "k,n,year,rating", "sensitivity": "on"})
    row = rows_of(response)["Recovery"]
    assert (row.selected.review.label, row.reason) == ("Chen 2019", "Most participants (n)")
    assert response.context["sof"].n_changed == 1
    assert "1 row selects a different meta-analysis" in response.content.decode()


def test_a_bad_rule_is_named_and_the_projects_rule_applies(client, constructed):
    umbrella, _, _ = constructed
    response = client.get(sof_url(umbrella.slug), {"rule": "rating,size"})
    assert response.context["sof"].rule_error == (
        "Unknown criterion 'size'; use rating, grade, k, n, year."
    )
    assert rows_of(response)["Recovery"].selected.review.label == "Adams 2018"
    assert 'id="rule-error"' in response.content.decode()


def test_the_projects_rule_and_override_decide_and_a_readers_rule_sets_the_override_aside(
    client, constructed
):
    umbrella, outcome, results = constructed
    SelectionRule.objects.create(umbrella=umbrella, criteria="year", intervention="peer support")
    bump_revision(UmbrellaReview.objects.filter(pk=umbrella.pk))  # the ORM write bumps nothing
    row = rows_of(client.get(sof_url(umbrella.slug)))["Recovery"]
    assert (row.selected.review.label, row.reason) == ("Diaz 2023", "Most recent review")
    # SMD 0.6: a moderate effect (Cohen), no GRADE: the unqualified finding.
    assert row.statement.text == (
        "The selected meta-analysis found an improvement in recovery with peer support; "
        "the certainty of the evidence was not assessed."
    )
    SelectionOverride.objects.create(
        outcome=outcome, result=results["Baker 2021"], reason="Only trials in the UK setting."
    )
    bump_revision(UmbrellaReview.objects.filter(pk=umbrella.pk))
    row = rows_of(client.get(sof_url(umbrella.slug)))["Recovery"]
    assert (row.selected.review.label, row.reason, row.override_reason) == (
        "Baker 2021", "Chosen by the project (override)", "Only trials in the UK setting.",
    )  # fmt: skip
    assert row.statement.text == "Peer support probably improves recovery slightly."
    row = rows_of(client.get(sof_url(umbrella.slug), {"rule": "rating"}))["Recovery"]
    assert (row.selected.review.label, row.changed) == ("Adams 2018", True)
    assert row.project_choice == "Baker 2021"


def test_overlap_is_the_cca_of_the_reviews_that_pooled_the_outcome(client, constructed, make_study):
    umbrella, _, results = constructed
    studies = [make_study(umbrella) for _ in range(3)]
    # Adams and Baker include the same 2 studies; Chen one other; Diaz the third and one shared.
    links = {"Adams 2018": [0, 1], "Baker 2021": [0, 1], "Chen 2019": [2], "Diaz 2023": [0]}
    for label, indexes in links.items():
        for i in indexes:
            Inclusion.objects.create(review=results[label].review, study=studies[i])
    row = rows_of(client.get(sof_url(umbrella.slug)))["Recovery"]
    # N = 6 inclusions, r = 3 studies, c = 4 reviews: CCA = (6 − 3) / (3·4 − 3) = 33.3%.
    assert row.cca_percent == pytest.approx(100 * 3 / 9)
    assert row.cca_band == "very high"


def test_the_export_has_the_pages_rows_with_formulas_escaped(client, constructed):
    umbrella, outcome, _ = constructed
    Outcome.objects.filter(pk=outcome.pk).update(name="=HYPERLINK(1)")
    response = client.get(sof_url(umbrella.slug, "summary-export-csv"), {"rule": "k"})
    assert response["Content-Disposition"] == (
        f'attachment; filename="{umbrella.slug}-summary-of-findings.csv"'
    )
    (row,) = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert row["outcome"] == "'=HYPERLINK(1)"
    assert (row["selected_review"], row["selected_by"]) == ("Diaz 2023", "Most primary studies (k)")
    assert (row["estimate"], row["ci_low"], row["ci_high"], row["k"]) == (
        "0.6",
        "0.45",
        "0.75",
        "20",
    )
    assert row["discordance"] == "95% CIs that do not overlap"
    assert row["differs_from_project_rule"] == "True"
    assert (row["reviews"], row["meta_analyses"]) == ("5", "4")
    xlsx = client.get(sof_url(umbrella.slug, "summary-export-xlsx"))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("n_outcomes", [2, 20])
def test_the_page_and_export_use_a_bounded_number_of_queries(
    client, make_umbrella, make_review, make_study, django_assert_max_num_queries, n_outcomes
):
    umbrella = make_umbrella()
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Clinical")
    reviews = [make_review(umbrella, published_rating="low") for _ in range(3)]
    study = make_study(umbrella)
    for review in reviews:
        Inclusion.objects.create(review=review, study=study)
    for i in range(n_outcomes):
        outcome = Outcome.objects.create(umbrella=umbrella, name=f"Outcome {i}", domain=domain)
        for j, review in enumerate(reviews):
            OutcomeResult.objects.create(
                review=review, outcome=outcome, evidence_type="meta_analysis", measure="smd",
                k=3 + j, estimate=0.2, ci_low=0.1, ci_high=0.3,
            )  # fmt: skip
    with django_assert_max_num_queries(16):
        response = client.get(sof_url(umbrella.slug), {"rule": "k", "sensitivity": "on"})
    assert len(response.context["sof"].rows) == n_outcomes
    with django_assert_max_num_queries(12):
        client.get(sof_url(umbrella.slug, "summary-export-csv"))


@pytest.fixture
def owner(client, constructed):
    umbrella, _, _ = constructed
    user = get_user_model().objects.create_user("owner")
    Membership.objects.create(umbrella=umbrella, user=user, role="owner")
    client.force_login(user)
    return user


def test_the_owner_edits_the_rule_in_order(client, constructed, owner):
    umbrella, _, _ = constructed
    url = sof_url(umbrella.slug, "selection-rule")
    data = {"version": "", "step_1": "k", "step_2": "year", "step_3": "", "step_4": "",
            "step_5": "", "intervention": "peer support"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    rule = SelectionRule.objects.get(umbrella=umbrella)
    assert (rule.criteria, rule.intervention, rule.version) == ("k,year", "peer support", 1)
    assert rule.history.count() == 1
    row = rows_of(client.get(sof_url(umbrella.slug)))["Recovery"]
    assert (row.selected.review.label, row.reason) == ("Diaz 2023", "Most primary studies (k)")
    # A repeated criterion is refused on its field, and nothing is written.
    response = client.post(url, {**data, "version": "1", "step_3": "k"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "step_3": ["“Most primary studies (k)” is already criterion 1."]
    }
    assert SelectionRule.objects.get(umbrella=umbrella).version == 1
    # A stale edit (opened at version 1, saved meanwhile) is refused.
    client.post(url, {**data, "version": "1", "step_1": "n"})
    response = client.post(url, {**data, "version": "1", "step_1": "rating"})
    assert response.context["stale"].criteria == "n,year"
    assert SelectionRule.objects.get(umbrella=umbrella).criteria == "n,year"


def test_the_owner_overrides_an_outcome_with_a_reason_and_removes_it(
    client, constructed, owner, django_capture_on_commit_callbacks
):
    umbrella, outcome, results = constructed
    url = reverse("synthesis:selection-override", kwargs={"slug": umbrella.slug, "pk": outcome.pk})
    baker = results["Baker 2021"]
    response = client.post(url, {"version": "", "result": baker.pk, "reason": "  "})
    assert response.context["form"].errors == {
        "reason": ["Give the reason for choosing this meta-analysis."]
    }
    narrative = OutcomeResult.objects.get(outcome=outcome, evidence_type="narrative")
    response = client.post(url, {"version": "", "result": narrative.pk, "reason": "Why not"})
    assert "result" in response.context["form"].errors
    assert not SelectionOverride.objects.exists()
    response = client.post(url, {"version": "", "result": baker.pk, "reason": "UK setting"})
    assert response.status_code == 302
    override = SelectionOverride.objects.get(outcome=outcome)
    assert (override.result, override.reason, override.version) == (baker, "UK setting", 1)
    row = rows_of(client.get(sof_url(umbrella.slug)))["Recovery"]
    assert (row.selected, row.override_reason) == (baker, "UK setting")
    # The summary is kept per data revision: the removal, committed, moves the revision on.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"version": "1", "result": baker.pk, "reason": "x", "remove": "1"}
        )
    assert response.status_code == 302
    assert not SelectionOverride.objects.exists()
    assert SelectionOverride.history.count() == 2  # created, deleted
    assert rows_of(client.get(sof_url(umbrella.slug)))["Recovery"].selected.review.label == (
        "Adams 2018"
    )


def test_a_researcher_may_not_change_the_rule(client, constructed):
    umbrella, _, _ = constructed
    user = get_user_model().objects.create_user("researcher")
    Membership.objects.create(umbrella=umbrella, user=user, role="researcher")
    client.force_login(user)
    assert client.get(sof_url(umbrella.slug, "selection-rule")).status_code == 403
    page = client.get(sof_url(umbrella.slug)).content.decode()
    assert "Edit the project's rule" not in page
