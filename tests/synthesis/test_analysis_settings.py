"""Issue #22 in the app: the project's analysis conventions (ours or metaumbrella's) and r,
study rows of one registry study combined before pooling, the reverse flag, ratio limits
printed as 0.00, and arms that metafor accepts (n = 1, SD 0)."""

import math
import re

import pytest
from django.urls import reverse

from synthesis import stats
from synthesis.models import (
    AnalysisSettings,
    ConventionChoice,
    Outcome,
    OutcomeDomain,
    OutcomeResult,
    StudyEffect,
)
from synthesis.study_data import StudyRow, reanalyse


def smd_result(umbrella, make_review, **fields):
    review = make_review(umbrella=umbrella, label="Kim 2021")
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Symptoms")
    outcome = Outcome.objects.create(umbrella=umbrella, name="Depression", domain=domain)
    values = {"evidence_type": "meta_analysis", "measure": "smd", "k": 2, "estimate": 0.3,
              "ci_low": 0.1, "ci_high": 0.5, **fields}  # fmt: skip
    return OutcomeResult.objects.create(review=review, outcome=outcome, **values)


def page(client, result):
    slug = result.review.umbrella.slug
    return client.get(reverse("synthesis:reanalysis", args=[slug, result.pk]))


def test_convention_choices_are_the_presets_names():
    assert set(ConventionChoice.values) == {stats.OURS.name, stats.METAUMBRELLA.name}
    saved = AnalysisSettings(conventions=ConventionChoice.METAUMBRELLA, dependent_r=0.8)
    assert saved.as_conventions() == stats.Conventions(
        **{**stats.METAUMBRELLA.__dict__, "dependent_outcomes_r": 0.8}
    )


def test_owner_switches_to_metaumbrella_with_history_and_locking(client, owner):
    umbrella, user = owner
    client.force_login(user)
    url = reverse("synthesis:settings", args=[umbrella.slug])
    assert client.get(url).context["form"].initial["conventions"] == "ours"
    response = client.post(
        url, {"conventions": "metaumbrella", "dependent_r": "0.8", "version": ""}
    )
    assert response.status_code == 302
    saved = AnalysisSettings.objects.get(umbrella=umbrella)
    assert (saved.conventions, saved.dependent_r, saved.version) == ("metaumbrella", 0.8, 1)
    assert saved.history.count() == 1
    # a second tab still holding version 1 after another save is refused, nothing written
    client.post(url, {"conventions": "ours", "dependent_r": "0.5", "version": "1"})
    stale = client.post(url, {"conventions": "metaumbrella", "dependent_r": "0.2", "version": "1"})
    assert stale.status_code == 200
    saved.refresh_from_db()
    assert (saved.conventions, saved.dependent_r, saved.version) == ("ours", 0.5, 2)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"conventions": "ours", "dependent_r": "1.5"}, "dependent_r",
         "Ensure this value is less than or equal to 1.0."),
        ({"conventions": "ours", "dependent_r": "-0.1"}, "dependent_r",
         "Ensure this value is greater than or equal to 0.0."),
        ({"conventions": "stata", "dependent_r": "0.5"}, "conventions",
         "Select a valid choice. stata is not one of the available choices."),
    ],
)  # fmt: skip
def test_bad_settings_name_the_field_and_write_nothing(client, owner, data, field, message):
    umbrella, user = owner
    client.force_login(user)
    url = reverse("synthesis:settings", args=[umbrella.slug])
    response = client.post(url, {**data, "version": ""})
    assert response.context["form"].errors[field] == [message]
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error', html)
    assert not AnalysisSettings.objects.exists()


