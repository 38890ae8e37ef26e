"""The import report as people read it: a plain-text table of problems and a summary."""

from __future__ import annotations

from .read import Problem
from .service import ImportResult

HEADER = ("sheet", "row", "column", "value", "reason")


def _clip(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def problem_table(problems: list[Problem]) -> str:
    rows = [HEADER] + [
        (p.sheet, "" if p.row is None else str(p.row), p.column, _clip(p.value, 30), p.reason)
        for p in problems
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for number, row in enumerate(rows):
        lines.append(
            "  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True))
            + "  "
            + row[4]
        )
        if number == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 6)
    return "\n".join(lines)


def summary_lines(result: ImportResult) -> list[str]:
    total = result.totals()
    mode = "Dry run (nothing written)" if result.dry_run else "Imported"
    lines = [
        f"{mode}: {result.rows:,} rows of {result.path} into '{result.project}'.",
        f"{'sheet':<22}{'created':>10}{'updated':>10}{'unchanged':>11}{'skipped':>10}",
    ]
    for name, c in result.counts.items():
        lines.append(
            f"{name:<22}{c.created:>10,}{c.updated:>10,}{c.unchanged:>11,}{c.skipped:>10,}"
        )
    lines.append(
        f"Total: {total.created:,} created, {total.updated:,} updated, "
        f"{total.unchanged:,} unchanged, {total.skipped:,} skipped."
    )
    if total.skipped:
        lines.append("Skipped rows differ from the database: run with --update to update them.")
    return lines
