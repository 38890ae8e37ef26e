"""Issue #22, harmonisation with provenance in the app: an estimate row entered with its CI, its
SE or (SMD/g) its arm sizes, on its own measure (converted to the result's), with the record
of how its value was obtained; the SE from a CI with metaumbrella's t quantile when the arm
sizes are known. Reference values are the named sources' arithmetic, computed here by hand.
"""

import math
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from scipy.special import gammaln, stdtrit

from reviews.models import Membership
from synthesis import stats
from synthesis.harmonise import EstimateInputs, estimate_problems, harmonise
from synthesis.models import AnalysisSettings, Outcome, OutcomeDomain, OutcomeResult, StudyEffect
from synthesis.study_data import StudyRow, reanalyse

Z = 1.959963984540054
LOGISTIC = math.pi / math.sqrt(3)


def hedges_j(df: float) -> float:
    return math.exp(gammaln(df / 2) - 0.5 * math.log(df / 2) - gammaln((df - 1) / 2))


def test_md_with_ci_and_arm_sizes_becomes_g_as_metaconvert_es_from_md_ci():
    """metaConvert's own example, es_from_md_ci(md = 4, md_ci_lo = 2, md_ci_up = 6, n_exp =
    20, n_nexp = 22) (cran/metaConvert R/es_from_stand_MD.R, called by metaumbrella 1.1):
    md_se = (6 - 2) / (2 qt(0.975, 40)); SD = md_se / sqrt(1/20 + 1/22); d = 4 / SD;
    g = J(40) d; SE(g) = J sqrt(42/(20*22) + d^2/84) (.es_from_d, Cooper 12.13)."""
    se_md = 4 / (2 * float(stdtrit(40, 0.975)))
    assert se_md == pytest.approx(0.9895722, abs=5e-8)
    d = 4 / (se_md / math.sqrt(1 / 20 + 1 / 22))
    j = hedges_j(40)
    converted = harmonise(EstimateInputs(4, 2, 6, n1=20, n2=22, reported_measure="md"), "smd")
    assert converted.value == pytest.approx(j * d)
    assert converted.value == pytest.approx(1.2252635, abs=5e-8)
    assert converted.se == pytest.approx(j * math.sqrt(42 / 440 + d**2 / 84))
    assert converted.provenance.constant == "t(0.975, 40 df); J = 0.981112"
    assert "metaConvert es_from_md_ci" in converted.provenance.source


def test_se_from_an_md_ci_uses_t_under_metaumbrella_conventions_and_z_under_ours():
    """metaumbrella 1.1 reads an MD with its CI and group sizes through metaConvert
    es_from_md_ci: SE = width / (2 qt(0.975, n1 + n2 - 2)); ours: width / (2 z) (Cochrane
    Handbook v6, 6.5.2.2). Without sizes both use z."""
    row = EstimateInputs(4, 2, 6, n1=20, n2=22)
    assert harmonise(row, "md", "t").se == pytest.approx(4 / (2 * 2.0210754))
    assert harmonise(row, "md", "z").se == pytest.approx(4 / (2 * Z))
    no_sizes = EstimateInputs(4, 2, 6)
    assert harmonise(no_sizes, "md", "t").se == pytest.approx(4 / (2 * Z))
    # a ratio's CI stays z in both (metaumbrella: (log(ci_up) - log(ci_lo)) / (2 qnorm(.975)))
    ratio = EstimateInputs(0.8, 0.64, 1.0, n1=50, n2=50)
    assert harmonise(ratio, "rr", "t").se == pytest.approx(math.log(1 / 0.64) / (2 * Z))


def test_an_smd_with_arm_sizes_only_gets_its_se_as_metaconvert_es_from_hedges_g():
    """metaConvert's example es_from_hedges_g(hedges_g = 0.243, n_exp = 20, n_nexp = 20):
    d = g / J(38), SE(g) = J sqrt(40/400 + d^2/80)."""
    j = hedges_j(38)
    d = 0.243 / j
    converted = harmonise(EstimateInputs(0.243, n1=20, n2=20), "hedges_g")
    assert converted.value == 0.243
    assert converted.se == pytest.approx(j * math.sqrt(40 / 400 + d**2 / 80))
    assert converted.se == pytest.approx(0.3111266, abs=5e-8)


