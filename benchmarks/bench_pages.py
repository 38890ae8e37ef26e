"""Page and computation benchmarks on the model case and on the large synthetic project.

For each main page: the median time of a request with every cache emptied first (as after a
write to the project: "cold"), the median and 95th-percentile server time over REPEAT requests
through Django's test client (no query capture while timing), then the number of queries and the
database time alone (sum of the captured query times) over a few more requests; the same
on the model-case fixture and on `synthetic-large-seed-<seed>`, and the ratio large / fixture.
Then the overlap computation and the AMSTAR 2 recomputation of every review on `large`.

Run by benchmarks/run.sh (PostgreSQL, default settings); the figures are written to
benchmarks/results.json (section "pages" and "computations") and printed as a table.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umbrella.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from appraisal import amstar2  # noqa: E402
from appraisal.models import Appraisal, ItemAnswer  # noqa: E402
from appraisal.services import recompute_overall  # noqa: E402
from reviews.models import IncludedReview, UmbrellaReview  # noqa: E402
from reviews.overlap.selectors import overlap_for_reviews  # noqa: E402
from synthesis.models import Outcome  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.json"
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
CAPTURE = 3
MODEL_CASE = "peer-support-mental-health"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def pages_for(umbrella: UmbrellaReview) -> dict[str, str]:
    """The main pages of one project; the review and outcome with the most rows (worst case)."""
    slug = umbrella.slug
    review = (
        IncludedReview.objects.filter(umbrella=umbrella)
        .annotate(n=Count("inclusions"))
        .order_by("-n", "label")
        .first()
    )
    outcome = (
        Outcome.objects.filter(umbrella=umbrella)
        .annotate(n=Count("results"))
        .order_by("-n", "name")
        .first()
    )
    pages = {
        "project home": reverse("reviews:umbrella-detail", kwargs={"slug": slug}),
        "reviews list (filtered)": reverse("reviews:review-list", kwargs={"slug": slug})
        + "?review_type=sr_meta_analysis&review_type=sr_no_meta_analysis&sort=-year",
        "review detail": reverse("reviews:review-detail", kwargs={"slug": slug, "pk": review.pk}),
        "AMSTAR 2 table": reverse("appraisal:appraisal-table", kwargs={"slug": slug}),
        "evidence overview": reverse("synthesis:overview", kwargs={"slug": slug}),
        "outcome evidence table": reverse(
            "synthesis:outcome-detail", kwargs={"slug": slug, "pk": outcome.pk}
        ),
        "overlap": reverse("reviews:overlap", kwargs={"slug": slug}),
        "primary studies": reverse("reviews:study-list", kwargs={"slug": slug}),
    }
    with contextlib.suppress(NoReverseMatch):  # the key findings page, where it has landed
        pages["key findings"] = reverse("synthesis:key-findings", kwargs={"slug": slug})
    return pages


def time_page(client: Client, url: str) -> dict:
    cold = []
    for _ in range(3):  # with every cached page retired, as after a write to the project
        cache.clear()
        started = time.perf_counter()
        client.get(url)
        cold.append((time.perf_counter() - started) * 1000)
    for _ in range(2):  # warm caches and connections, as a running server would be
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    queries, db_ms = [], []
    for _ in range(CAPTURE):
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries.append(len(captured.captured_queries))
        db_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    return {
        "url": url,
        "median_ms": statistics.median(times),
        "cold_ms": statistics.median(cold),
        "p95_ms": percentile(times, 95),
        "queries": max(queries),
        "db_ms": statistics.median(db_ms),
        "bytes": len(response.content),
    }


def bench_pages(slugs: dict[str, str]) -> dict[str, dict[str, dict]]:
    client = Client()
    # A superuser sees every project whether published or not.
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_superuser": True, "is_staff": True}
    )
    client.force_login(user)
    results: dict[str, dict[str, dict]] = {}
    for name, slug in slugs.items():
        umbrella = UmbrellaReview.objects.get(slug=slug)
        for page, url in pages_for(umbrella).items():
            print(f"  {name:8} {page:26} {url}", flush=True)
            results.setdefault(page, {})[name] = time_page(client, url)
    return results


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return (time.perf_counter() - started) * 1000


def recompute_all_pure(umbrella) -> int:
    """Every consensus rating re-derived by the AMSTAR 2 rule: 2 reads and a bulk update."""
    appraisals = list(Appraisal.objects.filter(review__umbrella=umbrella).select_related("review"))
    answers: dict[int, dict[int, str]] = {}
    for appraisal_id, item, answer in ItemAnswer.objects.filter(
        appraisal__review__umbrella=umbrella
    ).values_list("appraisal_id", "item", "answer"):
        answers.setdefault(appraisal_id, {})[item] = answer
    for appraisal in appraisals:
        appraisal.overall = amstar2.overall_confidence(
            answers[appraisal.pk], appraisal.review.review_type
        )
    Appraisal.objects.bulk_update(appraisals, ["overall"], batch_size=1000)
    return len(appraisals)


def recompute_all_service(umbrella) -> int:
    """The same through appraisal.services.recompute_overall, one appraisal at a time."""
    appraisals = Appraisal.objects.filter(review__umbrella=umbrella).select_related(
        "review__umbrella"
    )
    n = 0
    for appraisal in appraisals.prefetch_related("answers"):
        recompute_overall(appraisal)
        n += 1
    return n


def bench_computations(slug: str) -> dict[str, dict]:
    umbrella = UmbrellaReview.objects.get(slug=slug)
    overlap_ms = [timed(overlap_for_reviews, umbrella) for _ in range(3)]
    pure_ms = [timed(recompute_all_pure, umbrella) for _ in range(3)]
    service_ms = timed(recompute_all_service, umbrella)
    n = Appraisal.objects.filter(review__umbrella=umbrella).count()
    return {
        "overlap_for_reviews (all reviews)": {"median_ms": statistics.median(overlap_ms), "n": 3},
        f"AMSTAR 2 recomputation, {n:,} reviews (bulk)": {
            "median_ms": statistics.median(pure_ms),
            "n": 3,
        },
        f"AMSTAR 2 recomputation, {n:,} reviews (service, per row)": {
            "median_ms": service_ms,
            "n": 1,
        },
    }


def machine() -> dict:
    memory_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        database = cursor.fetchone()[0].split(",")[0]
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "database": database,
        "debug": settings.DEBUG,
    }


def load() -> dict:
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--generate-log", type=Path)
    args = parser.parse_args()
    setup_test_environment()  # lets the test client see templates and contexts
    slugs = {"fixture": MODEL_CASE, "large": f"synthetic-large-seed-{args.seed}"}
    print(f"== Pages: {REPEAT} timed requests each (+{CAPTURE} with query capture)")
    results = {"machine": machine(), "pages": bench_pages(slugs)}
    print("== Computations on large")
    results["computations"] = bench_computations(slugs["large"])
    if args.generate_log and args.generate_log.exists():
        results["generation"] = args.generate_log.read_text().strip().splitlines()[-2:]
    previous = load()
    previous.update(results)
    RESULTS.write_text(json.dumps(previous, indent=2) + "\n")


if __name__ == "__main__":
    main()
