"""The metaumbrella round trip at the `large` size: a benchmark, and the test the suite keeps
at the small size (tests/dataio/metaumbrella/test_round_trip.py).

Generates the large synthetic project (seed 1) unless it exists, adds synthetic study-level
rows to its pooled results, exports them in metaumbrella's input format, imports the file into
an empty project, exports that project and checks the two files are byte-identical. Prints
the rows and the seconds of each step; exits non-zero if the files differ. Not part of the
test suite (minutes on SQLite). Run from the project root against a scratch database:

    DATABASE_URL=sqlite:////tmp/bench-metaumbrella.sqlite3 \\
        .venv/bin/python manage.py migrate -v0 && \\
    DATABASE_URL=sqlite:////tmp/bench-metaumbrella.sqlite3 \\
        .venv/bin/python benchmarks/bench_metaumbrella.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umbrella.settings")

import django

django.setup()

from dataio.metaumbrella.export import export_metaumbrella  # noqa: E402
from dataio.metaumbrella.service import import_metaumbrella  # noqa: E402
from dataio.synthetic.project import delete_project, generate, slug_for  # noqa: E402
from dataio.synthetic.study_effects import add_study_effects  # noqa: E402
from reviews.models import UmbrellaReview  # noqa: E402

SEED = 1
COPY = "metaumbrella-round-trip"


def timed(label: str, step):
    started = time.perf_counter()
    value = step()
    print(f"{label:<46}{time.perf_counter() - started:>9.1f} s", flush=True)
    return value


def main() -> int:
    umbrella = UmbrellaReview.objects.filter(slug=slug_for("large", SEED)).first()
    if umbrella is None:
        umbrella = timed(
            "generate the large project", lambda: generate(size="large", seed=SEED)
        ).umbrella
    added = timed("add synthetic study rows", lambda: add_study_effects(umbrella, seed=SEED))
    old = UmbrellaReview.objects.filter(slug=COPY).first()
    if old is not None:
        delete_project(old)
    copy = UmbrellaReview.objects.create(title="metaumbrella round trip", slug=COPY)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.csv"
        first = timed("export (metaumbrella CSV)", lambda: export_metaumbrella(umbrella, path))
        report = timed(
            "import into an empty project", lambda: import_metaumbrella(path, umbrella=copy)
        )
        if report.problems:
            print(f"{len(report.problems)} problems, e.g. {report.problems[:3]}")
            return 1
        second = timed("export the copy", lambda: export_metaumbrella(copy))
    rows = first.count("\n") - 1
    print(f"{added:,} study rows added; {rows:,} exported; {len(first):,} bytes")
    print("byte-identical" if first == second else "THE FILES DIFFER")
    return 0 if first == second else 1


if __name__ == "__main__":
    sys.exit(main())
