from django.core.management.base import BaseCommand

from dataio.uploads import sweep


class Command(BaseCommand):
    help = (
        "Delete import uploads, progress files and problem reports older than "
        "IMPORT_UPLOAD_MAX_AGE (or --max-age seconds), and mark their jobs expired. Run it "
        "from cron or a systemd timer (docs/deploy.md); each new upload also sweeps."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-age", type=int, help="Seconds (default: the IMPORT_UPLOAD_MAX_AGE setting)."
        )

    def handle(self, *args, max_age: int | None, **options):
        expired, deleted = sweep(max_age=max_age)
        self.stdout.write(f"{expired} import job(s) expired, {deleted} file(s) deleted.")
