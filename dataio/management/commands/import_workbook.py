from pathlib import Path

from django.core.management.base import CommandError

from dataio.dual_mode import final_results_warning
from dataio.management.base import ProjectFileCommand
from dataio.workbook.report import problem_table, summary_lines
from dataio.workbook.service import import_workbook
from reviews.models import UmbrellaReview


class Command(ProjectFileCommand):
    help = (
        "Import a project workbook (an .xlsx file, a .csv file named after its sheet, a .zip of "
        "CSVs or a folder of CSVs; see docs/data-format.md). Every problem is reported; nothing "
        "is written unless the whole file is valid, and then all of it in one transaction."
    )

    imports = True

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--update",
            action="store_true",
            help="Update rows matched by natural key whose values differ (default: leave them).",
        )
        parser.add_argument("--report", type=Path, help="Also write a JSON report to this file.")

    def handle(self, *args, path: Path, project: str, dry_run: bool, update: bool, **options):
        if not path.exists():
            raise CommandError(f"No file or folder at {path}.")
        verbose = options["verbosity"] > 0

        def progress(sheet: str, done: int, total: int) -> None:
            if verbose and total >= 10000:  # long sheets only: short ones finish at once
                self.stderr.write(f"  {sheet}: {done:,} / {total:,} rows")

        result = import_workbook(
            path, slug=project, dry_run=dry_run, update=update, progress=progress
        )
        if options["report"]:
            options["report"].write_text(result.to_json(), encoding="utf-8")
        if not result.ok:
            self.stdout.write(problem_table(result.problems))
            raise CommandError(
                f"{len(result.problems)} problem(s) in {path.name}; nothing was written."
            )
        for line in summary_lines(result):
            self.stdout.write(line)
        umbrella = UmbrellaReview.objects.filter(slug=project).first()
        if warning := final_results_warning(umbrella, result.counts, dry_run=dry_run):
            self.stdout.write(f"Warning: {warning}")
