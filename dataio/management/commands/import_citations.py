from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dataio.citations import (
    FORMATS,
    KINDS,
    PARSERS,
    CitationFileError,
    guess_format,
    import_citations,
)
from reviews.models import UmbrellaReview


class Command(BaseCommand):
    help = (
        "Import included reviews or primary studies from a RIS, BibTeX or PubMed (MEDLINE/.nbib) "
        "file; records already in the project (same DOI or PMID) are matched, not duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--project", required=True)
        parser.add_argument("--kind", required=True, choices=KINDS)
        parser.add_argument("--format", choices=FORMATS, help="Default: from the file name.")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, path: Path, project: str, kind: str, **options):
        umbrella = UmbrellaReview.objects.filter(slug=project).first()
        if umbrella is None:
            raise CommandError(f"No project with the slug '{project}'.")
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
