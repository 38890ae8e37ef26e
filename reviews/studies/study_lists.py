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
import re
from dataclasses import dataclass, field

import rispy

from ..registry.citations import is_valid_doi, is_valid_pmid, normalize_doi, normalize_pmid

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
_YEAR = re.compile(r"(1[9]\d\d|20\d\d|2100)")


@dataclass(frozen=True, slots=True)
class IncomingStudy:
    row: int  # 1-based line (CSV, counting the header), record (RIS) or line (pasted)
    title: str = ""
    label: str = ""
    authors: str = ""
    year: int | None = None
    doi: str = ""
    pmid: str = ""
    journal: str = ""
    design: str = ""
    country: str = ""
    n_participants: int | None = None
    trial_registration: str = ""

    @property
    def identifier(self) -> str:
        return f"DOI {self.doi}" if self.doi else f"PMID {self.pmid}" if self.pmid else ""


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
        entries = rispy.loads(text.lstrip("\ufeff"))
    except Exception as error:  # rispy raises plain IOError/ValueError subclasses
        parsed.problems.append(RowProblem(1, "file", f"not a readable RIS file: {error}"))
        return parsed
    if not entries:
        parsed.problems.append(RowProblem(1, "file", "no RIS records (TY  - ... ER  -) found"))
    for number, entry in enumerate(entries, start=1):
        authors = entry.get("authors") or entry.get("first_authors") or []
        title = entry.get("title") or entry.get("primary_title") or ""
        doi = normalize_doi(entry.get("doi"))
        accession = str(entry.get("accession_number") or "").strip()
        pmid = accession if accession.isdigit() else ""
        problems = _identifier_problems(number, doi, pmid)
        year_text = str(entry.get("year") or entry.get("publication_year") or "")
        match = _YEAR.search(year_text)
        if not (doi or pmid or title):
            problems.append(RowProblem(number, "title", "a record needs a DO, AN or TI field"))
        parsed.add(
            IncomingStudy(
                number,
                title=title.strip(),
                authors="; ".join(a.strip() for a in authors),
                year=int(match.group(1)) if match else None,
                doi=doi,
                pmid=pmid,
                journal=(entry.get("journal_name") or entry.get("secondary_title") or "").strip(),
            ),
            problems,
        )
    return parsed
