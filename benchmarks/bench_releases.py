"""Releases benchmark (issue 20): time to publish a release of the large synthetic project, the
storage each release takes, and the draft page's cost.

Publishes two releases of `synthetic-large-seed-<seed>` (published by the run) with a change in
between (a review added whose meta-analysis becomes an outcome's selected one: it changes that
outcome's finding, as a living review's update does), and reports per release: the wall time of
`publish_release` (export, import into the frozen copy, its check, the figures), the stored
bytes (workbook and figures JSON), the rows of its frozen copy and, on PostgreSQL, how much the
database grew (the copy's rows with their audit history and indexes, the stored release). Per
release it also times the frozen copy's check both ways: its typed rows compared with the
project's (what publishing does) and, as publishing did before, its workbook written again and
compared byte for byte (the difference is the time saved); and it asserts that the copy's
workbook is the stored one, byte for byte. Then the change page's diff (two stored figure
documents, no live query) and what it found; then the draft page (releases.draft): its live
figures computed on the request (what every view cost before they were kept per data
revision), a repeated view reading the kept figures, the publish form, a view while a write's
recomputation is queued ("Updating…"), the recomputation's draft step in the background (the
summary of findings kept by then) and the summary of findings computed alone.
The machine's load average is recorded beside the times (a shared machine's figures are read
with it). Writes benchmarks/results.json (section "releases"). Run by `make bench`
(benchmarks/run.sh), or alone against a database that has the project (DEBUG off: the pages
need `collectstatic`):

    benchmarks/with-default-postgres.sh sh -c '.venv/bin/python manage.py migrate -v0 &&
      .venv/bin/python manage.py collectstatic --noinput -v0 &&
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
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from appraisal.models import Appraisal  # noqa: E402
from dataio.workbook.export import project_tables, xlsx_bytes  # noqa: E402
from releases import draft  # noqa: E402
from releases.diff import diff  # noqa: E402
from releases.figures import reader_figures  # noqa: E402
from releases.models import Release  # noqa: E402
from releases.services import publish_release, unreproduced_sheet  # noqa: E402
from reviews.models import (  # noqa: E402
    IncludedReview,
    Inclusion,
    Membership,
    PrimaryStudy,
    UmbrellaReview,
)
from reviews.project import warming  # noqa: E402
from reviews.project.revisions import changed, current_revision  # noqa: E402
from reviews.versioning import save_versioned  # noqa: E402
from synthesis.models import OutcomeResult, StudyEffect  # noqa: E402
from synthesis.selectors.summary_of_findings import summary_of_findings  # noqa: E402
from synthesis.services import save_result  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.json"
READS = 5  # repeated views of the draft, each by another reader (no kept page answers)


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


def add_review_changing_a_finding(umbrella: UmbrellaReview, figures: dict, owner) -> str:
    """The change between the releases: a new review rated high whose meta-analysis of the
    first outcome with a selected one is larger (k, n) than it, so the rule selects it and the
    outcome's finding changes. (The first runs moved the estimate of a meta-analysis that was
    not the selected one, within a CI still crossing zero: no outcome figure changed, and the
    diff rightly reported `outcomes_changed` 0.) Returns the outcome's name."""
    name, row = next((n, r) for n, r in sorted(figures["outcomes"].items()) if r["selected_review"])
    selected = OutcomeResult.objects.get(
        review__umbrella=umbrella, review__label=row["selected_review"], outcome__name=name,
        evidence_type="meta_analysis",
    )  # fmt: skip
    review = save_versioned(
        IncludedReview(
            umbrella=umbrella,
            label="Bench update 2026",
            title="A large new meta-analysis added between two releases",
            year=2026,
            review_type="sr_meta_analysis",
            published_rating="high",
        ),
        loaded_version=None,
    ).instance
    result = OutcomeResult.objects.get(pk=selected.pk)
    result.pk = result.id = None
    result._state.adding = True
    result.review, result.k, result.n = review, (selected.k or 0) + 10, (selected.n or 0) + 1000
    save_result(result, expected_version=None, user=owner)
    return name


def timed_get(client: Client, url: str) -> tuple[float, int, bytes]:
    """Milliseconds, queries and the page of one GET (an error stops the run)."""
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        response = client.get(url)
        ms = 1000 * (time.perf_counter() - began)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return ms, len(queries.captured_queries), response.content


def as_new_reader(client: Client, name: str) -> Client:
    client.force_login(get_user_model().objects.get_or_create(username=name)[0])
    return client


