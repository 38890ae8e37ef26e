"""Print benchmarks/results.json as tables (pages side by side, computations, load test)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


def ratio(a: float, b: float) -> str:
    return f"{b / a:.1f}×" if a else "–"


def cold(figures: dict) -> str:
    """The median time with the caches emptied first (figures from before it was measured
    have none)."""
    return f"{figures['cold_ms']:.0f}" if "cold_ms" in figures else "–"


def page_rows(pages: dict) -> list[list[str]]:
    rows = []
    for page, sizes in pages.items():
        small, large = sizes.get("fixture"), sizes.get("large")
        if not small or not large:
            continue
        rows.append(
            [
                page,
                f"{small['median_ms']:.0f}",
                f"{small['p95_ms']:.0f}",
                cold(small),
                str(small["queries"]),
                f"{small['db_ms']:.1f}",
                f"{large['median_ms']:.0f}",
                f"{large['p95_ms']:.0f}",
                cold(large),
                str(large["queries"]),
                f"{large['db_ms']:.1f}",
                ratio(small["median_ms"], large["median_ms"]),
                ratio(small["queries"], large["queries"]),
            ]
        )
    return rows


PAGE_HEADER = [
    "page",
    "fixture median ms",
    "p95",
    "cold",
    "queries",
    "DB ms",
    "large median ms",
    "p95",
    "cold",
    "queries",
    "DB ms",
    "time large/fixture",
    "queries large/fixture",
]


def table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]

    def line(cells):
        return "  ".join(
            str(c).rjust(w) if i else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def render(results: dict, markdown: bool = False) -> str:
    out = []
    m = results.get("machine", {})
    if m:
        out.append(
            f"Machine: {m['cpus']} cores, {m['memory_gb']} GB RAM; {m['database']}; "
            f"Python {m['python']}; DEBUG={m['debug']}; {m['date']}"
        )
    for line in results.get("generation", []):
        out.append(line)
    if "pages" in results:
        out += ["", table(PAGE_HEADER, page_rows(results["pages"]), markdown)]
    if "computations" in results:
        rows = [
            [name, f"{v['median_ms']:.0f}", str(v["n"])]
            for name, v in results["computations"].items()
        ]
        out += ["", table(["computation on large", "median ms", "runs"], rows, markdown)]
    loads = [x for x in (results.get("load"), results.get("load_members")) if x]
    if loads:
        rows = [[
            load.get("readers", "anonymous readers"),
            str(load["concurrency"]), f"{load['duration_s']:.0f}", str(load["requests"]),
            f"{load['rps']:.1f}", f"{load['p50_ms']:.0f}", f"{load['p95_ms']:.0f}",
            f"{load['p99_ms']:.0f}", str(load["errors"]),
        ] for load in loads]  # fmt: skip
        header = ["who", "readers", "seconds", "requests", "req/s", "p50 ms", "p95 ms",
                  "p99 ms", "errors"]  # fmt: skip
        load = loads[0]
        out += ["", f"HTTP load test: {load['server']}; pages: {', '.join(load['pages'])}"]
        out += [table(header, rows, markdown)]
        for load in loads:
            if "load_average_1min" in load:
                before, after = load["load_average_1min"]
                out += [f"{load['readers']}: {load['date']}, machine load average (1 min) "
                        f"{before:.1f} at the start, {after:.1f} at the end"]  # fmt: skip
        if "ratio_to_anonymous" in loads[-1]:
            out += ["", f"Members / anonymous throughput: {loads[-1]['ratio_to_anonymous']:.0%}"]
    after = results.get("after_write")
    if after:
        rows = [
            [name, f"{v['updating_ms']:.0f}", f"{v['warm_ms']:.0f}", f"{v['cold_ms']:.0f}"]
            for name, v in after["pages"].items()
        ]
        header = ["page after a write (large)", "while recomputing ms", "after ms",
                  "no recompute (cold) ms"]  # fmt: skip
        out += ["", table(header, rows, markdown)]
        out += [f"Background recomputation of every page: {after['recompute_s']:.1f} s"]
    if "coherence" in results:
        out += ["", coherence_line(results["coherence"])]
    if "releases" in results:
        out += ["", *release_lines(results["releases"], markdown)]
    imported = results.get("import")
    if imported:
        out += ["", import_line(imported)]
    return "\n".join(out)


def release_lines(figures: dict, markdown: bool) -> list[str]:
    """Time to publish each release and what it stores (bench_releases.py)."""
    rows = [
        [
            str(r["number"]),
            f"{r['publish_s']:.1f}",
            f"{r.get('load_average_1min', '–')}",
            f"{r['workbook_bytes']:,}",
            f"{r['figures_json_bytes']:,}",
            f"{sum(r['copy_rows'].values()):,}",
            f"{r['database_growth_bytes'] / 1e6:.0f}" if r.get("database_growth_bytes") else "–",
        ]
        for r in figures["releases"]
    ]
    header = ["release of " + figures["project"], "publish s", "load avg", "workbook bytes",
              "figures JSON bytes", "copy rows", "database growth MB"]  # fmt: skip
    checks = [
        f"release {r['number']}: {c['typed_rows_s']:.1f} s (typed rows) instead of "
        f"{c['workbook_again_s']:.1f} s (its workbook written again)"
        for r in figures["releases"]
        if (c := r.get("copy_check"))
    ]
    lines = [
        table(header, rows, markdown),
        *(["The frozen copy's check: " + "; ".join(checks)] if checks else []),
        f"Diff of two stored releases: {figures['diff_of_two_stored_releases_ms']:.1f} ms; "
        f"draft against the latest release: {figures['draft_against_latest_s']:.1f} s",
    ]
    if "outcome_fields_changed" in figures:  # runs from before it reported the change only
        lines.append(
            f"Change between them ({figures['change_between_releases']}): "
            f"{figures['outcomes_changed']} outcome(s) changed, in "
            + ", ".join(figures["outcome_fields_changed"])
        )
    if "draft" in figures:  # the draft page with its figures kept per data revision
        d = figures["draft"]
        lines.append(
            f"Draft page (load {d['load_average_1min']}): computed on the view "
            f"{d['computed_on_the_view_ms']:,} ms; repeated view {d['repeated_view_median_ms']} ms "
            f"({d['repeated_view_queries']} queries); publish form {d['publish_form_ms']} ms; "
            f"while a write is recomputed {d['while_updating_ms']} ms; after it "
            f"{d['after_recomputation_ms']} ms; the recomputation's draft step "
            f"{d['recomputation_draft_step_s']} s"
        )
    return lines


def coherence_line(check: dict) -> str:
    verdict = "coherent" if check["coherent"] else "NOT coherent"
    return (
        f"Two servers ({check['servers']}): a write through one read through the other at once:"
        f" {verdict} ({check['checks']} writes, first read after each {check['max_read_ms']:.0f}"
        " ms at most)"
    )


def import_line(figures: dict) -> str:
    """The workbook importer against loaddata of the same rows (benchmarks/bench_import.py)."""
    line = (
        f"Workbook import (scale {figures['scale']:g}): {figures['rows']:,} rows in "
        f"{figures['import_s']:.1f} s ({figures['rows_per_s']:,} rows/s, with "
        f"{figures['history_records']:,} history records)"
    )
    if "loaddata_s" in figures:
        line += f"; loaddata {figures['loaddata_s']:.1f} s (no history)"
        line += f"; {figures['ratio']:.1f}× faster"
    return f"{line}; {figures['database']}"


if __name__ == "__main__":
    if not RESULTS.exists():
        sys.exit(f"No {RESULTS}: run benchmarks/run.sh first.")
    print(render(json.loads(RESULTS.read_text()), markdown="--markdown" in sys.argv))
