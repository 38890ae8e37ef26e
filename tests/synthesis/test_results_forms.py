"""Researcher forms (preview, validation, locking, checking), exports, plots, constraints."""

from io import BytesIO

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse

from reviews.models import Membership
from synthesis import plots
from synthesis.exports import COLUMNS, escape_formula
from synthesis.models import Outcome, OutcomeDomain, OutcomeResult


@pytest.fixture
def project(make_umbrella, make_review):
    umbrella = make_umbrella()
    review = make_review(umbrella=umbrella, label="White 2020", published_rating="high")
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Service use")
    outcome = Outcome.objects.create(
        umbrella=umbrella, name="Hospitalisation", domain=domain, direction="lower"
    )
    return umbrella, review, outcome


def researcher(umbrella, name="alice"):
    user = get_user_model().objects.create_user(name, password="pw")
    Membership.objects.create(umbrella=umbrella, user=user, role="researcher")
    return user


def add_url(umbrella, review):
    return reverse("synthesis:result-add", kwargs={"slug": umbrella.slug, "pk": review.pk})


def form_data(outcome, **changes):
    data = {
        "outcome": outcome.pk,
        "evidence_type": "meta_analysis",
        "comparator": "tau",
        "timepoint": "follow_up",
        "months_from": "3",
        "months_to": "24",
        "k": "5",
        "n": "497",
        "measure": "rr",
        "estimate": "0.86",
        "ci_low": "0.66",
        "ci_high": "1.13",
        "p_value": "",
        "i2_percent": "38",
        "finding": "",
        "finding_override_reason": "",
        "version": "",
    }
    return {**data, **changes}


def test_anonymous_users_are_sent_to_log_in_and_outsiders_refused(client, project):
    umbrella, review, _ = project
    response = client.get(add_url(umbrella, review))
    assert response.status_code == 302
    assert "login" in response["Location"]
    get_user_model().objects.create_user("eve", password="pw")
    client.login(username="eve", password="pw")
    assert client.get(add_url(umbrella, review)).status_code == 403


