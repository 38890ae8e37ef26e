"""Reading a review's list of included studies: pasted identifiers, CSV or RIS. No Django.

Every row either becomes an `IncomingStudy` or a `RowProblem` naming the row and the field;
nothing is skipped silently. Matching against the registry and writing happen in
`studies.services.import_review_studies`.

CSV: a header row, then one study per row. Recognised columns (any case, any order):
label, title, authors, year, doi, pmid, journal, design, country, n_participants,
trial_registration. A row needs a DOI, a PMID or a title.
RIS: every record (TY ... ER); TI/T1 title, AU/A1 authors, PY/Y1 year, DO DOI, JO/T2 journal,
AN accession number taken as PMID when it is all digits.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, fields

from ..registry.citations import (
    CitationRecord,
    is_valid_doi,
    is_valid_pmid,
    normalize_doi,
    normalize_pmid,
    read_ris,
    year_problem,
)

CSV_COLUMNS = (
    "label",
    "title",
    "authors",
    "year",
    "doi",
    "pmid",
    "journal",
    "design",
    "country",
    "n_participants",
    "trial_registration",
)
DESIGNS = ("rct", "cluster_rct", "non_randomised", "cohort", "qualitative", "other")
_NOT_COPIED = frozenset({"row", "label"})


@dataclass(frozen=True, slots=True)
class IncomingStudy(CitationRecord):
    """One study of the list: the fields every importer reads, and the study's own."""

    row: int  # 1-based line (CSV, counting the header), record (RIS) or line (pasted)
    label: str = ""
    authors: str = ""
    design: str = ""
    country: str = ""
    n_participants: int | None = None
    trial_registration: str = ""

    @property
    def identifier(self) -> str:
        return f"DOI {self.doi}" if self.doi else f"PMID {self.pmid}" if self.pmid else ""

    def study_fields(self) -> dict[str, object]:
        """What a registry study made from this row takes from it: every field of the same
        name, its label aside (made up when the row has none) and the row number."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NOT_COPIED}


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.field}: {self.message}"


@dataclass
class ParsedList:
    studies: list[IncomingStudy] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    def add(self, study: IncomingStudy, problems: list[RowProblem]) -> None:
        """The row's study, or its problems if it has any: a row with a problem is left out."""
        if problems:
            self.problems += problems
        else:
            self.studies.append(study)


def _identifier_problems(row: int, doi: str, pmid: str) -> list[RowProblem]:
    problems = []
    if doi and not is_valid_doi(doi):
        problems.append(RowProblem(row, "doi", f"{doi!r} is not a DOI (10.<registrant>/<suffix>)"))
    if pmid and not is_valid_pmid(pmid):
        problems.append(RowProblem(row, "pmid", f"{pmid!r} is not a PubMed id (digits only)"))
    return problems


def parse_identifiers(text: str) -> ParsedList:
    """One DOI or PMID per line (blank lines ignored); `doi:`/URL prefixes and `PMID:` allowed."""
    parsed = ParsedList()
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.strip().strip(",;")
        if not value:
            continue
        pmid = normalize_pmid(value)
        if is_valid_pmid(pmid):
            parsed.studies.append(IncomingStudy(number, pmid=pmid))
            continue
        doi = normalize_doi(value)
        if is_valid_doi(doi):
            parsed.studies.append(IncomingStudy(number, doi=doi))
        else:
            parsed.problems.append(
                RowProblem(number, "identifier", f"{value!r} is neither a DOI nor a PubMed id")
            )
    return parsed


def _int_or_problem(row: int, name: str, raw: str, problems: list[RowProblem]) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit():
        problems.append(RowProblem(row, name, f"{raw!r} is not a whole number"))
        return None
    return int(raw)


def parse_csv(text: str) -> ParsedList:
    parsed = ParsedList()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
    if not headers.keys() & {"doi", "pmid", "title"}:
        parsed.problems.append(
            RowProblem(
                1,
                "header",
                "needs a 'doi', 'pmid' or 'title' column; columns are: " + ", ".join(CSV_COLUMNS),
            )
        )
        return parsed
    for number, raw in enumerate(reader, start=2):
        if None in raw:
            parsed.problems.append(RowProblem(number, "row", "more cells than header columns"))
            continue
        cells = {
            name: (raw.get(headers[name]) or "").strip() for name in CSV_COLUMNS if name in headers
        }
        if not any(cells.values()):
            continue
        problems: list[RowProblem] = []
        doi, pmid = normalize_doi(cells.get("doi")), normalize_pmid(cells.get("pmid"))
        problems += _identifier_problems(number, doi, pmid)
        year = _int_or_problem(number, "year", cells.get("year", ""), problems)
        n = _int_or_problem(number, "n_participants", cells.get("n_participants", ""), problems)
        design = cells.get("design", "").lower()
        if design and design not in DESIGNS:
            problems.append(
                RowProblem(number, "design", f"{design!r} is not one of " + ", ".join(DESIGNS))
            )
        if not (doi or pmid or cells.get("title")):
            problems.append(RowProblem(number, "title", "a row needs a DOI, a PMID or a title"))
        parsed.add(
            IncomingStudy(
                number,
                title=cells.get("title", ""),
                label=cells.get("label", ""),
                authors=cells.get("authors", ""),
                year=year,
                doi=doi,
                pmid=pmid,
                journal=cells.get("journal", ""),
                design=design,
                country=cells.get("country", ""),
                n_participants=n,
                trial_registration=cells.get("trial_registration", ""),
            ),
            problems,
        )
    return parsed


def parse_ris(text: str) -> ParsedList:
    parsed = ParsedList()
    try:
        records = read_ris(text)
    except ValueError as error:
        parsed.problems.append(RowProblem(1, "file", str(error)))
        return parsed
    for number, record in enumerate(records, start=1):
        title, doi, pmid = record["title"], record["doi"], record["pmid"]
        problems = _identifier_problems(number, doi, pmid)
        if not (doi or pmid or title):
            problems.append(RowProblem(number, "title", "a record needs a DO, AN or TI field"))
        if problem := year_problem(record["year"]):
            problems.append(RowProblem(number, "year", f"{record['year']} {problem}"))
        parsed.add(
            IncomingStudy(
                number,
                title=title,
                authors="; ".join(record["authors"]),
                year=record["year"],
                doi=doi,
                pmid=pmid,
                journal=record["journal"],
            ),
            problems,
        )
    return parsed
