from pathlib import Path

from dataio.management.base import ProjectFileCommand
from dataio.metaumbrella.export import export_metaumbrella


class Command(ProjectFileCommand):
    help = (
        "Export a project's study-level rows as the input CSV of the R package metaumbrella "
        "(one row per study and outcome result; see docs/exchange.md)."
    )

    def handle(self, *args, project: str, path: Path, **options):
        text = export_metaumbrella(self.existing_project(project), path)
        rows = text.count("\n") - 1
        self.stdout.write(f"Exported {rows:,} study row(s) of '{project}' to {path}.")
