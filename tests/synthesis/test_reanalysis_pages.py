"""The re-analysis page, the study-row forms (validation, locking, delete, paste) and the
credibility column of the per-outcome evidence table."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse

from reviews.models import Membership
from synthesis.models import Outcome, OutcomeDomain, OutcomeResult, StudyEffect

# Three made-up trials (not the fixture's data): RR re-analysis checked by hand below.
THREE = [("Trial A", 10, 60, 14, 58), ("Trial B", 22, 110, 27, 105), ("Trial C", 8, 45, 9, 47)]


@pytest.fixture
def result(make_umbrella, make_review):
    umbrella = make_umbrella()
    review = make_review(umbrella=umbrella, label="White 2020")
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Service use")
    outcome = Outcome.objects.create(
        umbrella=umbrella, name="Hospitalisation", domain=domain, direction="lower"
    )
    return OutcomeResult.objects.create(
        review=review, outcome=outcome, evidence_type="meta_analysis", measure="rr", k=3,
        n=500, estimate=0.78, ci_low=0.54, ci_high=1.13, i2_percent=0, pooling_model="random",
    )  # fmt: skip


def researcher(umbrella, name="alice"):
    user = get_user_model().objects.create_user(name, password="pw")
    Membership.objects.create(umbrella=umbrella, user=user, role="researcher")
    return user


def url(name, result, **extra):
    kwargs = {"slug": result.review.umbrella.slug, "pk": result.pk, **extra}
    return reverse(f"synthesis:{name}", kwargs=kwargs)


def add_rows(result, rows=THREE):
    for label, a, b, c, d in rows:
        StudyEffect.objects.create(outcome_result=result, label=label, kind="binary",
                                   events1=a, n1=b, events2=c, n2=d)  # fmt: skip


def binary_data(**changes):
    data = {"label": "Trial D", "kind": "binary", "events1": "3", "n1": "30", "events2": "5",
            "n2": "31", "version": ""}  # fmt: skip
    return {**data, **changes}


def test_page_shows_pooled_result_and_comparison(client, result):
    add_rows(result)
    response = client.get(url("reanalysis", result))
    analysis = response.context["analysis"]
    # REML gives tau2 = 0 here (Q = 0.27 on 2 df), so the pooled RR is the FE one: 0.7793.
    assert analysis.pooled.tau2 == 0
    assert analysis.shown(analysis.pooled.estimate) == pytest.approx(0.7793, abs=5e-5)
    verdicts = {c.label: c.differs for c in response.context["comparisons"]}
    # Reported 0.78 [0.54, 1.13]: the estimate and upper limit agree; 0.5385 rounds to 0.54.
    assert verdicts == {"Studies (k)": False, "Estimate": False, "95% CI lower": False,
                        "95% CI upper": False, "I² (%)": False}  # fmt: skip
    html = response.content.decode()
    assert "The re-analysis agrees with the reported figures within rounding." in html
    assert "HKSJ 95% CI" in html
    assert "I² 95% CI" in html
    assert "τ² 95% CI (Q-profile)" in html
    assert "Caution: k = 3 &lt; 10" in html
    assert 'id="study-forest-plot"' in html


def test_a_reported_figure_beyond_rounding_is_flagged(client, result):
    result.estimate, result.ci_low = 0.71, 0.48
    result.save()
    add_rows(result)
    response = client.get(url("reanalysis", result))
    flagged = [c.label for c in response.context["comparisons"] if c.differs]
    assert flagged == ["Estimate", "95% CI lower"]
    assert "2 figures differ beyond rounding" in response.content.decode()


def test_method_switch_by_get_parameter_and_saved_default(client, result):
    add_rows(result)
    response = client.get(url("reanalysis", result), {"method": "MH"})
    assert response.context["analysis"].method == "MH"
    assert response.context["analysis"].pooled.method == "MH"
    assert client.get(url("reanalysis", result), {"method": "nonsense"}).context["method"] == "REML"
    client.force_login(researcher(result.review.umbrella))
    client.post(url("reanalysis-method", result), {"method": "DL"})
    result.refresh_from_db()
    assert result.reanalysis_method == "DL"
    assert client.get(url("reanalysis", result)).context["analysis"].method == "DL"


def test_fixture_result_without_study_data_shows_reported_criteria(client, peer_support):
    white = OutcomeResult.objects.get(review__label="White 2020", outcome__name="Hospitalisation")
    response = client.get(url("reanalysis", white))
    html = response.content.decode()
    assert "No study-level data yet" in html
    cell = response.context["reported"]
    assert cell.label == "ns"  # RR 0.86 (0.66-1.13) contains 1
    assert "Egger" in " ".join(cell.not_assessable)


def test_add_form_saves_a_row_and_errors_name_the_field(client, result):
    client.force_login(researcher(result.review.umbrella))
    response = client.post(url("study-add", result), binary_data(events1="40"))
    assert response.status_code == 200
    assert response.context["form"].errors == {"events1": ["Events must lie between 0 and n = 30."]}
    response = client.post(url("study-add", result), binary_data(kind="continuous"))
    assert set(response.context["form"].errors) == {"mean1", "sd1", "mean2", "sd2"}
    assert not StudyEffect.objects.exists()
    response = client.post(url("study-add", result), binary_data())
    assert response.status_code == 302
    assert response.url == url("reanalysis", result)
    effect = StudyEffect.objects.get()
    assert (effect.events1, effect.n1, effect.version) == (3, 30, 1)


def test_label_defaults_to_the_registry_study_and_other_umbrellas_studies_are_refused(
    client, result, make_study, make_umbrella
):
    client.force_login(researcher(result.review.umbrella))
    mine = make_study(result.review.umbrella, label="Sledge 2011")
    theirs = make_study(make_umbrella(), label="Elsewhere 2012")
    response = client.post(url("study-add", result), binary_data(label="", study=theirs.pk))
    assert "study" in response.context["form"].errors
    client.post(url("study-add", result), binary_data(label="", study=mine.pk))
    assert StudyEffect.objects.get().label == "Sledge 2011"


def test_fields_of_another_kind_are_cleared(client, result):
    client.force_login(researcher(result.review.umbrella))
    client.post(url("study-add", result), binary_data(mean1="5", estimate="0.8"))
    effect = StudyEffect.objects.get()
    assert effect.mean1 is None
    assert effect.estimate is None


def test_a_stale_edit_is_refused(client, result):
    add_rows(result)
    effect = StudyEffect.objects.get(label="Trial A")
    client.force_login(researcher(result.review.umbrella))
    edit = url("study-edit", result, study_pk=effect.pk)
    assert client.post(edit, binary_data(label="Trial A", version="1")).status_code == 302
    response = client.post(edit, binary_data(label="Trial A", events1="4", version="1"))
    assert response.status_code == 200
    assert response.context["stale"].version == 2
    effect.refresh_from_db()
    assert (effect.events1, effect.version) == (3, 2)


def test_delete_needs_a_post_with_the_current_version(client, result):
    add_rows(result)
    effect = StudyEffect.objects.get(label="Trial A")
    client.force_login(researcher(result.review.umbrella))
    delete = url("study-delete", result, study_pk=effect.pk)
    assert client.get(delete).status_code == 200  # a confirmation page
    client.post(delete, {"version": "7"})
    assert StudyEffect.objects.filter(pk=effect.pk).exists()
    client.post(delete, {"version": "1"})
    assert not StudyEffect.objects.filter(pk=effect.pk).exists()


def test_delete_checks_csrf(result):
    from django.test import Client

    add_rows(result)
    effect = StudyEffect.objects.get(label="Trial A")
    client = Client(enforce_csrf_checks=True)
    client.force_login(researcher(result.review.umbrella))
    response = client.post(url("study-delete", result, study_pk=effect.pk), {"version": "1"})
    assert response.status_code == 403
    assert StudyEffect.objects.filter(pk=effect.pk).exists()


def test_writing_needs_a_researcher(client, result):
    add_rows(result)
    add = url("study-add", result)
    assert client.get(add).status_code == 302  # anonymous: to the login page
    outsider = get_user_model().objects.create_user("bob", password="pw")
    client.force_login(outsider)
    assert client.post(add, binary_data()).status_code == 403
    assert client.get(url("reanalysis", result)).status_code == 200  # reading is open


def test_paste_is_all_or_nothing_and_names_bad_rows(client, result):
    client.force_login(researcher(result.review.umbrella))
    text = "label,events1,n1,events2,n2\nA,1,10,2,10\nB,12,10,2,10\nC,x,10,2,10\n"
    response = client.post(url("study-paste", result), {"rows": text})
    assert response.context["paste_errors"] == [
        "row 3 (B): events1: Events must lie between 0 and n = 10.",
        "row 4 (C): events1: not a number ('x').",
    ]
    assert not StudyEffect.objects.exists()
    text = "label\tmean1\tsd1\tn1\tmean2\tsd2\tn2\nA\t1\t1\t10\t0\t1\t10\n"
    result.measure = "hedges_g"
    result.save()
    client.post(url("study-paste", result), {"rows": text})
    assert StudyEffect.objects.get().kind == "continuous"


def test_database_refuses_events_above_n(result):
    with transaction.atomic(), pytest.raises(IntegrityError):
        StudyEffect.objects.create(outcome_result=result, label="X", kind="binary",
                                   events1=11, n1=10, events2=1, n2=10)  # fmt: skip
    with transaction.atomic(), pytest.raises(IntegrityError):
        StudyEffect.objects.create(outcome_result=result, label="Y", kind="estimate",
                                   estimate=2, ci_low=0.5, ci_high=1.5)  # fmt: skip


@pytest.mark.parametrize("n_studies", [3, 30])
def test_reanalysis_page_queries_are_bounded(
    client, result, django_assert_max_num_queries, n_studies
):
    rows = [(f"Trial {i:02d}", 5 + i % 7, 60 + i, 9 + i % 5, 58 + i) for i in range(n_studies)]
    add_rows(result, rows)
    client.force_login(researcher(result.review.umbrella))
    # 8: one of them reads the project's analysis settings (its conventions and r).
    with django_assert_max_num_queries(8):
        response = client.get(url("reanalysis", result))
    assert response.context["analysis"].k == n_studies


@pytest.mark.parametrize("n_results", [1, 8])
def test_credibility_column_queries_are_bounded(
    client, result, django_assert_max_num_queries, n_results
):
    add_rows(result)
    for i in range(n_results - 1):
        OutcomeResult.objects.create(
            review=result.review,
            outcome=result.outcome,
            evidence_type="meta_analysis",
            measure="rr",
            n=300 + i,
            estimate=0.8,
            ci_low=0.6,
            ci_high=0.95,
            p_value=0.01,
        )
    # 10, plus 5 for the overlap of its reviews, 2 for the summary-of-findings row and 1 for
    # the project's analysis settings (the conventions named beside each class, read once).
    with django_assert_max_num_queries(18):
        response = client.get(result.outcome.get_absolute_url())
    html = response.content.decode()
    assert html.count("from study-level data") == 1  # the three-trial result: ns
    assert html.count("forced by the reported figures") == n_results - 1  # p 0.01, n < 1000: IV
    assert html.count("Class IV") == n_results - 1