def test_an_or_row_in_an_smd_result_and_an_smd_row_in_an_or_result():
    """Hasselblad & Hedges (1995), metaConvert .es_from_d: log OR = d pi/sqrt(3). An OR 2.0
    (1.2, 3.4) gives d = ln 2 sqrt(3)/pi, SE = (ln 3.4 - ln 1.2)/(2 z) sqrt(3)/pi; an SMD 0.5
    with SE 0.2 gives log OR 0.5 pi/sqrt(3), SE 0.2 pi/sqrt(3)."""
    to_smd = harmonise(EstimateInputs(2.0, 1.2, 3.4, reported_measure="or"), "smd")
    assert to_smd.value == pytest.approx(math.log(2) / LOGISTIC)
    assert to_smd.se == pytest.approx(math.log(3.4 / 1.2) / (2 * Z) / LOGISTIC)
    assert to_smd.provenance.formula.startswith("SE = (log(hi) - log(lo)) / (2 q); then d = ")
    to_or = harmonise(EstimateInputs(0.5, se=0.2, reported_measure="smd"), "or")
    assert (to_or.value, to_or.se) == pytest.approx((0.5 * LOGISTIC, 0.2 * LOGISTIC))
    assert to_or.provenance.constant == "none; pi/sqrt(3) = 1.813799"


def test_an_hr_row_in_an_rr_result_is_kept_and_said_so():
    """metaumbrella 1.1 treats an HR as an RR and an OR (R/functions_effectsize.R)."""
    converted = harmonise(EstimateInputs(0.7, 0.5, 0.98, reported_measure="hr"), "rr")
    assert converted.value == pytest.approx(math.log(0.7))
    assert converted.se == pytest.approx(math.log(0.98 / 0.5) / (2 * Z))
    assert converted.provenance.notes == ("logHR treated as logRR",)


@pytest.mark.parametrize(
    ("row", "measure", "problem"),
    [
        (EstimateInputs(0.7, n1=20, n2=20), "rr",
         ("se", "An RR needs its 95% CI or its SE: only a standardised mean difference has an "
                "SE that follows from the arm sizes alone.")),
        (EstimateInputs(0.3, 0.1, 0.5, se=0.1), "smd",
         ("se", "Give the 95% CI or the SE, not both: they would disagree.")),
        (EstimateInputs(4, se=1, reported_measure="md"), "smd",
         ("ci_low", "An MD converts to Hedges' g with its 95% CI and both arm sizes (the pooled "
                    "SD is recovered from them).")),
        (EstimateInputs(0.1, 0.0, 0.2, reported_measure="rd"), "rr",
         ("reported_measure", "An RD cannot be converted to this result's RR; the conversions "
          "are MD → SMD/g (with CI and arm sizes), SMD/g ↔ OR, HR → RR or OR, RR → HR.")),
        (EstimateInputs(0.3, n1=20), "smd", ("n2", "Give both arm sizes, or neither.")),
        (EstimateInputs(0.3, se=0.0), "smd", ("se", "The SE must be a number above 0.")),
        (EstimateInputs(0.3, n1=2, n2=1), "smd", ("n1", "Hedges' correction needs n1 + n2 ≥ 4.")),
    ],
)  # fmt: skip
def test_rows_that_cannot_be_used_name_the_field_and_why(row, measure, problem):
    assert estimate_problems(row, measure) == [problem]
    with pytest.raises(ValueError, match=f"^{problem[0]}: "):
        harmonise(row, measure)


def test_reanalysis_uses_the_projects_quantile_and_keeps_each_rows_record():
    rows = [
        StudyRow("A", "estimate", estimate=4, ci_low=2, ci_high=6, n1=20, n2=22),
        StudyRow("B", "estimate", estimate=3, se=1.1),
        StudyRow("C", "continuous", mean1=5, sd1=2, n1=30, mean2=3, sd2=2, n2=30),
    ]
    ours = reanalyse(rows, "md", "FE")
    theirs = reanalyse(rows, "md", "FE", stats.METAUMBRELLA)
    assert ours.studies[0].vi == pytest.approx((4 / (2 * Z)) ** 2)
    assert theirs.studies[0].vi == pytest.approx((4 / (2 * 2.0210754)) ** 2)
    assert theirs.studies[0].record.startswith("SE = (hi - lo) / (2 q) — t(0.975, 40 df)")
    assert ours.studies[1].record == "SE as reported — source: the row (as printed)"
    assert (ours.studies[1].vi, ours.studies[2].record) == (pytest.approx(1.21), "")


# -- in the app --------------------------------------------------------------------------------


@pytest.fixture
def smd_project(db, make_umbrella, make_review):
    umbrella = make_umbrella(is_published=False)
    user = get_user_model().objects.create_user("harmoniser")
    Membership.objects.create(umbrella=umbrella, user=user, role="owner")
    review = make_review(umbrella=umbrella, label="Kim 2021")
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Symptoms")
    outcome = Outcome.objects.create(umbrella=umbrella, name="Depression", domain=domain)
    result = OutcomeResult.objects.create(
        review=review, outcome=outcome, evidence_type="meta_analysis", measure="smd", k=3,
        estimate=0.5, ci_low=0.2, ci_high=0.8,
    )  # fmt: skip
    return umbrella, user, result


