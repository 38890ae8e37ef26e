"""OutcomeResult's values declared once (RESULT_FIELDS), and its finding derived once a save."""

import dataclasses

import pytest
from django.urls import reverse

from dataio.workbook.spec import sheet_by_name
from synthesis import findings
from synthesis.exports import COLUMNS, NUMERIC
from synthesis.forms import OutcomeResultForm
from synthesis.models import ENTERED_FIELDS, NUMBER_FIELDS, RESULT_FIELDS, OutcomeResult

from .test_results_forms import form_data, project, researcher  # noqa: F401 (a fixture)


def test_the_form_the_export_and_the_workbook_list_the_declared_values_in_order():
    entered = [f.name for f in RESULT_FIELDS if f.legend]
    assert OutcomeResultForm.Meta.fields == entered == ENTERED_FIELDS
    assert [name for _, names in OutcomeResultForm.FIELDSETS for name in names] == entered
    sheet = [c.name for c in sheet_by_name()["outcome_results"].columns]
    assert sheet == ["review", "extraction_id", *entered]
    exported = [c for c in COLUMNS if c not in ("outcome_domain", "direction_of_benefit")]
    assert exported[4:-2] == [f.export_column for f in RESULT_FIELDS]
    assert "model" in COLUMNS
    assert "pooling_model" not in COLUMNS


def test_the_number_fields_are_the_pure_rules_numbers():
    pure = {f.name for f in dataclasses.fields(findings.ResultValues)} - {
        "evidence_type",
        "measure",
    }
    assert set(NUMBER_FIELDS) == pure
    assert set(NUMERIC) == pure | {"review_reference_number"}


def test_a_form_save_derives_the_finding_once(client, project, monkeypatch):  # noqa: F811
    umbrella, review, outcome = project
    calls = []
    derive = findings.derive_finding

    def counting(*args):
        calls.append(args)
        return derive(*args)

    monkeypatch.setattr(findings, "derive_finding", counting)
    client.force_login(researcher(umbrella))
    url = reverse("synthesis:result-add", kwargs={"slug": umbrella.slug, "pk": review.pk})
    client.post(url, form_data(outcome, save="1"))
    result = OutcomeResult.objects.get()
    assert (result.derived_finding, result.finding) == ("no_effect", "no_effect")
    assert calls == [("rr", "lower", 0.66, 1.13)]


@pytest.mark.parametrize(
    ("low", "high", "expected"), [(0.5, 0.9, "improvement"), (1.1, 1.5, "harm")]
)
def test_a_row_saved_without_clean_still_gets_its_derived_finding(project, low, high, expected):  # noqa: F811
    _, review, outcome = project
    result = OutcomeResult.objects.create(
        review=review, outcome=outcome, evidence_type="meta_analysis", measure="rr",
        estimate=(low + high) / 2, ci_low=low, ci_high=high,
    )  # fmt: skip
    assert (result.derived_finding, result.finding) == (expected, expected)
    # Changed figures are derived again on the next save.
    result.ci_low, result.ci_high, result.estimate = 0.66, 1.13, 0.86
    result.save()
    result.refresh_from_db()
    assert result.derived_finding == "no_effect"
