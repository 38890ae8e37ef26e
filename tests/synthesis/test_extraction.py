"""Dual extraction: the workflow's rules, the comparison's matching and differences, and
reconciliation into the one final result the evidence tables show."""

import pytest
from django.urls import reverse

from reviews.models import ReviewAssignment
from synthesis.extraction import services
from synthesis.extraction.agreement import (
    field_agreement,
    numbers_agree,
    overall_percent,
    values_agree,
)
from synthesis.extraction.compare import agreement, match
from synthesis.models import ExtractedResult, Outcome, OutcomeResult

from .extraction_helpers import VALUES, dual_project, member


@pytest.fixture
def dual(make_umbrella, make_review):
    return dual_project(make_umbrella, make_review)


def compare_url(p):
    return reverse("synthesis:extraction-compare", args=[p.umbrella.slug, p.review.pk])


def reconcile_url(p, *rows):
    query = ",".join(f"{r.pk}:{r.version}" for r in rows)
    return reverse("synthesis:extraction-reconcile", args=[p.umbrella.slug, p.review.pk]) + (
        f"?rows={query}"
    )


def final_post(p, rows, **changes):
    data = {k: "" if v is None else str(v) for k, v in VALUES.items()}
    data |= {"outcome": str(p.outcome.pk), "finding": "", "version": ""}
    data["rows"] = ",".join(f"{r.pk}:{r.version}" for r in rows)
    return data | changes


# -- agreement within rounding -------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        (0.86, 0.855, True),  # both 0.86 at two decimals (half up)
        (0.5, 0.53, True),  # both 0.5 at one decimal
        (0.86, 0.87, False),
        (1.13, 1.2, False),  # 1.1 against 1.2
        (38.0, 38.0, True),
        (497, 498, False),
    ],
)
def test_numbers_agree_within_rounding_to_the_fewer_decimals(a, b, agree):
    assert numbers_agree(a, b) is agree


def test_a_value_one_extractor_left_blank_disagrees():
    assert values_agree(None, None, numeric=True)
    assert not values_agree(0.5, None, numeric=True)
    assert not values_agree("", "rr", numeric=False)


# -- the workflow --------------------------------------------------------------------------


def test_single_entry_projects_have_no_extraction(make_umbrella, make_review, client):
    p = dual_project(make_umbrella, make_review)
    p.umbrella.extraction_mode = "single"
    p.umbrella.save()
    p.review.umbrella.refresh_from_db()
    with pytest.raises(services.ExtractionRefused, match="enters results singly"):
        services.open_extraction(review=p.review, slot="first", user=p.one)
    client.force_login(p.one)
    url = reverse("synthesis:extraction", args=[p.umbrella.slug, p.review.pk, "first"])
    assert client.get(url).status_code == 404


def test_one_person_cannot_hold_both_extractions(dual):
    dual.extract(dual.one, "first")
    with pytest.raises(services.ExtractionRefused, match="already the other extractor"):
        services.open_extraction(review=dual.review, slot="second", user=dual.one)


def test_an_assigned_slot_refuses_another_member(dual):
    ReviewAssignment.objects.create(review=dual.review, extractor1=dual.two)
    with pytest.raises(services.ExtractionRefused, match="assigned to another member"):
        services.open_extraction(review=dual.review, slot="first", user=dual.one)


def test_a_submitted_extraction_is_final(dual):
    row = dual.extract(dual.one, "first")
    dual.submit(dual.one, "first")
    row.refresh_from_db()
    row.extraction.refresh_from_db()
    row.estimate = 0.9
    with pytest.raises(services.ExtractionRefused, match="submitted: its rows are final"):
        services.save_row(row, expected_version=row.version, user=dual.one)


def test_a_stale_row_edit_is_refused_with_both_values(dual, client):
    row = dual.extract(dual.one, "first")
    client.force_login(dual.one)
    url = reverse(
        "synthesis:extraction-row-edit", args=[dual.umbrella.slug, dual.review.pk, "first", row.pk]
    )
    data = final_post(dual, [], estimate="0.8", ci_low="0.6", ci_high="1.1")
    data["version"] = "1"
    assert client.post(url, data).status_code == 302
    data["estimate"] = "0.7"  # a second tab still at version 1
    response = client.post(url, data)
    assert response.status_code == 400
    assert ("estimate", "0.7", "0.8") in [
        (c.label, c.yours, c.saved) for c in response.context["conflicts"]
    ]
    row.refresh_from_db()
    assert (row.estimate, row.version) == (0.8, 2)


def test_a_row_breaking_a_result_rule_names_the_field_and_saves_nothing(dual, client):
    services.open_extraction(review=dual.review, slot="first", user=dual.one)
    client.force_login(dual.one)
    url = reverse(
        "synthesis:extraction-row-add", args=[dual.umbrella.slug, dual.review.pk, "first"]
    )
    response = client.post(url, final_post(dual, [], estimate="1.5"))
    assert response.status_code == 400
    assert response.context["form"].errors["estimate"] == [
        "The estimate 1.5 lies outside its CI (0.66 to 1.13)."
    ]
    assert not ExtractedResult.objects.exists()