def test_preview_shows_the_derived_finding_and_saves_nothing(client, project):
    umbrella, review, outcome = project
    client.force_login(researcher(umbrella))
    response = client.post(add_url(umbrella, review), form_data(outcome, preview="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="derived-finding">No effect<' in html
    assert not OutcomeResult.objects.exists()


def test_save_derives_the_finding_and_records_who_entered_it(client, project):
    umbrella, review, outcome = project
    user = researcher(umbrella)
    client.force_login(user)
    response = client.post(add_url(umbrella, review), form_data(outcome, save="1"))
    assert response.status_code == 302
    result = OutcomeResult.objects.get()
    assert (result.finding, result.derived_finding, result.version) == ("no_effect", "no_effect", 1)
    assert result.entered_by == user
    assert result.extraction_id.startswith("X-")


def test_bad_figures_are_shown_inline_by_field_and_nothing_is_saved(client, project):
    umbrella, review, outcome = project
    client.force_login(researcher(umbrella))
    data = form_data(outcome, estimate="1.40", i2_percent="120", k="1", n="40", save="1")
    response = client.post(add_url(umbrella, review), data)
    errors = response.context["form"].errors
    assert "lies outside its CI" in errors["estimate"][0]
    assert "between 0 and 100" in errors["i2_percent"][0]
    assert "at least 2" in errors["k"][0]
    assert 'id="id_estimate_errors"' in response.content.decode()
    assert not OutcomeResult.objects.exists()


def test_negative_ratio_is_refused(client, project):
    umbrella, review, outcome = project
    client.force_login(researcher(umbrella))
    data = form_data(outcome, estimate="0.5", ci_low="-0.1", save="1")
    errors = client.post(add_url(umbrella, review), data).context["form"].errors
    assert "must be positive" in errors["ci_low"][0]


def test_overriding_the_derived_finding_needs_a_reason_which_is_shown(client, project):
    umbrella, review, outcome = project
    client.force_login(researcher(umbrella))
    data = form_data(outcome, finding="improvement", save="1")
    errors = client.post(add_url(umbrella, review), data).context["form"].errors
    assert "give a reason" in errors["finding_override_reason"][0]
    data["finding_override_reason"] = "The review's sensitivity analysis excludes no effect."
    assert client.post(add_url(umbrella, review), data).status_code == 302
    result = OutcomeResult.objects.get()
    assert result.is_overridden
    page = client.get(outcome.get_absolute_url()).content.decode()
    assert "sensitivity analysis excludes no effect" in page


def test_preview_warns_when_the_p_value_disagrees_with_the_ci(client, project):
    umbrella, review, outcome = project
    client.force_login(researcher(umbrella))
    data = form_data(outcome, p_value="0.027", preview="1")
    response = client.post(add_url(umbrella, review), data)
    assert "disagrees with the p" in response.context["warning"]


def test_a_stale_edit_is_refused_with_both_values(client, project):
    umbrella, review, outcome = project
    client.force_login(researcher(umbrella))
    client.post(add_url(umbrella, review), form_data(outcome, save="1"))
    result = OutcomeResult.objects.get()
    edit = reverse(
        "synthesis:result-edit",
        kwargs={"slug": umbrella.slug, "pk": review.pk, "result_pk": result.pk},
    )
    first = client.post(edit, form_data(outcome, n="500", version="1", save="1"))
    assert first.status_code == 302
    assert OutcomeResult.objects.get().version == 2
    # A second editor who opened version 1 tries to save n = 510.
    stale = client.post(edit, form_data(outcome, n="510", version="1", save="1"))
    assert stale.status_code == 200
    assert ("participants (n)", "510", "500") in stale.context["conflicts"]
    assert "someone else saved this result" in stale.content.decode()
    assert OutcomeResult.objects.get().n == 500


def test_a_second_member_marks_a_result_checked(client, project):
    umbrella, review, outcome = project
    alice = researcher(umbrella)
    client.force_login(alice)
    client.post(add_url(umbrella, review), form_data(outcome, save="1"))
    result = OutcomeResult.objects.get()
    check = reverse(
        "synthesis:result-check",
        kwargs={"slug": umbrella.slug, "pk": review.pk, "result_pk": result.pk},
    )
    client.post(check, {"version": 1})
    assert OutcomeResult.objects.get().checked_by is None  # not by the person who entered it
    bob = researcher(umbrella, "bob")
    client.force_login(bob)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Mark checked" in page
    # A tampered or truncated form gets a plain message, not Python's int() error.
    response = client.post(check, {"version": "x1"}, follow=True)
    assert "The form was incomplete (no version)" in response.content.decode()
    assert "invalid literal" not in response.content.decode()
    assert OutcomeResult.objects.get().checked_by is None
    client.post(check, {"version": 1})
    assert OutcomeResult.objects.get().checked_by == bob


def test_database_refuses_rows_that_bypass_validation(project):
    _, review, outcome = project
    base = {"review": review, "outcome": outcome, "evidence_type": "meta_analysis"}
    bad_rows = [
        {"i2_percent": 101, "finding": "mixed"},
        {"p_value": 1.5, "finding": "mixed"},
        {"k": 1, "finding": "mixed"},
        {"k": 10, "n": 5, "finding": "mixed"},
        {"measure": "smd", "estimate": 0.5, "ci_low": 0.1, "ci_high": 0.3},
        {"measure": "or", "estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0},
    ]
    for number, fields in enumerate(bad_rows):
        with pytest.raises(IntegrityError), transaction.atomic():
            OutcomeResult.objects.create(**base, extraction_id=f"bad{number}", **fields)


def test_exports_escape_formulas_and_keep_numbers(client, project):
    umbrella, review, outcome = project
    OutcomeResult.objects.create(
        review=review,
        outcome=outcome,
        evidence_type="meta_analysis",
        measure="rr",
        k=5,
        n=497,
        estimate=0.86,
        ci_low=0.66,
        ci_high=1.13,
        note='=HYPERLINK("http://example.org")',
        narrative_summary="-0.3 was printed",
    )
    url = reverse("synthesis:export-csv", kwargs={"slug": umbrella.slug})
    response = client.get(url, {"outcome": outcome.pk})
    assert response["Content-Disposition"].endswith('.csv"')
    frame = pd.read_csv(BytesIO(response.content), encoding="utf-8-sig")
    assert list(frame.columns) == COLUMNS
    row = frame.iloc[0]
    assert row["note"].startswith("'=HYPERLINK")
    assert row["narrative_summary"] == "'-0.3 was printed"
    assert row["estimate"] == 0.86
    assert (row["finding"], row["amstar2_rating"], row["review"]) == (
        "no_effect",
        "high",
        "White 2020",
    )
    xlsx = client.get(reverse("synthesis:export-xlsx", kwargs={"slug": umbrella.slug}))
    sheet = pd.read_excel(BytesIO(xlsx.content))
    assert list(sheet.columns) == COLUMNS
    assert sheet.loc[0, "ci_high"] == 1.13
    assert sheet.loc[0, "k"] == 5


def test_escape_formula_leaves_numbers_alone():
    assert escape_formula(-0.3) == -0.3
    assert escape_formula("+1") == "'+1"
    assert escape_formula("@SUM(A1)") == "'@SUM(A1)"
    assert escape_formula("plain") == "plain"


def point(label, estimate, low, high, rating="high", n=100):
    return plots.ForestPoint(
        label, estimate, low, high, rating, rating.title(), n=n, k=3, i2_percent=38, measure="RR"
    )


def test_forest_plot_of_ratios_uses_a_log_axis_and_a_null_line_at_one():
    fig = plots.forest_plot(
        [point("White 2020", 0.86, 0.66, 1.13, n=497), point("Wang 2022", 0.6, 0.4, 0.9, "low")],
        ratio=True,
    )
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.shapes[0].x0 == 1
    assert [trace.name for trace in fig.data] == ["AMSTAR 2: High", "AMSTAR 2: Low"]
    white = fig.data[0]
    assert list(white.x) == [0.86]
    assert list(white.error_x.array) == pytest.approx([0.27])
    assert list(white.error_x.arrayminus) == pytest.approx([0.20])
    assert "k = 3, n = 497, I² = 38%" in white.hovertext[0]
    assert white.marker.size[0] == pytest.approx(24.0)  # the largest n gets the largest marker
    assert fig.data[1].marker.size[0] == pytest.approx(8 + 16 * (100 / 497) ** 0.5)


def test_forest_plot_of_differences_is_linear_with_the_null_at_zero():
    fig = plots.forest_plot([point("A", 0.22, 0.01, 0.42)], ratio=False)
    assert fig.layout.xaxis.type == "linear"
    assert fig.layout.shapes[0].x0 == 0


def test_evidence_map_sizes_by_reviews_and_colours_by_finding():
    cells = [
        plots.MapCell("Recovery", "SMI", 4, "improvement"),
        plots.MapCell("Hope", "SMI", 1, "no_effect"),
    ]
    fig = plots.evidence_map(cells)
    assert [trace.name for trace in fig.data] == ["Mostly improvement", "Mostly no effect"]
    assert list(fig.data[0].text) == ["4"]
    assert fig.data[0].marker.size[0] == pytest.approx(40)
    assert fig.data[1].marker.size[0] == pytest.approx(12 + 28 * 0.5)
