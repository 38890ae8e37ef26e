"""HTTP load test: gunicorn (2 workers) on 127.0.0.1, 32 concurrent readers for 60 s, twice:
anonymous readers (the public page cache), then logged-in members (one session each).

A small threaded client (http.client, keep-alive, loopback only) requests a fixed mix of
published pages of the large synthetic project and of the model case; it is bounded both in
time (BENCH_LOAD_SECONDS, default 60) and in count (BENCH_LOAD_MAX, default 20,000 requests).
It reports requests per second, p50/p95/p99 latency and errors (any non-200 or exception),
and writes them to benchmarks/results.json (sections "load" and "load_members").

The load generator runs on the same 2-core machine as the server, so it takes CPU from it:
the figures are a floor for what the server alone sustains.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.json"
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
MAX_REQUESTS = int(os.environ.get("BENCH_LOAD_MAX", "20000"))
READERS = int(os.environ.get("BENCH_LOAD_READERS", "32"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def page_mix(seed: int) -> list[str]:
    """Published pages readers open most: lists, a review, tables, evidence, overlap."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umbrella.settings")
    import django

    django.setup()
    from benchmarks.bench_pages import pages_for
    from reviews.models import UmbrellaReview

    urls = []
    for slug in (f"synthetic-large-seed-{seed}", "peer-support-mental-health"):
        umbrella = UmbrellaReview.objects.get(slug=slug)
        if not umbrella.is_published:
            raise SystemExit(f"{slug} is not published: the load test reads as the public.")
        urls += list(pages_for(umbrella).values())
    return urls


def reader(port, urls, offset, deadline, budget, latencies, errors, lock, cookie):
    headers = {"Cookie": cookie} if cookie else {}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    i = offset
    while time.monotonic() < deadline:
        with lock:
            if budget[0] <= 0:
                return
            budget[0] -= 1
        url = urls[i % len(urls)]
        i += 1
        started = time.perf_counter()
        try:
            connection.request("GET", url, headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(elapsed)
            if not ok:
                errors.append(url)


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def member_sessions(seed: int, n: int) -> list[str]:
    """One logged-in session (a cookie) per reader, of a researcher of both projects, stored by
    the configured session engine (cached_db with a shared cache): the readers are one member
    in 32 browsers, so after its first request each page is that member's kept page
    (reviews.project.page_cache), its name and CSRF token filled in per request."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    from reviews.models import Membership, UmbrellaReview

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

    user, _ = get_user_model().objects.get_or_create(username="bench-researcher")
    for slug in (f"synthetic-large-seed-{seed}", "peer-support-mental-health"):
        Membership.objects.get_or_create(
            umbrella=UmbrellaReview.objects.get(slug=slug),
            user=user,
            defaults={"role": Membership.Role.RESEARCHER},
        )
    cookies = []
    for _ in range(n):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return cookies


def run_load(port: int, urls: list[str], cookies: list[str]) -> dict:
    """READERS concurrent readers (each with its cookie, or none) for ≤ SECONDS."""
    for url in urls:  # warm both workers' imports and caches
        for cookie in cookies[:1] or [""]:
            for _ in range(2):
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                c.request("GET", url, headers={"Cookie": cookie} if cookie else {})
                c.getresponse().read()
    latencies: list[float] = []
    errors: list[str] = []
    lock, budget = threading.Lock(), [MAX_REQUESTS]
    who = "logged-in members" if cookies else "anonymous readers"
    print(f"== Load test: {READERS} {who}, ≤ {SECONDS:.0f} s, ≤ {MAX_REQUESTS:,} requests")
    # The machine may be shared (other engineers' suites): its load goes with the figures.
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    deadline = started + SECONDS

    def cookie_of(n: int) -> str:
        return cookies[n % len(cookies)] if cookies else ""

    threads = [
        threading.Thread(
            target=reader,
            args=(port, urls, n, deadline, budget, latencies, errors, lock, cookie_of(n)),
            daemon=True,
        )
        for n in range(READERS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(SECONDS + 60)
    duration = time.monotonic() - started
    load = {
        "server": "gunicorn, 2 sync workers, 127.0.0.1",
        "readers": who,
        "concurrency": READERS,
        "duration_s": duration,
        "requests": len(latencies),
        "rps": len(latencies) / duration,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "errors": len(errors),
        "pages": sorted({u.split("?")[0].split("/")[3] or "home" for u in urls}),
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    print(f"   {load['requests']} requests, {load['rps']:.1f}/s, p95 {load['p95_ms']:.0f} ms, "
          f"errors {load['errors']}")  # fmt: skip
    return load


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    urls = page_mix(args.seed)
    cookies = member_sessions(args.seed, READERS)
    port = free_port()
    gunicorn = [
        str(Path(sys.executable).with_name("gunicorn")),
        "umbrella.wsgi",
        "--workers=2",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
    ]
    server = subprocess.Popen(gunicorn, cwd=ROOT)
    try:
        for _ in range(100):  # wait for the workers to listen
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("HEAD", "/")
                break
            except OSError:
                time.sleep(0.2)
        # The same pages, the same server, one after the other: the public, then members.
        anonymous = run_load(port, urls, [])
        members = run_load(port, urls, cookies)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    members["ratio_to_anonymous"] = members["rps"] / anonymous["rps"]
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["load"] = anonymous
    results["load_members"] = members
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"   members / anonymous throughput: {members['ratio_to_anonymous']:.0%}")


if __name__ == "__main__":
    main()
