from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dataio.workbook.export import export_workbook
from reviews.models import UmbrellaReview


class Command(BaseCommand):
    help = (
        "Export a project in the workbook format: PATH ending in .xlsx gives one workbook, "
        "any other PATH a folder of CSV files (one per sheet). See docs/data-format.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="The project's slug.")
        parser.add_argument("path", type=Path)

    def handle(self, *args, project: str, path: Path, **options):
        umbrella = UmbrellaReview.objects.filter(slug=project).first()
        if umbrella is None:
            raise CommandError(f"No project with the slug '{project}'.")
        written = export_workbook(umbrella, path)
        self.stdout.write(f"Exported '{project}' to {path} ({len(written)} file(s)).")
