"""The options the project-file commands share (`dataio.management.base.ProjectFileCommand`)."""

import pytest
from django.core.management import CommandError, call_command

from reviews.models import IncludedReview

from .test_citations import RIS


def test_an_export_of_an_unknown_project_names_the_slug_and_writes_nothing(db, tmp_path):
    with pytest.raises(CommandError, match=r"^No project with the slug 'nowhere'\.$"):
        call_command("export_workbook", tmp_path / "out", "--project", "nowhere")
    assert not (tmp_path / "out").exists()


def test_a_citation_import_into_an_unknown_project_names_the_slug(make_umbrella, tmp_path):
    make_umbrella(slug="peer")
    path = tmp_path / "reviews.ris"
    path.write_text(RIS, encoding="utf-8")
    with pytest.raises(CommandError, match=r"^No project with the slug 'nowhere'\.$"):
        call_command("import_citations", path, "--project", "nowhere", "--kind", "reviews")
    assert IncludedReview.objects.count() == 0


def test_a_dry_run_of_a_citation_import_counts_and_writes_nothing(make_umbrella, tmp_path, capsys):
    make_umbrella(slug="peer")
    path = tmp_path / "reviews.ris"
    path.write_text(RIS, encoding="utf-8")
    call_command("import_citations", path, "--project", "peer", "--kind", "reviews", "--dry-run")
    assert "2 created, 0 matched, 0 skipped." in capsys.readouterr().out
    assert IncludedReview.objects.count() == 0


@pytest.mark.parametrize("command", ["export_workbook", "import_citations", "import_workbook"])
def test_every_project_file_command_takes_a_path_and_a_project(command, capsys):
    with pytest.raises(SystemExit):
        call_command(command, "--help")
    usage = capsys.readouterr().out
    assert "--project PROJECT" in usage
    assert "path" in usage
    assert ("--dry-run" in usage) == (command != "export_workbook")
