"""docs/methods.md's conventions table: every line names a test that exists, and the preset
values it names are the presets' own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from synthesis.stats import METAUMBRELLA, OURS

ROOT = Path(__file__).resolve().parents[2]
HEADING = "## Conventions: ours, metafor/meta, metaumbrella"


def conventions_rows() -> list[list[str]]:
    text = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    section = text.split(HEADING, 1)[1].split("\n\n|", 1)[1]
    table = ("|" + section).split("\n\n", 1)[0]
    lines = [line for line in table.splitlines() if line.startswith("|")]
    # a cell may contain an escaped pipe (\|), which is not a column separator
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines[2:]]


def test_every_conventions_line_names_an_existing_test():
    rows = conventions_rows()
    topics = [row[0] for row in rows]
    for expected in ("τ² estimator", "I² and its CI", "prediction interval", "largest study",
                     "excess significance", "SE from a CI", "dependent effects", "conversions",
                     "MH and zero cells", "CI of the pooled effect"):  # fmt: skip
        assert expected in topics
    for row in rows:
        assert len(row) == 5, row
        named = re.findall(r"`([\w/]+\.py)::(\w+)`", row[4])
        assert named, f"no test named for {row[0]!r}"
        for filename, test_name in named:
            tree = ast.parse((ROOT / "tests" / "synthesis" / filename).read_text("utf-8"))
            functions = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
            assert test_name in functions, f"{filename}::{test_name} (line {row[0]!r})"


def test_the_conventions_table_names_the_presets_fields_with_their_values():
    """Every `field="value"` the metaumbrella column names is METAUMBRELLA's value of that
    field, and OURS has another one: the table says what the switch really changes."""
    named: dict[str, str] = {}
    for row in conventions_rows():
        named.update(re.findall(r'`(\w+)="([^"]+)"`', row[3]))
    assert set(named) == {
        "prediction_interval",
        "largest_study",
        "excess_significance",
        "se_from_ci",
    }
    for field, value in named.items():
        assert getattr(METAUMBRELLA, field) == value, field
        assert getattr(OURS, field) != value, field
    # the one convention both presets share, as the notes under the table say
    assert OURS.dependent_outcomes_r == METAUMBRELLA.dependent_outcomes_r == 0.5
