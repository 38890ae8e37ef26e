"""`generate_synthetic --size {small,large} --seed N`: a synthetic umbrella review for benchmarks.

The project is named `synthetic-<size>-seed-<seed>` and is unpublished unless `--publish` is
given. Re-running with the same size and seed refuses, so a benchmark database is never
silently rebuilt; `--replace` deletes that synthetic project and builds it again.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from dataio.synthetic.project import SIZES, SyntheticExists, generate


class Command(BaseCommand):
    help = "Generate a deterministic synthetic umbrella review (see dataio/synthetic/project.py)."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), required=True)
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument(
            "--publish", action="store_true", help="Make the project readable by anyone."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete an existing synthetic project of this size and seed first.",
        )

    def handle(self, *args, size, seed, publish, replace, **options):
        started = time.perf_counter()
        try:
            result = generate(size=size, seed=seed, publish=publish, replace=replace)
        except SyntheticExists as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(
            f"{value:,} {name.replace('_', ' ')}" for name, value in result.counts.items()
        )
        self.stdout.write(
            f"Generated '{result.umbrella.slug}' ({'published' if publish else 'unpublished'}) "
            f"in {time.perf_counter() - started:.1f} s: {counts}."
        )
