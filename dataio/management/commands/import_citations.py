from pathlib import Path

from django.core.management.base import CommandError

from dataio.citations import (
    FORMATS,
    KINDS,
    PARSERS,
    CitationFileError,
    guess_format,
    import_citations,
)
from dataio.management.base import ProjectFileCommand


class Command(ProjectFileCommand):
    help = (
        "Import included reviews or primary studies from a RIS, BibTeX or PubMed (MEDLINE/.nbib) "
        "file; records already in the project (same DOI or PMID) are matched, not duplicated."
    )

    imports = True

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--kind", required=True, choices=KINDS)
        parser.add_argument("--format", choices=FORMATS, help="Default: from the file name.")

    def handle(self, *args, path: Path, project: str, kind: str, **options):
        umbrella = self.existing_project(project)
        try:
            fmt = options["format"] or guess_format(path.name)
            records = PARSERS[fmt](path.read_text(encoding="utf-8-sig"))
        except (CitationFileError, UnicodeDecodeError, OSError) as error:
            raise CommandError(f"{path.name}: {error}. Nothing was imported.") from None
        report = import_citations(umbrella, records, kind=kind, dry_run=options["dry_run"])
        for number, label in report.matched:
            self.stdout.write(f"record {number}: matched {label} (same DOI/PMID)")
        for number, reason in report.skipped:
            self.stdout.write(f"record {number}: skipped, {reason}")
        self.stdout.write(
            f"{len(report.created)} created, {len(report.matched)} matched, "
            f"{len(report.skipped)} skipped."
        )