def draft_views(umbrella: UmbrellaReview, owner) -> dict:
    """The draft page and the publish form with the live figures kept per data revision."""
    setup_test_environment()
    client = Client()
    page = reverse("releases:draft", kwargs={"slug": umbrella.slug})
    form = reverse("releases:release-add", kwargs={"slug": umbrella.slug})
    cache.delete(draft._key(umbrella.pk, current_revision(umbrella)))
    load = os.getloadavg()[0]
    with override_settings(RECOMPUTE_AFTER_WRITE=False):  # nothing kept: computed on the view
        first_ms, first_queries, _ = timed_get(as_new_reader(client, "bench-draft-0"), page)
    repeats = [timed_get(as_new_reader(client, f"bench-draft-{n}"), page) for n in range(1, READS)]
    client.force_login(owner)
    form_ms, form_queries, _ = timed_get(client, form)
    with override_settings(RECOMPUTE_AFTER_WRITE=True):  # a write, its recomputation queued
        changed(umbrella)
        umbrella = UmbrellaReview.objects.select_related("data_revision").get(pk=umbrella.pk)
        updating_ms, _, content = timed_get(as_new_reader(client, "bench-draft-w"), page)
        # A small project's figures are computed on the view instead (draft.SYNC_REVIEWS).
        large = IncludedReview.objects.filter(umbrella=umbrella).count() > draft.SYNC_REVIEWS
        if large != ("Updating…".encode() in content):
            raise SystemExit(f"the draft {'did not say' if large else 'said'} 'Updating…'")
        began = time.perf_counter()
        warming.recompute(umbrella.pk)  # the worker's task: the pages, then the draft step
        recompute_s = time.perf_counter() - began
        after_ms, after_queries, content = timed_get(as_new_reader(client, "bench-draft-r"), page)
        if "Updating…".encode() in content:
            raise SystemExit("the draft still said 'Updating…' after the recomputation")
    cache.delete(draft._key(umbrella.pk, current_revision(umbrella)))
    began = time.perf_counter()
    draft.keep_after_write(umbrella)  # the step alone, the pages' cached parts warm
    step_s = time.perf_counter() - began
    # The summary of findings alone: what the step computed itself until the summary page's
    # (rendered by the recomputation before the step) was kept per data revision.
    began = time.perf_counter()
    summary_of_findings(umbrella, QueryDict())
    summary_s = time.perf_counter() - began
    repeat_ms = sorted(ms for ms, _, _ in repeats)
    figures = {
        "load_average_1min": round(load, 1),
        "computed_on_the_view_ms": round(first_ms),
        "computed_on_the_view_queries": first_queries,
        "repeated_view_median_ms": round(repeat_ms[len(repeat_ms) // 2], 1),
        "repeated_view_max_ms": round(repeat_ms[-1], 1),
        "repeated_view_queries": max(q for _, q, _ in repeats),
        "publish_form_ms": round(form_ms, 1),
        "publish_form_queries": form_queries,
        "while_updating_ms": round(updating_ms, 1),
        "while_updating_said_updating": large,
        "after_recomputation_ms": round(after_ms, 1),
        "after_recomputation_queries": after_queries,
        "recomputation_s": round(recompute_s, 2),
        "recomputation_draft_step_s": round(step_s, 2),
        "summary_of_findings_s": round(summary_s, 2),
    }
    print(f"draft page: {figures}")
    return figures


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
    Membership.objects.get_or_create(
        umbrella=umbrella, user=owner, defaults={"role": Membership.Role.OWNER}
    )
    releases = []
    changed_outcome, stored = "", {}
    for step in (1, 2):
        if step == 2:  # one change between the releases: a review that changes a finding
            changed_outcome = add_review_changing_a_finding(umbrella, stored, owner)
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
        stored = release.figures
    first, second = umbrella.releases.order_by("number")[:2]
    began = time.perf_counter()
    changes = diff(first.figures, second.figures)
    diff_ms = 1000 * (time.perf_counter() - began)
    outcomes = changes.section("outcomes").entries
    began = time.perf_counter()
    diff(second.figures, reader_figures(umbrella))
    draft_s = time.perf_counter() - began
    umbrella = UmbrellaReview.objects.select_related("data_revision").get(pk=umbrella.pk)
    figures = {
        "project": umbrella.slug,
        "database": connection.vendor,
        "releases": releases,
        "diff_of_two_stored_releases_ms": round(diff_ms, 1),
        "change_between_releases": f"review 'Bench update 2026' added to outcome {changed_outcome}",
        "outcomes_changed": len(outcomes),
        "outcome_fields_changed": sorted({c.field for e in outcomes for c in e.changes}),
        "reviews_added": [e.key for e in changes.section("reviews").entries],
        "draft_against_latest_s": round(draft_s, 2),
        "draft": draft_views(umbrella, owner),
    }
    print(json.dumps(figures, indent=2))
    if not args.no_save:
        results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        results["releases"] = figures
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
