from pathlib import Path

from dataio.management.base import ProjectFileCommand
from dataio.workbook.export import export_workbook


class Command(ProjectFileCommand):
    help = (
        "Export a project in the workbook format: PATH ending in .xlsx gives one workbook, "
        "any other PATH a folder of CSV files (one per sheet). See docs/data-format.md."
    )

    def handle(self, *args, project: str, path: Path, **options):
        written = export_workbook(self.existing_project(project), path)
        self.stdout.write(f"Exported '{project}' to {path} ({len(written)} file(s)).")
