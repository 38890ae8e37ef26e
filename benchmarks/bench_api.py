"""API benchmark: requests per second for the paginated results endpoint of the read API.

Requests `/api/v1/projects/<slug>/results/` through Django's test client in one process (no
network, no query capture): page 1..PAGES of 50 rows in turn, plain and with a filter
(`finding=improvement&min_rating=low`), then the same URLs repeated with `If-None-Match` (the
304 path). Reports requests/second, median and 95th-percentile latency for each, and writes
them to benchmarks/results.json (section "api").

Run by benchmarks/run.sh on `synthetic-large-seed-<seed>` (published by the run); for a quick
look at another project: `bench_api.py --slug synthetic-small-seed-1 --repeat 20`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umbrella.settings")
# The benchmark is one anonymous client: the throttle would refuse it after a few requests.
os.environ["DJANGO_API_ANON_THROTTLE_RATE"] = ""

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.json"
PAGES = 10


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def run(client: Client, urls: list[str], repeat: int, etags: dict[str, str] | None) -> dict:
    """Request every URL `repeat` times; with `etags`, as conditional GETs (304 expected)."""
    times, expected = [], 304 if etags else 200
    start = time.perf_counter()
    for _ in range(repeat):
        for url in urls:
            headers = {"If-None-Match": etags[url]} if etags else {}
            began = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append(time.perf_counter() - began)
            if response.status_code != expected:
                raise SystemExit(f"{url}: {response.status_code}, expected {expected}")
    elapsed = time.perf_counter() - start
    return {
        "requests": len(times),
        "rps": len(times) / elapsed,
        "p50_ms": 1000 * statistics.median(times),
        "p95_ms": 1000 * percentile(times, 95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--slug", help="the project (default: synthetic-large-seed-<seed>)")
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "20")))
    parser.add_argument("--no-save", action="store_true", help="print only")
    args = parser.parse_args()
    slug = args.slug or f"synthetic-large-seed-{args.seed}"
    setup_test_environment()  # the test client needs "testserver" allowed
    client = Client()
    base = f"/api/v1/projects/{slug}/results/"
    urls = {
        "plain": [f"{base}?page={n}" for n in range(1, PAGES + 1)],
        "filtered": [f"{base}?finding=improvement&min_rating=low&page={n}" for n in (1, 2, 3)],
    }
    first = client.get(urls["plain"][0])
    if first.status_code != 200:
        raise SystemExit(f"{urls['plain'][0]}: {first.status_code} (is {slug} published?)")
    figures = {"project": slug, "rows": first.json()["count"], "page_size": 50}
    for name, group in urls.items():
        client.get(group[0])  # warm the process (imports, the rating join's plan)
        figures[name] = run(client, group, args.repeat, None)
        etags = {url: client.get(url)["ETag"] for url in group}
        figures[f"{name}_304"] = run(client, group, args.repeat, etags)
    for name in ("plain", "plain_304", "filtered", "filtered_304"):
        f = figures[name]
        print(
            f"API results {name:13} {f['requests']:5d} requests  {f['rps']:7.1f} req/s  "
            f"p50 {f['p50_ms']:6.1f} ms  p95 {f['p95_ms']:6.1f} ms"
        )
    print(f"({figures['rows']} results in {slug}, 50 a page)")
    if not args.no_save:
        results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        # The figures before issue 21's keys-first paging stay beside each new run's.
        if "before" in results.get("api", {}):
            figures["before"] = results["api"]["before"]
        results["api"] = figures
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
