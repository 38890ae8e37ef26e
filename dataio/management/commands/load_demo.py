from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dataio.demo import PEER_SUPPORT_FIXTURE, FixtureError, load_fixture


class Command(BaseCommand):
    help = (
        "Load the peer-support umbrella review (Cooper et al., BMC Medicine 2024) as demo data. "
        "Idempotent: running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixture",
            type=Path,
            default=PEER_SUPPORT_FIXTURE,
            help="A JSON fixture with natural keys (default: fixtures/peer_support.json).",
        )

    def handle(self, *args, fixture: Path, **options):
        if not fixture.is_file():
            raise CommandError(f"No fixture at {fixture}.")
        try:
            report = load_fixture(fixture)
        except FixtureError as error:
            raise CommandError(f"Nothing was loaded. Problems in {fixture}:\n{error}") from None
        self.stdout.write(
            f"{fixture.name}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged."
        )
