"""An import advances the edit lock of every row it changes (issue #15 item 5): a form opened
before an `--update` import is refused as stale instead of silently overwriting the import."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from reviews.models import (
    DataRevision,
    ExperienceSubtheme,
    ImplementationFactor,
    KeyFindingNarrative,
    Membership,
    UmbrellaReview,
)
from synthesis.models import OutcomeResult

from .helpers import small_project, write_xlsx
from .test_more_sheets import _more

pytestmark = pytest.mark.django_db

# (sheet, column changed by the second import, its new value, form URL, model, text field)
EDITED = {
    "factor": (
        "implementation_factors", 3, "Peer roles are valued by managers",
        "reviews:factor-edit", ImplementationFactor, "statement",
    ),
    "subtheme": (
        "experience_subthemes", 2, "Shared experience builds lasting trust",
        "reviews:subtheme-edit", ExperienceSubtheme, "statement",
    ),
    "narrative": (
        "key_finding_narratives", 1, "It helps, a little.",
        "synthesis:narrative-edit", KeyFindingNarrative, "text",
    ),
}  # fmt: skip


def _import(tmp_path, sheets, name: str, *flags: str) -> None:
    call_command(
        "import_workbook", write_xlsx(tmp_path / name, sheets), "--project", "p", *flags,
        verbosity=0, stdout=io.StringIO(),
    )  # fmt: skip


def _edit_url(url_name: str, row) -> str:
    if isinstance(row, KeyFindingNarrative):
        return reverse(url_name, kwargs={"slug": "p", "code": row.research_question.code})
    return reverse(url_name, kwargs={"slug": "p", "pk": row.pk})


def _posted(form) -> dict:
    """What the browser sends back for an unchanged form: each field's shown value."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    return data


@pytest.mark.parametrize("kind", sorted(EDITED))
def test_a_form_opened_before_an_update_import_is_refused_as_stale(client, tmp_path, kind):
    sheet, column, imported, url_name, model, field = EDITED[kind]
    sheets = _more(small_project())
    _import(tmp_path, sheets, "a.xlsx")
    row = model.objects.get()
    researcher = get_user_model().objects.create_user("res", password="pw")
    umbrella = UmbrellaReview.objects.get(slug="p")
    Membership.objects.create(umbrella=umbrella, user=researcher, role="researcher")
    client.force_login(researcher)
    url = _edit_url(url_name, row)
    opened = client.get(url).context["form"]
    assert opened["version"].value() == 1

    sheets[sheet][1][column] = imported
    _import(tmp_path, sheets, "b.xlsx", "--update")

    data = _posted(opened) | {field: "My wording, typed before the import"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["stale"].version == 2
    (conflict,) = (c for c in response.context["conflicts"] if c.yours.startswith("My wording"))
    assert conflict.saved == imported
    assert getattr(model.objects.get(pk=row.pk), field) == imported


def test_a_links_only_change_is_a_new_version_too(tmp_path):
    sheets = _more(small_project())
    _import(tmp_path, sheets, "a.xlsx")
    sheets["implementation_factors"][1][5] = "Chien 2019; Fuhr 2014"
    _import(tmp_path, sheets, "b.xlsx", "--update")
    factor = ImplementationFactor.objects.get()
    assert sorted(factor.reviews.values_list("label", flat=True)) == ["Chien 2019", "Fuhr 2014"]
    assert factor.version == 2


def test_an_update_import_clears_a_results_check_as_the_model_says(tmp_path):
    sheets = small_project()
    _import(tmp_path, sheets, "a.xlsx")
    checker = get_user_model().objects.create_user("checker")
    OutcomeResult.objects.filter(extraction_id="O001").update(checked_by=checker)
    sheets["outcome_results"][1][5] = 410  # n
    _import(tmp_path, sheets, "b.xlsx", "--update")
    result = OutcomeResult.objects.get(extraction_id="O001")
    assert (result.n, result.version, result.checked_by, result.checked_at) == (410, 2, None, None)


def test_an_update_import_of_the_project_row_is_a_new_version(tmp_path):
    sheets = small_project()
    _import(tmp_path, sheets, "a.xlsx")
    sheets["project"][1][1] = "Does it help, and for whom?"
    _import(tmp_path, sheets, "b.xlsx", "--update")
    umbrella = UmbrellaReview.objects.get(slug="p")
    assert (umbrella.question, umbrella.version) == ("Does it help, and for whom?", 2)


def test_the_import_command_retires_the_projects_cached_pages(
    tmp_path, django_capture_on_commit_callbacks
):
    sheets = small_project()
    with django_capture_on_commit_callbacks(execute=True):
        _import(tmp_path, sheets, "a.xlsx")
    umbrella = UmbrellaReview.objects.get(slug="p")
    assert DataRevision.objects.get(umbrella=umbrella).number == 1
    sheets["project"][1][1] = "Does it help, and for whom?"
    with django_capture_on_commit_callbacks(execute=True):
        _import(tmp_path, sheets, "b.xlsx", "--update", "--dry-run")  # rolled back
    assert DataRevision.objects.get(umbrella=umbrella).number == 1
    with django_capture_on_commit_callbacks(execute=True):
        _import(tmp_path, sheets, "b.xlsx", "--update")
    assert DataRevision.objects.get(umbrella=umbrella).number == 2
