from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dataio.demo import PEER_SUPPORT_FIXTURE, FixtureError, load_fixture


class Command(BaseCommand):
    help = (
        "Load the peer-support umbrella review (Cooper et al., BMC Medicine 2024) as demo data, "
        "each new row with its first version in the history. Running it again leaves rows "
        "that exist alone (edits made since are kept) unless --update is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixture",
            type=Path,
            default=PEER_SUPPORT_FIXTURE,
            help="A JSON fixture with natural keys (default: fixtures/peer_support.json).",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Reset rows that differ from the fixture to it (each change is recorded in "
            'their history as "demo fixture reload").',
        )

    def handle(self, *args, fixture: Path, update: bool, **options):
        if not fixture.is_file():
            raise CommandError(f"No fixture at {fixture}.")
        try:
            report = load_fixture(fixture, update=update)
        except FixtureError as error:
            raise CommandError(f"Nothing was loaded. Problems in {fixture}:\n{error}") from None
        self.stdout.write(
            f"{fixture.name}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged."
        )
        if report.differing:
            self.stdout.write(
                f"{report.differing} row(s) differ from the fixture (edited since it was "
                "loaded) and were left as they are; run with --update to reset them."
            )