# -- comparison ----------------------------------------------------------------------------


def test_the_comparison_highlights_the_ci_the_extractors_read_differently(dual, client):
    dual.extract(dual.one, "first")
    dual.extract(dual.two, "second", ci_low=0.61, ci_high=1.21)
    dual.submit(dual.one, "first")
    dual.submit(dual.two, "second")
    client.force_login(dual.owner)
    response = client.get(compare_url(dual))
    (pair,) = response.context["pairs"]
    assert [(c.name, c.first, c.second) for c in pair.differences] == [
        ("ci_low", "0.66", "0.61"),
        ("ci_high", "1.13", "1.21"),
    ]
    figures = {f.name: f for f in response.context["agreement"].fields}
    assert (figures["ci_low"].n_pairs, figures["ci_low"].percent) == (1, 0.0)
    assert figures["estimate"].percent == 100.0
    assert "measure" not in figures
    assert figures["evidence_type"].kappa is None  # one category throughout: undefined


def test_rows_matching_on_outcome_but_not_timepoint_stay_unmatched_with_a_hint(dual):
    one = dual.extract(dual.one, "first", timepoint="post")
    two = dual.extract(dual.two, "second", timepoint="follow_up")
    pairs = match([one], [two])
    assert [(p.first, p.second) for p in pairs] == [(one, None), (None, two)]
    assert [p.hint for p in pairs] == [two, one]
    figures = agreement(pairs)
    assert (figures.n_pairs, figures.n_unmatched, figures.percent) == (0, 2, None)


def test_a_row_only_one_extractor_recorded_shows_its_values_without_differences(dual, client):
    dual.extract(dual.one, "first")
    other = Outcome.objects.create(
        umbrella=dual.umbrella, name="Readmission", domain=dual.outcome.domain
    )
    dual.extract(dual.one, "first", outcome=other, estimate=1.4, ci_low=1.1, ci_high=1.8)
    dual.extract(dual.two, "second")
    dual.submit(dual.one, "first")
    dual.submit(dual.two, "second")
    client.force_login(dual.owner)
    response = client.get(compare_url(dual))
    matched, lone = response.context["pairs"]
    assert (matched.only_in, lone.only_in) == (None, 1)
    assert (lone.cells, lone.differences, lone.hint) == ([], [], None)
    assert ("estimate", "1.4") in lone.entered
    assert ("95% CI lower", "1.1") in lone.entered
    assert all(value != "–" for _, value in lone.entered)  # blanks left out
    # The figures are over the one matched pair, as before; the lone row is not a disagreement.
    figures = response.context["agreement"]
    assert (figures.n_pairs, figures.n_unmatched, figures.percent) == (1, 1, 100.0)
    html = response.content.decode()
    assert "<strong>differ</strong>" not in html
    assert '<span class="tag tag-warning">only in extraction 1</span>' in html
    assert "1 row unmatched, not counted in these figures." in html
    assert "Extraction 2 has no result for this outcome" in html


def test_the_comparison_says_its_rounding_rule_in_words_not_a_repository_path(dual, client):
    dual.extract(dual.one, "first", estimate=0.855)
    dual.extract(dual.two, "second")
    dual.submit(dual.one, "first")
    dual.submit(dual.two, "second")
    client.force_login(dual.owner)
    response = client.get(compare_url(dual))
    (pair,) = response.context["pairs"]
    assert pair.differences == []  # 0.855 and 0.86 agree at two decimals
    html = response.content.decode()
    assert "docs/" not in html
    assert (
        "Numbers agree when they are equal once both are rounded, halves away from zero, to the "
        "fewer decimal places either extractor entered (trailing zeros dropped): 0.86 and 0.855 "
        "agree (both 0.86)"
    ) in html
    assert f'<a href="{reverse("reviews:glossary")}#kappa">Cohen\'s κ</a>' in html


def test_reconciling_rows_that_differ_in_timepoint_makes_one_final_result(dual, client):
    one = dual.extract(dual.one, "first", timepoint="post")
    two = dual.extract(dual.two, "second", timepoint="follow_up", months_from=6, months_to=6)
    dual.submit(dual.one, "first")
    dual.submit(dual.two, "second")
    client.force_login(dual.owner)
    page = client.get(reconcile_url(dual, one, two))
    form = page.context["form"]
    # Agreed values are prefilled; the timepoint they differ on starts blank.
    assert form.initial["estimate"] == 0.86
    assert form.initial["timepoint"] is None
    assert form.fields["timepoint"].choices[0] == ("", "— decide —")
    assert form.fields["timepoint"].help_text == (
        "Differ – extraction 1: Post-intervention; extraction 2: Follow-up"
    )
    response = client.post(
        reconcile_url(dual, one, two),
        final_post(dual, [one, two], timepoint="follow_up", months_from="6", months_to="6"),
    )
    assert response.status_code == 302
    final = OutcomeResult.objects.get(review=dual.review)
    assert (final.timepoint, final.months_from, final.estimate) == ("follow_up", 6.0, 0.86)
    assert final.entered_by == dual.owner
    assert set(ExtractedResult.objects.values_list("final", flat=True)) == {final.pk}
    compared = client.get(compare_url(dual)).context
    assert compared["n_reconciled"] == 2  # both lone rows now point at the one final result


