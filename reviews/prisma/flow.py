"""PRISMA 2020 flow diagram: the arithmetic that ties its counts together, and an SVG drawing.

Pure Python, no Django imports. Layout and box wording follow the PRISMA 2020 flow diagram for
new systematic reviews which included searches of databases, registers and other sources
(Page MJ, McKenzie JE, Bossuyt PM, et al. BMJ 2021;372:n71, Figure 1). A count that is not
reported stays `None`: it is drawn as "not reported" and every equation that needs it is
skipped, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from xml.sax.saxutils import escape

NOT_REPORTED = "not reported"


@dataclass(frozen=True)
class PrismaCounts:
    """The numbers of one PRISMA 2020 flow; `None` means not reported."""

    # Identification via databases and registers
    databases: int | None = None
    registers: int | None = None
    duplicates_removed: int | None = None
    automation_removed: int | None = None
    other_removed: int | None = None
    # Screening
    screened: int | None = None
    screened_excluded: int | None = None
    sought: int | None = None
    not_retrieved: int | None = None
    assessed: int | None = None
    excluded: int | None = None
    excluded_by_reason: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    # Identification via other methods (websites, organisations, citation searching)
    other_identified: int | None = None
    other_sought: int | None = None
    other_not_retrieved: int | None = None
    other_assessed: int | None = None
    other_excluded: int | None = None
    # Included
    studies_included: int | None = None
    reports_included: int | None = None

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "excluded_by_reason":
                bad = {reason: n for reason, n in value.items() if not _count(n)}
                if bad:
                    raise ValueError(f"excluded_by_reason: counts must be whole numbers ≥ 0: {bad}")
            elif value is not None and not _count(value):
                raise ValueError(f"{item.name}: {value!r} is not a whole number ≥ 0")


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@dataclass(frozen=True)
class Equation:
    """`left = right`, with `right` the sum of signed terms; checked only when all are known."""

    name: str
    left: str
    terms: tuple[tuple[int, str], ...]

    def describe(self) -> str:
        right = " ".join(
            f"{'+' if sign > 0 else '−'} {term}" if index else (term if sign > 0 else f"−{term}")
            for index, (sign, term) in enumerate(self.terms)
        )
        return f"{self.left} = {right}"


EQUATIONS: tuple[Equation, ...] = (
    Equation(
        "records screened",
        "screened",
        (
            (1, "databases"),
            (1, "registers"),
            (-1, "duplicates_removed"),
            (-1, "automation_removed"),
            (-1, "other_removed"),
        ),
    ),
    Equation("reports sought", "sought", ((1, "screened"), (-1, "screened_excluded"))),
    Equation("reports assessed", "assessed", ((1, "sought"), (-1, "not_retrieved"))),
    Equation(
        "reports assessed (other methods)",
        "other_assessed",
        ((1, "other_sought"), (-1, "other_not_retrieved")),
    ),
    Equation(
        "reports included",
        "reports_included",
        ((1, "assessed"), (-1, "excluded"), (1, "other_assessed"), (-1, "other_excluded")),
    ),
)


def _value(counts: PrismaCounts, name: str) -> int | None:
    value: int | None = getattr(counts, name)
    return value


def check(counts: PrismaCounts) -> list[str]:
    """Every equation of the flow that the reported counts break, each named with its numbers.

    An equation is checked only when all its counts are reported, except that the other-
    methods branch counts as zero when none of its counts is reported at all (a review that
    searched databases only). Also: the exclusions by reason must add up to the reports
    excluded, and a review cannot include more studies than reports.
    """
    problems = []
    no_other_branch = all(
        _value(counts, name) is None
        for name in ("other_identified", "other_sought", "other_not_retrieved", "other_assessed")
    )
    for equation in EQUATIONS:
        names = [equation.left, *(term for _, term in equation.terms)]
        values = {name: _value(counts, name) for name in names}
        if no_other_branch:
            values.update({n: 0 for n in ("other_assessed", "other_excluded") if n in values})
        optional = {"registers", "automation_removed", "other_removed"}
        for name in optional & values.keys():
            if values[name] is None and values.get("databases") is not None:
                values[name] = 0  # a box left empty in a database-only search means none
        reported = {name: value for name, value in values.items() if value is not None}
        if len(reported) < len(values):
            continue
        expected = sum(sign * reported[term] for sign, term in equation.terms)
        if reported[equation.left] != expected:
            numbers = " ".join(f"{'+' if s > 0 else '−'} {reported[t]}" for s, t in equation.terms)
            problems.append(
                f"{equation.name}: {equation.describe()} fails "
                f"({reported[equation.left]} ≠ {numbers.lstrip('+ ')} = {expected})"
            )
    reasons_total = sum(counts.excluded_by_reason.values())
    has_reasons = bool(counts.excluded_by_reason) and counts.excluded is not None
    if has_reasons and reasons_total != counts.excluded:
        problems.append(
            f"reports excluded: excluded = sum of the reasons fails "
            f"({counts.excluded} ≠ {reasons_total})"
        )
    studies, reports = counts.studies_included, counts.reports_included
    if studies is not None and reports is not None and studies > reports:
        problems.append(
            f"included: studies included ≤ reports included fails ({studies} > {reports})"
        )
    return problems


# --------------------------------------------------------------------------------------
# SVG
# --------------------------------------------------------------------------------------

BOX_WIDTH, LINE_HEIGHT, PADDING, INDENT = 380, 17, 10, 14
COLUMNS = {"main": 210, "side": 630, "other": 1050}


def _shown(value: int | None) -> str:
    return NOT_REPORTED if value is None else f"{value:,}"


@dataclass(frozen=True)
class _Box:
    column: str
    lines: tuple[str, ...]

    @property
    def height(self) -> int:
        return 2 * PADDING + LINE_HEIGHT * len(self.lines)


def _boxes(
    counts: PrismaCounts, unit: str = "studies"
) -> list[tuple[_Box, _Box | None, _Box | None]]:
    """Rows of (main column, exclusions beside it, other methods) boxes; each has a main box."""
    reasons = [f"  {reason} (n = {n:,})" for reason, n in counts.excluded_by_reason.items()]
    return [
        (
            _Box(
                "main",
                (
                    "Records identified from:",
                    f"  Databases (n = {_shown(counts.databases)})",
                    f"  Registers (n = {_shown(counts.registers)})",
                ),
            ),
            _Box(
                "side",
                (
                    "Records removed before screening:",
                    f"  Duplicate records (n = {_shown(counts.duplicates_removed)})",
                    f"  Marked ineligible by automation (n = {_shown(counts.automation_removed)})",
                    f"  Removed for other reasons (n = {_shown(counts.other_removed)})",
                ),
            ),
            _Box(
                "other",
                (
                    "Records identified from other methods",
                    "(websites, organisations, citation searching)",
                    f"  (n = {_shown(counts.other_identified)})",
                ),
            ),
        ),
        (
            _Box("main", (f"Records screened (n = {_shown(counts.screened)})",)),
            _Box("side", (f"Records excluded (n = {_shown(counts.screened_excluded)})",)),
            None,
        ),
        (
            _Box("main", (f"Reports sought for retrieval (n = {_shown(counts.sought)})",)),
            _Box("side", (f"Reports not retrieved (n = {_shown(counts.not_retrieved)})",)),
            _Box(
                "other",
                (
                    f"Reports sought for retrieval (n = {_shown(counts.other_sought)})",
                    f"Reports not retrieved (n = {_shown(counts.other_not_retrieved)})",
                ),
            ),
        ),
        (
            _Box("main", (f"Reports assessed for eligibility (n = {_shown(counts.assessed)})",)),
            _Box("side", (f"Reports excluded (n = {_shown(counts.excluded)})", *reasons)),
            _Box(
                "other",
                (
                    f"Reports assessed for eligibility (n = {_shown(counts.other_assessed)})",
                    f"Reports excluded (n = {_shown(counts.other_excluded)})",
                ),
            ),
        ),
        (
            _Box(
                "main",
                (
                    f"{unit.capitalize()} included in review "
                    f"(n = {_shown(counts.studies_included)})",
                    f"Reports of included {unit} (n = {_shown(counts.reports_included)})",
                ),
            ),
            None,
            None,
        ),
    ]


def flow_svg(
    counts: PrismaCounts, *, title: str = "PRISMA 2020 flow diagram", unit: str = "studies"
) -> str:
    """The flow diagram as a standalone SVG document, every count written as text.

    `unit` names what was included: "studies" in a systematic review, "reviews" in an
    umbrella review, whose included studies are reviews.
    """
    parts: list[str] = []
    y = 50
    previous_main: int | None = None
    previous_other: int | None = None
    for row in _boxes(counts, unit):
        row_height = max(box.height for box in row if box is not None)
        for box in row:
            if box is None:
                continue
            x = COLUMNS[box.column] - BOX_WIDTH // 2
            parts.append(
                f'<rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{box.height}" '
                f'rx="4" class="box box-{box.column}"/>'
            )
            for index, line in enumerate(box.lines):
                ty = y + PADDING + LINE_HEIGHT * (index + 1) - 4
                # Sub-lines are indented by position: SVG collapses leading spaces.
                tx = x + PADDING + (INDENT if line.startswith("  ") else 0)
                parts.append(f'<text x="{tx}" y="{ty}">{escape(line.strip())}</text>')
            if box.column == "side":
                main_right = COLUMNS["main"] + BOX_WIDTH // 2
                arrow_y = y + row_height // 2
                parts.append(_arrow(main_right, arrow_y, x, arrow_y))
        if previous_main is not None:
            parts.append(_arrow(COLUMNS["main"], previous_main, COLUMNS["main"], y))
        if previous_other is not None and row[2] is not None:
            parts.append(_arrow(COLUMNS["other"], previous_other, COLUMNS["other"], y))
        previous_main = y + row[0].height
        if row[2] is not None:
            previous_other = y + row[2].height
        y += row_height + 40
    width, height = COLUMNS["other"] + BOX_WIDTH // 2 + 20, y
    style = (
        "text{font:13px system-ui,sans-serif;fill:#1d2430}"
        ".box{fill:#fff;stroke:#1f5f99;stroke-width:1.5}.box-side{fill:#f6f7f9}"
        ".box-other{fill:#eef4fb}.arrow{stroke:#5b6473;stroke-width:1.5;marker-end:url(#head)}"
        ".title{font-weight:700;font-size:15px}"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="prisma-title">'
        f'<title id="prisma-title">{escape(title)}</title><style>{style}</style>'
        '<defs><marker id="head" markerWidth="8" markerHeight="8" refX="7" refY="4" '
        'orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#5b6473"/></marker></defs>'
        f'<text x="10" y="25" class="title">{escape(title)}</text>' + "".join(parts) + "</svg>"
    )


def _arrow(x1: int, y1: int, x2: int, y2: int) -> str:
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="arrow"/>'
