"""Reading a metaumbrella CSV into study rows, naming every bad cell (file, row, column, value,
why). Nothing here touches the database: `dataio.metaumbrella.service` matches and writes.

Rows are numbered as a spreadsheet shows them (the header is row 1). A row holds counts
(`n_cases_exp`, `n_cases_nexp` with `n_exp`/`n_nexp` or `n_controls_exp`/`n_controls_nexp`),
means (`mean_cases`, `sd_cases`, `n_cases`, `mean_controls`, `sd_controls`, `n_controls`) or
an estimate (`value`, `ci_lo`, `ci_up`), checked first in that order (docs/exchange.md).
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from reviews.formulas import unescape_formula
from synthesis.study_data import StudyRow, row_problems

from ..workbook.read import Problem
from .columns import (
    AMSTAR_CODES,
    AMSTAR_RATINGS,
    COLUMNS,
    COUNT_COLUMNS,
    FROM_MEASURE,
    LOG_MEASURES,
    MANDATORY,
    MEASURES,
    NUMBER_COLUMNS,
    OTHER_MEASURES,
    RATIOS,
    ROB_VALUES,
    TEXT_COLUMNS,
    join_label,
    number_text,
)

# metaumbrella columns that change what a row means; the app cannot honour them, so a value
# in one refuses the file rather than import something else than metaumbrella would analyse.
UNSUPPORTED = (
    "multiple_es",
    "reverse_es",
    "shared_controls",
    "shared_nexp",
    "analysis",
    "discard",
    "r",
    "time",
    "time_exp",
    "time_nexp",
)
# Our field → the column a problem with it is shown on.
FIELD_COLUMNS = {
    "events1": "n_cases_exp",
    "events2": "n_cases_nexp",
    "n1": "n_exp",
    "n2": "n_nexp",
    "mean1": "mean_cases",
    "sd1": "sd_cases",
    "mean2": "mean_controls",
    "sd2": "sd_controls",
    "estimate": "value",
    "ci_low": "ci_lo",
    "ci_high": "ci_up",
    "se": "se",
    "reported_measure": "measure",
    "kind": "measure",
}
CONTINUOUS_COLUMNS = (
    "mean_cases",
    "sd_cases",
    "n_cases",
    "mean_controls",
    "sd_controls",
    "n_controls",
)
ACCEPTED = ", ".join([*MEASURES.values(), *LOG_MEASURES])


@dataclass
class StudyLine:
    """One checked row: where it goes and its data."""

    number: int
    meta_review: str
    factor: str
    label: str
    measure: str  # ours (synthesis.findings.Measure value)
    amstar: str  # a PublishedRating value, or "" (blank)
    row: StudyRow


@dataclass
class ReadResult:
    lines: list[StudyLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored: dict[str, int] = field(default_factory=dict)  # column → values not stored
    rows: int = 0


class _Row:
    """The cells of one row, reporting each bad one once."""

    def __init__(self, name: str, number: int, cells: dict[str, str], problems: list[Problem]):
        self.name, self.number, self.cells, self.problems = name, number, cells, problems
        self.bad = False

    def text(self, column: str) -> str:
        raw = (self.cells.get(column) or "").strip()
        return unescape_formula(raw) if column in TEXT_COLUMNS else raw

    def problem(self, column: str, reason: str, value: str | None = None) -> None:
        shown = self.text(column) if value is None else value
        self.problems.append(Problem(self.name, self.number, column, shown, reason))
        self.bad = True

    def number_in(self, column: str) -> float | None:
        text = self.text(column)
        if text.upper() in ("", "NA"):
            return None
        try:
            value = float(text)
        except ValueError:
            self.problem(column, "Not a number.")
            return None
        if not math.isfinite(value):
            self.problem(column, "Must be a finite number.")
            return None
        if column in COUNT_COLUMNS:
            if value < 0 or not value.is_integer():
                self.problem(column, "A number of participants must be a whole number ≥ 0.")
                return None
            return int(value)  # integer columns: PostgreSQL's COPY takes no "40.0"
        return value


def _binary(row: _Row, v: dict[str, float | None]) -> dict[str, float | None] | None:
    cases_exp, cases_nexp = v["n_cases_exp"], v["n_cases_nexp"]
    if cases_exp is None or cases_nexp is None:
        return None
    arms: dict[str, float | None] = {}
    for arm, cases, total, controls in (
        ("1", cases_exp, v["n_exp"], v["n_controls_exp"]),
        ("2", cases_nexp, v["n_nexp"], v["n_controls_nexp"]),
    ):
        n_col = "n_exp" if arm == "1" else "n_nexp"
        if controls is None:
            if total is None:
                row.problem(n_col, f"Counts need {n_col} or n_controls_{n_col[2:]} beside cases.")
                continue
        elif total is None:
            total = cases + controls
        elif total != cases + controls:
            row.problem(
                n_col, f"{n_col} ({total:g}) is not cases + controls ({cases:g} + {controls:g})."
            )
            continue
        arms[f"events{arm}"], arms[f"n{arm}"] = cases, total
    return arms


def _continuous(row: _Row, v: dict[str, float | None]) -> dict[str, float | None] | None:
    if v["mean_cases"] is None and v["mean_controls"] is None:
        return None
    missing = [c for c in CONTINUOUS_COLUMNS if v[c] is None]
    for column in missing:
        row.problem(column, "Means need the mean, SD and n of both groups.")
    if missing:
        return None
    names = ("mean1", "sd1", "n1", "mean2", "sd2", "n2")
    return dict(zip(names, (v[c] for c in CONTINUOUS_COLUMNS), strict=True))


def _estimate(
    row: _Row, v: dict[str, float | None], measure: str, log: bool
) -> dict[str, float | None]:
    """An estimate with its 95% CI, its SE (of the log for a ratio, as metaumbrella reads
    `se`) or, for an SMD or G, the group sizes alone; group sizes ride along when given
    (`n_cases`/`n_controls` for differences, `n_exp`/`n_nexp` for ratios)."""
    value, low, high, se = v["value"], v["ci_lo"], v["ci_up"], v["se"]
    if value is None:
        row.problem(
            "value",
            "No data the app can store: give counts (n_cases_exp, n_cases_nexp, "
            "n_exp, n_nexp), means (mean_cases, sd_cases, n_cases, mean_controls, "
            "sd_controls, n_controls) or value with ci_lo and ci_up or with se.",
        )
        return {}
    if low is not None and high is not None and low > high:
        row.problem("ci_lo", f"The CI is reversed: ci_lo ({low:g}) is above ci_up ({high:g}).")
        return {}
    if log:  # logOR, logRR, logHR: the app keeps ratios as printed (se stays on the log)
        value = math.exp(value)
        low, high = (None if x is None else math.exp(x) for x in (low, high))
    arms = ("n_exp", "n_nexp") if measure in RATIOS else ("n_cases", "n_controls")
    return {
        "estimate": value, "ci_low": low, "ci_high": high, "se": se,
        "n1": v[arms[0]], "n2": v[arms[1]],
    }  # fmt: skip


def _line(row: _Row) -> StudyLine | None:
    for column in MANDATORY:
        if not row.text(column):
            row.problem(column, "Required by metaumbrella; this cell is empty.")
    spelt = row.text("measure")
    measure = FROM_MEASURE.get(spelt) or LOG_MEASURES.get(spelt)
    if spelt and measure is None:
        known = (
            " (a metaumbrella measure the app has no counterpart for)"
            if spelt in OTHER_MEASURES
            else ""
        )
        row.problem("measure", f"Unknown measure{known}; the app imports {ACCEPTED}.")
    rob = row.text("rob")
    if rob and rob.lower() not in ROB_VALUES:
        row.problem("rob", "metaumbrella's risk of bias is high, unclear, some or low.")
    amstar_text, amstar = row.text("amstar"), ""
    if amstar_text:
        code = row.number_in("amstar")
        amstar = AMSTAR_RATINGS.get(code, "") if code is not None else ""
        if code is not None and not amstar:
            row.problem(
                "amstar",
                "Not an AMSTAR 2 code of the app: 4 high, 3 moderate, 2 low, "
                "1.5 low or critically low, 1 critically low.",
            )
    for column in UNSUPPORTED:
        if row.text(column):
            row.problem(
                column,
                f"The app cannot honour metaumbrella's {column} column; "
                "remove it or leave it empty.",
            )
    values = {c: row.number_in(c) for c in COLUMNS if c in NUMBER_COLUMNS and c != "amstar"}
    if row.bad or measure is None:
        return None
    data = _binary(row, values)
    kind = "binary"
    if data is None:
        data, kind = _continuous(row, values), "continuous"
    if data is None:
        data, kind = _estimate(row, values, measure, spelt in LOG_MEASURES), "estimate"
    if row.bad:
        return None
    label = join_label(row.text("author"), row.text("year"))
    # The kind's number fields by name; typed Any because StudyRow also has non-number fields
    # (study, reverse) that mypy would otherwise match them against.
    numbers: dict[str, Any] = dict(data or {})
    study = StudyRow(label=label, kind=kind, **numbers)
    for name, message in row_problems(study, measure):
        row.problem(FIELD_COLUMNS.get(name, name), message)
    if row.bad:
        return None
    return StudyLine(
        row.number, row.text("meta_review"), row.text("factor"), label, measure, amstar, study
    )


def _consistency(result: ReadResult, name: str) -> None:
    """What metaumbrella requires across rows: one measure per factor, one AMSTAR rating per
    review, and each study once per factor (it pools author + year together)."""
    measures: dict[tuple[str, str], str] = {}
    ratings: dict[str, str] = {}
    seen: set[tuple[str, str, str]] = set()

    def refuse(line: StudyLine, column: str, value: str, reason: str) -> None:
        result.problems.append(Problem(name, line.number, column, value, reason))

    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for line in result.lines:
        counts[(line.meta_review, line.factor)][line.measure] += 1
    # A factor's measure is its rows' most common one (the first on a tie); the other rows
    # keep theirs as `reported_measure` and are converted (synthesis.harmonise), or refused.
    measures.update({key: found.most_common(1)[0][0] for key, found in counts.items()})
    for line in result.lines:
        key = (line.meta_review, line.factor)
        first = measures[key]
        if line.measure != first:
            line.row = replace(line.row, reported_measure=line.measure)
            line.measure = first
            for field_name, message in row_problems(line.row, first):
                column = FIELD_COLUMNS.get(field_name, field_name)
                reason = f"Factor '{line.factor}' uses {MEASURES[first]}: {message}"
                refuse(line, column, MEASURES[line.row.reported_measure], reason)
        if line.amstar != ratings.setdefault(line.meta_review, line.amstar):
            reason = f"meta_review '{line.meta_review}' has another amstar value on an earlier row."
            refuse(line, "amstar", number_text(AMSTAR_CODES.get(line.amstar)), reason)
        if (*key, line.label) in seen:
            reason = (
                f"'{line.label}' is already in factor '{line.factor}' (metaumbrella would need "
                "multiple_es; the app keeps one row per study and outcome result)."
            )
            refuse(line, "author", line.label, reason)
        seen.add((*key, line.label))


def read_metaumbrella(text: str, *, name: str) -> ReadResult:
    """Every row of the CSV checked; `name` is the file's name as the problems show it."""
    result = ReadResult()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in MANDATORY if c not in header]
    if missing:
        for column in missing:
            result.problems.append(
                Problem(
                    name,
                    1,
                    column,
                    "",
                    "Required column missing (metaumbrella's mandatory columns: "
                    f"{', '.join(MANDATORY)}).",
                )
            )
        return result
    ignored: dict[str, int] = defaultdict(int)
    for number, cells in enumerate(reader, start=2):
        result.rows += 1
        row = _Row(name, number, cells, result.problems)
        line = _line(row)
        if line is not None:
            result.lines.append(line)
        for column in header:
            stored = column in COLUMNS and column != "rob"  # no per-study risk of bias here
            if not stored and column not in UNSUPPORTED and row.text(column):
                ignored[column] += 1
    result.ignored = dict(ignored)
    if not result.problems:
        _consistency(result, name)
    return result
