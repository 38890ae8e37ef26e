"""The first reader after a write, and two servers sharing one cache (issue 21), on `large`.

For the overview, overlap and evidence pages, as a logged-in member (no public page cache):
- "cold": a write with no background recomputation (no worker: its mark removed), then the
  page's first request: what every first reader paid before the recomputation existed;
- "while recomputing": a write whose recomputation is queued but has not run: the first
  request shows the previous figures with the "updating" notice;
- "after": the recomputation run as the worker runs it (`reviews.project.warming.recompute`,
  its duration reported), then the page's first request.
Then, when CACHE_URL names a Redis: two gunicorn servers on the benchmark database and that
Redis; the project is renamed through one server's settings form and read at once through
the other, a few times. Figures go to benchmarks/results.json ("after_write", "coherence").
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

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from reviews.models import Membership, UmbrellaReview  # noqa: E402
from reviews.project import warming  # noqa: E402
from reviews.project.revisions import changed  # noqa: E402
from tests.scale.servers import Server, change_title, database_url  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.json"
PAGES = {
    "overview": "reviews:umbrella-detail",
    "overlap": "reviews:overlap",
    "evidence": "synthesis:overview",
}
WRITES = 5


def timed_get(client: Client, url: str) -> tuple[float, bool]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return elapsed, b"figures-updating" in response.content


def after_write(umbrella: UmbrellaReview, client: Client) -> dict:
    pages: dict[str, dict] = {}
    warming.recompute(umbrella.pk)  # a ready revision to fall back on
    recompute_s = []
    for name, url_name in PAGES.items():
        url = reverse(url_name, kwargs={"slug": umbrella.slug})
        client.get(url)
        changed(umbrella)  # a write with no worker to recompute: the old cold path
        cache.delete(warming._updating_key(umbrella.pk))
        cold, _ = timed_get(client, url)
        changed(umbrella)  # a write whose recomputation is queued
        updating_ms, notice = timed_get(client, url)
        if not notice:
            raise SystemExit(f"{name}: no 'updating' notice while recomputing")
        started = time.perf_counter()
        warming.recompute(umbrella.pk)
        recompute_s.append(time.perf_counter() - started)
        warm_ms, notice = timed_get(client, url)
        if notice:
            raise SystemExit(f"{name}: still 'updating' after the recomputation")
        pages[name] = {"cold_ms": cold, "updating_ms": updating_ms, "warm_ms": warm_ms}
        print(f"   {name}: cold {cold:.0f} ms, while recomputing {updating_ms:.0f} ms, "
              f"after {warm_ms:.0f} ms")  # fmt: skip
    return {"pages": pages, "recompute_s": max(recompute_s)}


def coherence(umbrella: UmbrellaReview) -> dict:
    password = "bench coherence password"
    owner, _ = get_user_model().objects.get_or_create(username="bench-owner")
    owner.password = make_password(password)
    owner.save()
    Membership.objects.get_or_create(
        umbrella=umbrella, user=owner, defaults={"role": Membership.Role.OWNER}
    )
    url = database_url(connection.settings_dict)
    first, second = Server(url, settings.CACHE_URL), Server(url, settings.CACHE_URL)
    home = f"/u/{umbrella.slug}/"
    title = umbrella.title
    reads, coherent = [], True
    try:
        second.log_in("bench-owner", password)
        for n in range(WRITES):
            first.request("GET", home)  # the page is kept in the shared cache
            umbrella.refresh_from_db()
            new_title = f"{title} (renamed {n + 1})"
            change_title(second, umbrella, new_title)
            started = time.perf_counter()
            _, _, page = first.request("GET", home)
            reads.append((time.perf_counter() - started) * 1000)
            coherent &= new_title in page
        umbrella.refresh_from_db()
        change_title(second, umbrella, title)
    finally:
        first.stop()
        second.stop()
    print(f"   two servers: coherent {coherent}, {WRITES} writes, reads ≤ {max(reads):.0f} ms")
    return {
        "servers": "2 gunicorn processes, 1 PostgreSQL, 1 Redis",
        "coherent": coherent,
        "checks": WRITES,
        "max_read_ms": max(reads),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup_test_environment()
    umbrella = UmbrellaReview.objects.select_related("data_revision").get(
        slug=f"synthetic-large-seed-{args.seed}"
    )
    member, _ = get_user_model().objects.get_or_create(username="bench-researcher")
    Membership.objects.get_or_create(
        umbrella=umbrella, user=member, defaults={"role": Membership.Role.RESEARCHER}
    )
    client = Client()
    client.force_login(member)
    print("== The first reader after a write (large, logged-in member)")
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["after_write"] = after_write(umbrella, client)
    if settings.CACHE_URL:
        print("== Two servers, one PostgreSQL, one Redis")
        results["coherence"] = coherence(umbrella)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