def test_rows_entered_as_md_ci_n_as_se_and_as_n_are_pooled_with_their_records(client, smd_project):
    umbrella, user, result = smd_project
    client.force_login(user)
    add = reverse("synthesis:study-add", args=[umbrella.slug, result.pk])
    base = {"kind": "estimate", "version": ""}
    posted = [
        {"label": "Lee 2019", "estimate": "4", "ci_low": "2", "ci_high": "6", "n1": "20",
         "n2": "22", "reported_measure": "md"},
        {"label": "Ng 2020", "estimate": "0.4", "se": "0.15"},
        {"label": "Ota 2018", "estimate": "0.243", "n1": "20", "n2": "20"},
    ]  # fmt: skip
    for data in posted:
        response = client.post(add, {**base, **data})
        assert response.status_code == 302, response.context["form"].errors
    lee = StudyEffect.objects.get(label="Lee 2019")
    assert (lee.reported_measure, lee.n1, lee.n2, lee.se) == ("md", 20, 22, None)
    assert lee.history.first().reported_measure == "md"
    page = client.get(reverse("synthesis:reanalysis", args=[umbrella.slug, result.pk]))
    analysis = page.context["analysis"]
    assert analysis.k == 3
    by_label = {s.label: s for s in analysis.studies}
    assert by_label["Lee 2019"].yi == pytest.approx(1.2252635, abs=5e-8)
    assert by_label["Ng 2020"].vi == pytest.approx(0.15**2)
    assert math.sqrt(by_label["Ota 2018"].vi) == pytest.approx(0.3111266, abs=5e-8)
    html = page.content.decode()
    assert "reported as MD" in html
    assert "<summary>How this value was obtained</summary>" in html
    assert "t(0.975, 40 df); J = 0.981112" in html
    assert "metaConvert es_from_hedges_g" in html


def test_a_bad_estimate_row_gets_a_specific_message_and_nothing_is_written(client, smd_project):
    umbrella, user, result = smd_project
    client.force_login(user)
    add = reverse("synthesis:study-add", args=[umbrella.slug, result.pk])
    data = {"kind": "estimate", "version": "", "label": "Pitt 2013", "estimate": "0.8",
            "ci_low": "0.6", "ci_high": "0.95", "reported_measure": "rr"}  # fmt: skip
    response = client.post(add, data)
    assert response.status_code == 200
    assert response.context["form"].errors["reported_measure"] == [
        "An RR cannot be converted to this result's SMD; the conversions are MD → SMD/g (with "
        "CI and arm sizes), SMD/g ↔ OR, HR → RR or OR, RR → HR."
    ]
    assert re.search(r'aria-describedby="[^"]*id_reported_measure_error', response.content.decode())
    response = client.post(add, {**data, "reported_measure": "", "ci_low": "", "ci_high": ""})
    assert response.context["form"].errors["ci_low"] == [
        "Give the 95% CI, the SE, or (for an SMD or g) both arm sizes."
    ]
    assert not StudyEffect.objects.exists()


def test_paste_takes_se_arm_sizes_and_reported_measure(client, smd_project):
    umbrella, user, result = smd_project
    AnalysisSettings.objects.create(umbrella=umbrella, conventions="metaumbrella")
    client.force_login(user)
    text = "label,estimate,ci_low,ci_high,se,n1,n2,reported_measure\n" \
           "Lee 2019,4,2,6,,20,22,MD\nNg 2020,0.4,,,0.15,,,\n"  # fmt: skip
    url = reverse("synthesis:study-paste", args=[umbrella.slug, result.pk])
    assert client.post(url, {"rows": text}).status_code == 302
    rows = {e.label: e for e in StudyEffect.objects.all()}
    assert (rows["Lee 2019"].reported_measure, rows["Ng 2020"].se) == ("md", 0.15)
    bad = "label,estimate,se,reported_measure\nOta 2018,0.5,0.2,hr\n"
    page = client.post(url, {"rows": bad})
    assert page.context["paste_errors"] == [
        "row 2 (Ota 2018): reported_measure: An HR cannot be converted to this result's SMD; "
        "the conversions are MD → SMD/g (with CI and arm sizes), SMD/g ↔ OR, HR → RR or OR, "
        "RR → HR."
    ]
    assert StudyEffect.objects.count() == 2
