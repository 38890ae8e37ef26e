"""Time the workbook importer against `loaddata` of the same data, on PostgreSQL.

Generates a project folder of CSVs with 2,000 reviews, 20,000 primary studies, 200,000
inclusion links, 50 outcomes and 100,000 outcome results (fixed seed), imports it with
`import_workbook` into an empty database, dumps exactly what was written as a Django JSON
fixture, empties the database, and times `loaddata` of that fixture. Prints both figures and
the ratio. Not part of the test suite.

Run from the project root (`--import-only` skips the slow loaddata half):
    scripts/with-postgres.sh .venv/bin/python benchmarks/bench_import.py [--import-only]
"""

from __future__ import annotations

import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umbrella.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from reviews.workbook.service import import_workbook  # noqa: E402

REVIEWS, STUDIES, LINKS, OUTCOMES, RESULTS = 2_000, 20_000, 200_000, 50, 100_000


def _write(folder: Path, name: str, rows: list[list]) -> None:
    with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def build(folder: Path) -> None:
    rng = random.Random(8)
    _write(folder, "project", [["title"], ["Benchmark umbrella review"]])
    _write(folder, "outcome_domains", [["name"], ["Clinical"]])
    _write(
        folder,
        "outcomes",
        [["name", "domain"], *[[f"Outcome {o}", "Clinical"] for o in range(OUTCOMES)]],
    )
    _write(
        folder,
        "included_reviews",
        [["label", "review_type", "title", "year"]]
        + [
            [f"Review {r}", "sr_meta_analysis", f"Review number {r}", 2000 + r % 24]
            for r in range(REVIEWS)
        ],
    )
    _write(
        folder,
        "primary_studies",
        [["label", "title", "year"]]
        + [[f"Study {s}", f"Trial {s}", 1990 + s % 30] for s in range(STUDIES)],
    )
    per_review = LINKS // REVIEWS
    links = [["review", "study"]]
    for r in range(REVIEWS):
        for s in rng.sample(range(STUDIES), per_review):
            links.append([f"Review {r}", f"Study {s}"])
    _write(folder, "inclusions", links)
    header = [
        "review",
        "extraction_id",
        "outcome",
        "evidence_type",
        "k",
        "n",
        "measure",
        "estimate",
        "ci_low",
        "ci_high",
        "p_value",
    ]
    results = [header]
    for i in range(RESULTS):
        estimate = round(rng.uniform(-1, 1), 2)
        half = round(rng.uniform(0.05, 0.5), 2)
        results.append(
            [
                f"Review {i % REVIEWS}",
                f"O{i}",
                f"Outcome {i % OUTCOMES}",
                "meta_analysis",
                rng.randint(2, 30),
                rng.randint(100, 5000),
                "smd",
                estimate,
                round(estimate - half, 2),
                round(estimate + half, 2),
                "",
            ]
        )
    _write(folder, "outcome_results", results)


def main() -> None:
    if connection.vendor != "postgresql":
        print(
            "!! Not on PostgreSQL: run it through scripts/with-postgres.sh for the quoted figures."
        )
    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "csv"
        folder.mkdir()
        build(folder)
        start = time.perf_counter()
        result = import_workbook(folder, slug="bench")
        importer = time.perf_counter() - start
        assert result.ok, result.problems[:5]
        total = result.totals()
        print(
            f"import_workbook: {result.rows:,} rows, {total.created:,} created in {importer:.1f} s"
        )
        if "--import-only" in sys.argv:
            return

        fixture = Path(tmp) / "bench.json"
        models = [
            "reviews.umbrellareview",
            "reviews.includedreview",
            "reviews.primarystudy",
            "reviews.inclusion",
            "synthesis.outcomedomain",
            "synthesis.outcome",
            "synthesis.outcomeresult",
        ]
        with fixture.open("w", encoding="utf-8") as handle:
            call_command("dumpdata", *models, stdout=handle)
        call_command("flush", interactive=False, verbosity=0)
        start = time.perf_counter()
        call_command("loaddata", fixture, verbosity=0)
        loaddata = time.perf_counter() - start
        print(f"loaddata of the same data: {loaddata:.1f} s")
        print(f"ratio loaddata / import_workbook: {loaddata / importer:.1f}x")


if __name__ == "__main__":
    main()