def test_rows_of_one_registry_study_are_combined_so_k_counts_studies(
    client, owner, make_review, make_study
):
    """Two outcomes of one trial and one other trial: k = 2, not 3. The composite by hand
    (Borenstein et al. 2009, ch. 24) with r = 0.8, the project's setting."""
    umbrella, user = owner
    AnalysisSettings.objects.create(umbrella=umbrella, dependent_r=0.8)
    result = smd_result(umbrella, make_review)
    trial = make_study(umbrella, label="Lee 2019")
    for label, est, low, high in (("Lee 2019 anxiety", 0.4, 0.1, 0.7),
                                  ("Lee 2019 mood", 0.2, -0.1, 0.5)):  # fmt: skip
        StudyEffect.objects.create(
            outcome_result=result, study=trial, label=label, kind="estimate", estimate=est,
            ci_low=low, ci_high=high,
        )  # fmt: skip
    StudyEffect.objects.create(outcome_result=result, label="Ng 2020", kind="estimate",
                               estimate=0.3, ci_low=0.0, ci_high=0.6)  # fmt: skip
    client.force_login(user)
    response = page(client, result)
    analysis = response.context["analysis"]
    assert analysis.k == 2
    v = (0.3 / 1.959963984540054) ** 2  # each row's CI is its estimate -/+ 0.3
    composite = (0.3, (2 * v + 2 * 0.8 * v) / 4)  # two rows of equal variance v
    assert analysis.studies[0].yi == pytest.approx(composite[0])
    assert analysis.studies[0].vi == pytest.approx(composite[1], rel=1e-6)
    # Each row of the table shows its study's weight (issue #22: the combined rows showed "–")
    lee = analysis.studies[0].weight_percent
    assert [r.weight_percent for r in analysis.row_results] == [
        pytest.approx(lee),
        pytest.approx(lee),
        pytest.approx(100 - lee),
    ]
    html = response.content.decode()
    assert html.count(f'<td class="num">{lee:.1f}%</td>') == 2
    assert "correlation r = 0.8 between outcomes" in html
    combined = (
        "an outcome, combined with 1 other row of its study; the weight is that of the "
        "combined study"
    )
    assert combined in html
    # the review reports k = 2: no longer flagged as different
    assert {c.label: c.differs for c in response.context["comparisons"]}["Studies (k)"] is False


def test_reverse_flag_flips_a_row_and_its_history_says_so(client, owner, make_review):
    umbrella, user = owner
    result = smd_result(umbrella, make_review, k=2)
    row = StudyEffect.objects.create(
        outcome_result=result, label="Ng 2020", kind="estimate", estimate=-0.3, ci_low=-0.6,
        ci_high=0.0, reverse=True,
    )  # fmt: skip
    client.force_login(user)
    analysis = page(client, result).context["analysis"]
    assert analysis.studies[0].yi == pytest.approx(0.3)
    assert row.history.first().reverse is True


def test_a_ratio_limit_printed_as_zero_is_kept_and_noted(client, owner, make_review):
    umbrella, user = owner
    result = smd_result(umbrella, make_review, measure="or", k=2, estimate=0.2, ci_low=0.01,
                        ci_high=2.0)  # fmt: skip
    client.force_login(user)
    url = reverse("synthesis:study-add", args=[umbrella.slug, result.pk])
    data = {"label": "Ito 2018", "kind": "estimate", "estimate": "0.20", "ci_low": "0.00",
            "ci_high": "1.60", "version": ""}  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert StudyEffect.objects.get().ci_low == 0.0  # stored as printed
    response = page(client, result)
    analysis = response.context["analysis"]
    # metaumbrella's rule: SE from the upper half, (ln 1.6 - ln 0.2) / z
    assert math.sqrt(analysis.studies[0].vi) == pytest.approx(math.log(8) / 1.959963984540054)
    html = response.content.decode()
    assert "printed as 0.00 (rounded) is used as printed" in html
    note = "rounded: lower CI limit printed as 0.00; SE from the upper half of the CI"
    assert analysis.studies[0].excluded_reason == note
    # said once in the study table: beside the value, not again in "How this value was
    # obtained", whose record keeps the formula and the source
    assert html.count(note) == 1
    record = analysis.studies[0].record
    assert record.startswith("SE = (log(hi) - log(estimate)) / z — z(0.975) = 1.959964")
    assert "metaumbrella" in record
    assert note not in record


