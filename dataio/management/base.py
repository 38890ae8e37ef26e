"""The shape the commands share that move one project's data between the database and a file:
`PATH --project SLUG`, and for an import `--dry-run`."""

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.models import UmbrellaReview


class ProjectFileCommand(BaseCommand):
    """`PATH --project SLUG` (+ `--dry-run` where `imports`); subclasses add their own options."""

    imports = False  # an import also takes --dry-run

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--project", required=True, help="The project's slug.")
        if self.imports:
            parser.add_argument(
                "--dry-run", action="store_true", help="Check and count; write nothing."
            )

    def existing_project(self, slug: str) -> UmbrellaReview:
        """The project with this slug; a CommandError naming the slug if there is none."""
        umbrella = UmbrellaReview.objects.filter(slug=slug).first()
        if umbrella is None:
            raise CommandError(f"No project with the slug '{slug}'.")
        return umbrella
