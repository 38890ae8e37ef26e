"""Time the workbook importer against `loaddata` of the same data, on PostgreSQL.

Generates a project folder of CSVs with 2,000 reviews, 20,000 primary studies, 200,000
inclusion links, 50 outcomes and 100,000 outcome results (fixed seed; `--scale 0.25` for a
quarter of each), imports it with `import_workbook` into an empty database, dumps exactly
what was written as a Django JSON fixture, empties the database, and times `loaddata` of that
fixture. Prints both figures and the ratio; `--json` also writes them to
benchmarks/results.json (section "import"). Not part of the test suite.

The importer records a history row for every row it writes (bulk statements send no signals,
so it writes them itself); `loaddata` records none (django-simple-history skips raw saves), so
the comparison favours loaddata.

Run from the project root, on a throw-away cluster with PostgreSQL's DEFAULT durability
settings (`--import-only` skips the slow loaddata half):
    benchmarks/with-default-postgres.sh .venv/bin/python benchmarks/bench_import.py [--import-only]
(scripts/with-postgres.sh turns fsync off for the tests: not for figures.) `make bench` runs it
with `--scale 0.25 --json` on its own default-settings cluster.
"""

from __future__ import annotations

import argparse
import csv
import json
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

from django.apps import apps  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from dataio.workbook.service import import_workbook  # noqa: E402

FULL = {"reviews": 2_000, "studies": 20_000, "links": 200_000, "outcomes": 50, "results": 100_000}
RESULTS_JSON = Path(__file__).resolve().parent / "results.json"
MODELS = [  # what the import writes: dumped for loaddata, and counted in the history
    "reviews.umbrellareview",
    "reviews.includedreview",
    "reviews.primarystudy",
    "reviews.inclusion",
    "synthesis.outcomedomain",
    "synthesis.outcome",
    "synthesis.outcomeresult",
]


def _write(folder: Path, name: str, rows: list[list]) -> None:
    with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def build(folder: Path, scale: float = 1.0) -> None:
    size = {name: max(1, round(n * scale)) for name, n in FULL.items()}
    reviews, studies, outcomes = size["reviews"], size["studies"], size["outcomes"]
    rng = random.Random(8)
    _write(folder, "project", [["title"], ["Benchmark umbrella review"]])
    _write(folder, "outcome_domains", [["name"], ["Clinical"]])
    _write(
        folder,
        "outcomes",
        [["name", "domain"], *[[f"Outcome {o}", "Clinical"] for o in range(outcomes)]],
    )
    _write(
        folder,
        "included_reviews",
        [["label", "review_type", "title", "year"]]
        + [
            [f"Review {r}", "sr_meta_analysis", f"Review number {r}", 2000 + r % 24]
            for r in range(reviews)
        ],
    )
    _write(
        folder,
        "primary_studies",
        [["label", "title", "year"]]
        + [[f"Study {s}", f"Trial {s}", 1990 + s % 30] for s in range(studies)],
    )
    per_review = size["links"] // reviews
    links = [["review", "study"]]
    for r in range(reviews):
        for s in rng.sample(range(studies), per_review):
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
    for i in range(size["results"]):
        estimate = round(rng.uniform(-1, 1), 2)
        half = round(rng.uniform(0.05, 0.5), 2)
        results.append(
            [
                f"Review {i % reviews}",
                f"O{i}",
                f"Outcome {i % outcomes}",
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


def _settings() -> str:
    if connection.vendor != "postgresql":
        return connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        shown = []
        for name in ("fsync", "synchronous_commit", "full_page_writes"):
            cursor.execute(f"SHOW {name}")
            shown.append(f"{name}={cursor.fetchone()[0]}")
    return f"PostgreSQL {version} ({', '.join(shown)})"


def _history_rows() -> int:
    models = [apps.get_model(label) for label in MODELS]
    return sum(model.history.count() for model in models if hasattr(model, "history"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import-only", action="store_true", help="Skip the loaddata half.")
    parser.add_argument("--scale", type=float, default=1.0, help="Fraction of the full size.")
    parser.add_argument("--json", action="store_true", help="Write results.json's 'import'.")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("!! Not on PostgreSQL: run it through benchmarks/with-default-postgres.sh.")
    call_command("migrate", verbosity=0)
    database = _settings()
    print(f"== import_workbook vs loaddata on {database}, scale {args.scale:g}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "csv"
        folder.mkdir()
        build(folder, args.scale)
        start = time.perf_counter()
        result = import_workbook(folder, slug="bench")
        importer = time.perf_counter() - start
        assert result.ok, result.problems[:5]
        total = result.totals()
        history = _history_rows()
        print(
            f"import_workbook: {result.rows:,} rows, {total.created:,} created, "
            f"{history:,} history records, in {importer:.1f} s "
            f"({result.rows / importer:,.0f} rows/s)"
        )
        figures = {
            "database": database,
            "scale": args.scale,
            "rows": result.rows,
            "history_records": history,
            "import_s": round(importer, 1),
            "rows_per_s": round(result.rows / importer),
        }
        if not args.import_only:
            fixture = Path(tmp) / "bench.json"
            with fixture.open("w", encoding="utf-8") as handle:
                call_command("dumpdata", *MODELS, stdout=handle)
            call_command("flush", interactive=False, verbosity=0)
            start = time.perf_counter()
            call_command("loaddata", fixture, verbosity=0)
            loaddata = time.perf_counter() - start
            print(
                f"loaddata of the same data: {loaddata:.1f} s "
                f"(records no history: simple-history skips raw saves)"
            )
            print(f"ratio loaddata / import_workbook: {loaddata / importer:.1f}x")
            figures.update(loaddata_s=round(loaddata, 1), ratio=round(loaddata / importer, 1))
    if args.json:
        results = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
        results["import"] = figures
        RESULTS_JSON.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