def test_arms_metafor_accepts_are_stored_and_pooled(client, owner, make_review):
    """n = 1 and SD 0 in one arm (constraint relaxed in synthesis 0009); g by hand as in
    test_arms_with_one_participant_or_sd_zero_are_computed_as_metafor."""
    umbrella, user = owner
    result = smd_result(umbrella, make_review, k=2)
    StudyEffect.objects.create(outcome_result=result, label="Case 2017", kind="continuous",
                               mean1=11, sd1=0, n1=1, mean2=10, sd2=2, n2=10)  # fmt: skip
    client.force_login(user)
    analysis = page(client, result).context["analysis"]
    j = math.exp(math.lgamma(4.5) - 0.5 * math.log(4.5) - math.lgamma(4.0))
    assert analysis.studies[0].yi == pytest.approx(j * 0.5)


def test_metaumbrella_conventions_are_named_beside_the_class(client, owner, make_review):
    umbrella, user = owner
    AnalysisSettings.objects.create(umbrella=umbrella, conventions="metaumbrella")
    result = smd_result(umbrella, make_review, k=3)
    for label, est in (("A", 0.3), ("B", 0.5), ("C", 0.4)):
        StudyEffect.objects.create(outcome_result=result, label=label, kind="estimate",
                                   estimate=est, ci_low=est - 0.2, ci_high=est + 0.2)  # fmt: skip
    client.force_login(user)
    assert "under metaumbrella's conventions" in page(client, result).content.decode()
    outcome_page = client.get(
        reverse("synthesis:outcome-detail", args=[umbrella.slug, result.outcome_id])
    )
    assert "from study-level data, metaumbrella conventions" in outcome_page.content.decode()


def constructed(big: tuple[int, int] = (25, 36)) -> list[StudyRow]:
    """Six trials with counts (made up): the most precise one is significant; the one with
    the most participants (rare events) is not, unless `big` says otherwise."""
    return [
        StudyRow("Big but rare", "binary", events1=big[0], n1=3000, events2=big[1], n2=3000),
        StudyRow("Precise", "binary", events1=300, n1=1200, events2=420, n2=1200),
        StudyRow("T3", "binary", events1=80, n1=600, events2=180, n2=600),
        StudyRow("T4", "binary", events1=100, n1=500, events2=160, n2=500),
        StudyRow("T5", "binary", events1=75, n1=300, events2=110, n2=300),
        StudyRow("T6", "binary", events1=80, n1=400, events2=130, n2=400),
    ]


def test_a_constructed_data_set_gets_metaumbrellas_class_under_its_conventions():
    """Hand-worked from metaumbrella's rules (.largest_overall: the most participants; class
    II needs that study significant): the 6,000-participant trial (RR 25/36 = 0.69, log CI
    -0.87 to 0.14) is not significant, so metaumbrella's conventions give class III; ours take
    the most precise trial (RR 300/420, log CI -0.46 to -0.21) and give class II. Class I fails
    on I² (60 %) under both; cases 1,696 > 1,000 and p = 3.9e-10 < 1e-6 under both."""
    ours = reanalyse(constructed(), "rr", conventions=stats.OURS).credibility
    theirs = reanalyse(constructed(), "rr", conventions=stats.METAUMBRELLA).credibility
    assert ours is not None
    assert theirs is not None
    assert (ours.n_cases, round(ours.i2)) == (1696, 60)
    assert ours.p_value == pytest.approx(3.89e-10, rel=1e-2)
    assert (ours.grade, theirs.grade) == ("II", "III")
    assert theirs.largest_ci == pytest.approx((-0.8724, 0.1431), abs=1e-4)
    assert ours.largest_ci == pytest.approx((-0.4612, -0.2118), abs=1e-4)
    # a significant large trial (RR 20/60) makes class II under metaumbrella's too
    both = reanalyse(constructed((20, 60)), "rr", conventions=stats.METAUMBRELLA).credibility
    assert both is not None
    assert both.grade == "II"
