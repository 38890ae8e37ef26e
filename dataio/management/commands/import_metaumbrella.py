from pathlib import Path

from django.core.management.base import CommandError

from dataio.dual_mode import final_results_warning
from dataio.management.base import ProjectFileCommand
from dataio.metaumbrella.service import import_metaumbrella
from dataio.workbook.report import problem_table


class Command(ProjectFileCommand):
    help = (
        "Import a metaumbrella input CSV (study-level rows) into a project. Every problem is "
        "reported; nothing is written unless the whole file is valid, and then all of it in "
        "one transaction. See docs/exchange.md."
    )

    imports = True

    def handle(self, *args, path: Path, project: str, dry_run: bool, **options):
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        umbrella = self.existing_project(project)
        result = import_metaumbrella(path, umbrella=umbrella, dry_run=dry_run)
        if not result.ok:
            self.stdout.write(problem_table(result.problems))
            raise CommandError(
                f"{len(result.problems)} problem(s) in {path.name}; nothing was written."
            )
        mode = "Dry run (nothing written)" if dry_run else "Imported"
        created = ", ".join(f"{c.created:,} {name}" for name, c in result.counts.items())
        self.stdout.write(f"{mode}: {result.rows:,} rows of {path.name}; created {created}.")
        for column, count in result.ignored.items():
            self.stdout.write(f"Not stored: {count:,} value(s) of {column}.")
        if warning := final_results_warning(umbrella, result.counts, dry_run=dry_run):
            self.stdout.write(f"Warning: {warning}")
