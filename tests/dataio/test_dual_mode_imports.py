"""A workbook or metaumbrella import that adds final outcome results to a project in dual
extraction is allowed (docs/extraction.md, "Who may create a final result"), and says so: on
the dry run's report before the import is confirmed, on the report once it is done, and in the
import commands' output."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from dataio.dual_mode import final_results_warning
from dataio.models import ImportJob
from dataio.workbook.write import Counts
from reviews.models import ExtractionMode, IncludedReview, Membership, UmbrellaReview
from synthesis.models import OutcomeResult
from tests.dataio.metaumbrella.test_import import GOOD
from tests.dataio.workbook.helpers import small_project, write_xlsx

pytestmark = pytest.mark.django_db

WILL = (
    "<strong>Warning:</strong> 2 outcome results will be added as final results without "
    "dual extraction (this project uses dual extraction). Import only results already "
    "extracted twice and reconciled outside this application; results still to be extracted "
    "belong on each review&#x27;s extraction pages.</p>"
)
WERE = (
    "<strong>Warning:</strong> 2 outcome results were added as final results without dual "
    "extraction (this project uses dual extraction). Their history names this import as their "
    "source.</p>"
)


def _owner_of(client, mode: str) -> UmbrellaReview:
    umbrella = UmbrellaReview.objects.create(
        title="Peer support", slug="peer", extraction_mode=mode
    )
    user = get_user_model().objects.create_user("owner")
    Membership.objects.create(umbrella=umbrella, user=user, role=Membership.Role.OWNER)
    client.force_login(user)
    return umbrella


def _import(client, run_tasks, kind: str, name: str, content: bytes) -> tuple[str, str]:
    """Upload, dry run, confirm, import: the status page after the dry run and at the end."""
    client.post(
        reverse("dataio:import", args=["peer"]),
        {"kind": kind, "upload": SimpleUploadedFile(name, content)},
    )
    run_tasks()
    job = ImportJob.objects.get(status=ImportJob.Status.CHECKED)
    checked = client.get(job.get_absolute_url()).content.decode()
    client.post(reverse("dataio:import-confirm", args=["peer", job.pk]))
    run_tasks()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.report
    return checked, client.get(job.get_absolute_url()).content.decode()


def _added(field: str) -> tuple[list, set]:
    """The project's final results (by `field`), and the sources their history names."""
    reasons = OutcomeResult.history.values_list("history_change_reason", flat=True)
    return sorted(OutcomeResult.objects.values_list(field, flat=True)), set(reasons)


def _workbook(tmp_path) -> bytes:
    return write_xlsx(tmp_path / "project.xlsx", small_project()).read_bytes()


def test_a_workbook_adding_results_in_dual_mode_warns_before_and_after(
    client, run_tasks, upload_folder, tmp_path
):
    _owner_of(client, ExtractionMode.DUAL)
    checked, done = _import(client, run_tasks, "workbook", "project.xlsx", _workbook(tmp_path))
    assert '<p class="warning" role="note">' + WILL in checked
    assert "Confirm and import" in checked  # a warning, not a refusal
    assert '<p class="warning" role="note">' + WERE in done
    assert _added("extraction_id") == (["O001", "O002"], {"workbook import project.xlsx"})

    # The same file again adds no result (every row is unchanged): nothing to warn about.
    again_checked, again_done = _import(
        client, run_tasks, "workbook", "project.xlsx", _workbook(tmp_path)
    )
    assert "Warning:" not in again_checked
    assert "Warning:" not in again_done
    assert OutcomeResult.objects.count() == 2


def test_a_metaumbrella_file_adding_results_in_dual_mode_warns_before_and_after(
    client, run_tasks, upload_folder
):
    _owner_of(client, ExtractionMode.DUAL)
    checked, done = _import(client, run_tasks, "metaumbrella", "studies.csv", GOOD.encode())
    assert '<p class="warning" role="note">' + WILL in checked
    assert '<p class="warning" role="note">' + WERE in done
    assert _added("outcome__name") == (
        ["Readmission", "Recovery"],
        {"metaumbrella import studies.csv"},
    )


@pytest.mark.parametrize("kind", ["workbook", "metaumbrella"])
def test_in_single_entry_an_import_adding_results_gives_no_warning(
    client, run_tasks, upload_folder, tmp_path, kind
):
    _owner_of(client, ExtractionMode.SINGLE)
    name, content = (
        ("project.xlsx", _workbook(tmp_path)) if kind == "workbook" else ("s.csv", GOOD.encode())
    )
    checked, done = _import(client, run_tasks, kind, name, content)
    assert "Warning:" not in checked
    assert "Warning:" not in done
    assert OutcomeResult.objects.count() == 2


def test_the_import_commands_print_the_warning(client, tmp_path, capsys):
    _owner_of(client, ExtractionMode.DUAL)
    path = write_xlsx(tmp_path / "project.xlsx", small_project())
    call_command("import_workbook", path, "--project", "peer", "--dry-run")
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Warning: 2 outcome results will be added as final results without dual extraction "
        "(this project uses dual extraction). Import only results already extracted twice and "
        "reconciled outside this application; results still to be extracted belong on each "
        "review's extraction pages."
    )
    assert OutcomeResult.objects.count() == 0

    IncludedReview.objects.all().delete()
    (tmp_path / "s.csv").write_text(GOOD, encoding="utf-8")
    call_command("import_metaumbrella", tmp_path / "s.csv", "--project", "peer")
    assert (
        capsys.readouterr()
        .out.splitlines()[-1]
        .startswith(
            "Warning: 2 outcome results were added as final results without dual extraction "
        )
    )
    assert OutcomeResult.objects.count() == 2


def test_one_result_is_said_in_the_singular_and_none_is_not_said():
    dual = UmbrellaReview(slug="dual", extraction_mode=ExtractionMode.DUAL)
    one = {"outcome_results": Counts(created=1, updated=4)}
    assert final_results_warning(dual, one, dry_run=False).startswith(
        "1 outcome result was added as a final result without dual extraction "
    )
    assert final_results_warning(dual, one, dry_run=True).startswith(
        "1 outcome result will be added as a final result without dual extraction "
    )
    thousands = {"outcome_results": Counts(created=1200)}
    assert final_results_warning(dual, thousands, dry_run=True).startswith("1,200 outcome results")
    # Corrections of existing results are allowed in dual mode too: no warning for updates.
    assert (
        final_results_warning(dual, {"outcome_results": Counts(updated=3)}, dry_run=False) is None
    )
    assert final_results_warning(dual, {"study_effects": Counts(created=9)}, dry_run=True) is None
    assert final_results_warning(None, one, dry_run=True) is None  # a project the import creates
    single = UmbrellaReview(slug="single", extraction_mode=ExtractionMode.SINGLE)
    assert final_results_warning(single, one, dry_run=True) is None
