"""Releases benchmark (issue 20): time to publish a release of the large synthetic project and
the storage each release takes.

Publishes two releases of `synthetic-large-seed-<seed>` (published by the run) with a change in
between (one result's estimate), and reports per release: the wall time of `publish_release`
(export, import into the frozen copy, its check, the figures), the stored bytes (workbook and
figures JSON), the rows of its frozen copy and, on PostgreSQL, how much the database grew (the
copy's rows with their audit history and indexes, the stored release); then the time of the
change page's diff (two stored figure documents, no live query) and of the draft page's (live
figures). Per release it also times the frozen copy's check both ways: its typed rows compared
with the project's (what publishing does) and, as publishing did before, its workbook written
again and compared byte for byte (the difference is the time saved); and it asserts that the
copy's workbook is the stored one, byte for byte. The machine's load average is recorded beside
the times (a shared machine's figures are read with it). Writes benchmarks/results.json
(section "releases").
Run by `make bench` (benchmarks/run.sh), or alone against a database that has the project:

    benchmarks/with-default-postgres.sh sh -c '.venv/bin/python manage.py migrate -v0 &&
      .venv/bin/python manage.py generate_synthetic --size large --seed 1 --publish &&
      .venv/bin/python benchmarks/bench_releases.py'
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umbrella.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from appraisal.models import Appraisal  # noqa: E402
from dataio.workbook.export import project_tables, xlsx_bytes  # noqa: E402
from releases.diff import diff  # noqa: E402
from releases.figures import reader_figures  # noqa: E402
from releases.models import Release  # noqa: E402
from releases.services import publish_release, unreproduced_sheet  # noqa: E402
from reviews.models import (  # noqa: E402
    IncludedReview,
    Inclusion,
    PrimaryStudy,
    UmbrellaReview,
)
from reviews.versioning import save_versioned  # noqa: E402
from synthesis.models import OutcomeResult, StudyEffect  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.json"


def copy_rows(copy: UmbrellaReview) -> dict[str, int]:
    """Rows of the frozen copy in the tables that hold most of them."""
    return {
        "included reviews": IncludedReview.objects.filter(umbrella=copy).count(),
        "primary studies": PrimaryStudy.objects.filter(umbrella=copy).count(),
        "inclusions": Inclusion.objects.filter(review__umbrella=copy).count(),
        "outcome results": OutcomeResult.objects.filter(review__umbrella=copy).count(),
        "study effects": StudyEffect.objects.filter(outcome_result__review__umbrella=copy).count(),
        "appraisals": Appraisal.objects.filter(review__umbrella=copy).count(),
    }


def copy_check_times(release: Release, umbrella: UmbrellaReview) -> dict[str, float]:
    """Seconds of the frozen copy's check, as publishing does it (the copy's typed rows against
    the project's) and as it did before (the copy's workbook written again, compared byte for
    byte); the project is unchanged since the release, so its rows are the stored file's."""
    began = time.perf_counter()
    copied = project_tables(release.snapshot)
    tables_s = time.perf_counter() - began
    tables = project_tables(umbrella)
    began = time.perf_counter()
    assert unreproduced_sheet(tables, copied) is None
    compare_s = time.perf_counter() - began
    began = time.perf_counter()
    assert xlsx_bytes(copied) == bytes(release.workbook)  # the byte-for-byte proof, kept here
    write_s = time.perf_counter() - began
    return {
        "typed_rows_s": round(tables_s + compare_s, 2),
        "workbook_again_s": round(tables_s + write_s, 2),
        "saved_s": round(write_s - compare_s, 2),
    }


def database_bytes() -> int | None:
    """The database's size on disk (PostgreSQL), to measure what one release adds."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--slug", help="the project (default: synthetic-large-seed-<seed>)")
    parser.add_argument("--no-save", action="store_true", help="print only")
    args = parser.parse_args()
    umbrella = UmbrellaReview.objects.get(slug=args.slug or f"synthetic-large-seed-{args.seed}")
    if not umbrella.is_published:
        raise SystemExit(f"{umbrella.slug} is not published: generate it with --publish")
    owner, _ = get_user_model().objects.get_or_create(username="bench-release-owner")
    releases = []
    for step in (1, 2):
        if step == 2:  # one change between the releases: a result's estimate moves
            result = OutcomeResult.objects.filter(
                review__umbrella=umbrella, estimate__isnull=False
            ).first()
            assert result is not None
            # Half way to the upper limit (the synthetic CIs are symmetric: the midpoint is
            # the estimate already, which the first runs "moved" to, changing nothing).
            result.estimate = (result.estimate + result.ci_high) / 2
            save_versioned(result, loaded_version=result.version)
        size_before = database_bytes()
        began = time.perf_counter()
        release = publish_release(umbrella=umbrella, user=owner, notes=f"Benchmark {step}")
        seconds = time.perf_counter() - began
        load = os.getloadavg()[0]
        size_after = database_bytes()
        figures_bytes = len(json.dumps(release.figures, ensure_ascii=False).encode())
        check = copy_check_times(release, umbrella)
        releases.append(
            {
                "number": release.number,
                "publish_s": round(seconds, 1),
                "load_average_1min": round(load, 1),
                "workbook_bytes": release.workbook_size,
                "figures_json_bytes": figures_bytes,
                "copy_rows": copy_rows(release.snapshot),
                "copy_check": check,
                "database_growth_bytes": (
                    size_after - size_before if size_before and size_after else None
                ),
            }
        )
        print(f"release {release.number}: {releases[-1]}")
    first, second = umbrella.releases.order_by("number")[:2]
    began = time.perf_counter()
    changes = diff(first.figures, second.figures)
    diff_ms = 1000 * (time.perf_counter() - began)
    began = time.perf_counter()
    diff(second.figures, reader_figures(umbrella))
    draft_s = time.perf_counter() - began
    figures = {
        "project": umbrella.slug,
        "database": connection.vendor,
        "releases": releases,
        "diff_of_two_stored_releases_ms": round(diff_ms, 1),
        "outcomes_changed": len(changes.section("outcomes").entries),
        "draft_against_latest_s": round(draft_s, 2),
    }
    print(json.dumps(figures, indent=2))
    if not args.no_save:
        results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        results["releases"] = figures
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