def test_only_final_results_reach_the_evidence_table_and_export(dual, client):
    one = dual.extract(dual.one, "first")
    two = dual.extract(dual.two, "second", ci_low=0.61)
    dual.submit(dual.one, "first")
    dual.submit(dual.two, "second")
    client.force_login(dual.owner)
    detail = reverse("synthesis:outcome-detail", args=[dual.umbrella.slug, dual.outcome.pk])
    export = reverse("synthesis:export-csv", args=[dual.umbrella.slug])
    assert client.get(detail).context["n_rows"] == 0
    assert client.get(export).content.decode().count("\n") == 1  # the header alone
    client.post(reconcile_url(dual, one, two), final_post(dual, [one, two], ci_low="0.66"))
    assert client.get(detail).context["n_rows"] == 1
    lines = client.get(export).content.decode().splitlines()
    assert len(lines) == 2
    assert ",0.66," in lines[1]


def test_a_reconciliation_over_rows_reconciled_meanwhile_is_refused(dual, client):
    one = dual.extract(dual.one, "first")
    two = dual.extract(dual.two, "second")
    dual.submit(dual.one, "first")
    dual.submit(dual.two, "second")
    client.force_login(dual.owner)
    stale_rows = final_post(dual, [one, two])
    assert client.post(reconcile_url(dual, one, two), stale_rows).status_code == 302
    again = client.post(reconcile_url(dual, one, two), stale_rows)  # the page opened before
    assert again.status_code == 409
    # The page was opened before the final result existed (no version): refused as a stale
    # edit of the result saved meanwhile, shown with its values.
    assert again.context["stale"] == OutcomeResult.objects.get()
    assert OutcomeResult.objects.count() == 1


def test_reconciliation_waits_for_both_submissions(dual):
    one = dual.extract(dual.one, "first")
    dual.submit(dual.one, "first")
    result = OutcomeResult(review=dual.review, outcome=dual.outcome, **VALUES)
    result.full_clean()
    with pytest.raises(services.ExtractionRefused, match="once both extractors have submitted"):
        services.reconcile(
            result=result, rows=[(one, one.version)], expected_version=None, user=dual.owner
        )
    assert not OutcomeResult.objects.exists()


def test_a_taken_slot_refuses_a_third_member(dual):
    dual.extract(dual.two, "second")
    third = member(dual.umbrella, "third")
    with pytest.raises(services.ExtractionRefused, match="belongs to another extractor"):
        services.open_extraction(review=dual.review, slot="second", user=third)


def test_kappa_and_percent_agreement_of_a_categorical_value_match_the_hand_calculation():
    # Four pairs: p_o = 3/4; extractor 1 said improvement 3 times, extractor 2 twice, so
    # p_e = (3/4)(2/4) + (1/4)(2/4) = 1/2 and kappa = (3/4 - 1/2) / (1 - 1/2) = 1/2.
    pairs = [
        ("improvement", "improvement"),
        ("improvement", "no_effect"),
        ("no_effect", "no_effect"),
        ("improvement", "improvement"),
        ("", ""),  # neither entered it: left out
    ]
    figure = field_agreement("finding", "finding", pairs, numeric=False)
    assert (figure.n_pairs, figure.percent, figure.kappa) == (4, 75.0, pytest.approx(0.5))
    numbers = field_agreement("estimate", "estimate", [(0.86, 0.855), (0.5, 0.6)], numeric=True)
    assert (numbers.n_pairs, numbers.percent, numbers.kappa) == (2, 50.0, None)
    assert overall_percent([figure, numbers]) == pytest.approx(100 * (3 + 1) / 6)


def test_an_extractor_deletes_a_draft_row_but_not_a_stale_or_submitted_one(dual, client):
    keep = dual.extract(dual.one, "first")
    gone = dual.extract(dual.one, "first", timepoint="follow_up")
    client.force_login(dual.one)

    def delete(row, version):
        url = reverse(
            "synthesis:extraction-row-delete",
            args=[dual.umbrella.slug, dual.review.pk, "first", row.pk],
        )
        return client.post(url, {"version": version}, follow=True)

    stale = delete(gone, gone.version + 1)
    assert [str(m) for m in stale.context["messages"]] == [
        "The row changed since you opened the page: check it again."
    ]
    delete(gone, gone.version)
    assert list(ExtractedResult.objects.values_list("pk", flat=True)) == [keep.pk]
    dual.submit(dual.one, "first")
    assert delete(keep, keep.version).status_code == 403
    assert ExtractedResult.objects.filter(pk=keep.pk).exists()
