"""Importing reviews or primary studies from RIS, BibTeX or PubMed (MEDLINE/.nbib) files.

Parsers: rispy for RIS and bibtexparser 2 (the stable major version) for BibTeX, both
maintained; MEDLINE has no small maintained parser (Biopython's `Bio.Medline` would bring all
of Biopython), and its format is simple — a four-character tag, a dash, a value, with
continuation lines indented by six spaces — so `parse_medline` reads it here.

Records are matched against the project by DOI, then PMID: a match is reported, never
changed; new records are created (all in one transaction); a record that cannot be used is
skipped with its reason. A file that cannot be read at all raises `CitationFileError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import bibtexparser
from django.core.exceptions import ValidationError
from django.db import transaction

from reviews.models import (
    IncludedReview,
    PrimaryStudy,
    ReviewType,
    UmbrellaReview,
)
from reviews.project.revisions import changed
from reviews.registry.citations import (
    CitationRecord,
    made_up_label,
    normalize_doi,
    normalize_pmid,
    read_ris,
    unique_label,
    year_in,
    year_problem,
)

KINDS = ("reviews", "studies")
FORMATS = ("ris", "bibtex", "medline")
_MEDLINE_LINE = re.compile(r"^([A-Z][A-Z0-9 ]{1,3})- ?(.*)$")


class CitationFileError(ValueError):
    """The file cannot be read as the format it claims to be; nothing was written."""


@dataclass(frozen=True)
class Record(CitationRecord):
    """One record of a citation file: its position (from 1), the fields every importer reads,
    and the authors (one name each), volume and pages."""

    number: int
    authors: list[str] = field(default_factory=list)
    volume: str = ""
    pages: str = ""


def parse_ris(text: str) -> list[Record]:
    try:
        records = read_ris(text)
    except ValueError as error:
        raise CitationFileError(str(error)) from None
    return [Record(number, **fields) for number, fields in enumerate(records, start=1)]


def parse_bibtex(text: str) -> list[Record]:
    library = bibtexparser.parse_string(text)
    if library.failed_blocks:
        block = library.failed_blocks[0]
        line = getattr(block, "start_line", None)
        where = f" at line {line + 1}" if isinstance(line, int) else ""
        raise CitationFileError(f"not readable BibTeX{where}: {type(block).__name__}")
    if not library.entries:
        raise CitationFileError("no BibTeX entries (@article{…}) found")
    records = []
    for number, entry in enumerate(library.entries, start=1):
        fields = {f.key.lower(): str(f.value).strip() for f in entry.fields}
        authors = [a.strip() for a in fields.get("author", "").split(" and ") if a.strip()]
        records.append(
            Record(
                number,
                title=fields.get("title", "").strip("{} "),
                authors=authors,
                year=year_in(fields.get("year")),
                journal=fields.get("journal", ""),
                volume=fields.get("volume", ""),
                pages=fields.get("pages", "").replace("--", "–"),
                doi=normalize_doi(fields.get("doi")),
                pmid=normalize_pmid(fields.get("pmid")),
            )
        )
    return records


def _medline_fields(text: str) -> list[list[tuple[str, str]]]:
    records: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.rstrip()
        if not line:
            if current:
                records.append(current)
                current = []
            continue
        if line.startswith("      ") and current:  # a continuation line
            tag, value = current[-1]
            current[-1] = (tag, f"{value} {line.strip()}")
            continue
        match = _MEDLINE_LINE.match(line)
        if not match:
            raise CitationFileError(
                f"line {number} is not MEDLINE ('TAG - value' expected): {line[:40]!r}"
            )
        current.append((match.group(1).strip(), match.group(2).strip()))
    if current:
        records.append(current)
    return records


def parse_medline(text: str) -> list[Record]:
    """PubMed's MEDLINE format (also saved as .nbib): PMID, TI, AU, DP, TA/JT, VI, PG, LID/AID."""
    records = []
    for number, fields in enumerate(_medline_fields(text), start=1):
        values: dict[str, list[str]] = {}
        for tag, value in fields:
            values.setdefault(tag, []).append(value)
        if "PMID" not in values and "TI" not in values:
            raise CitationFileError(f"record {number} has neither PMID nor TI: not MEDLINE")
        doi = next(
            (
                v.split(" [")[0]
                for v in values.get("LID", []) + values.get("AID", [])
                if "[doi]" in v
            ),
            "",
        )
        first = {tag: found[0] for tag, found in values.items()}.get
        records.append(
            Record(
                number,
                title=first("TI", ""),
                authors=values.get("AU", []),
                year=year_in(first("DP", "")),
                journal=first("TA", "") or first("JT", ""),
                volume=first("VI", ""),
                pages=first("PG", "").replace("-", "–"),
                doi=normalize_doi(doi),
                pmid=normalize_pmid(first("PMID", "")),
            )
        )
    if not records:
        raise CitationFileError("no MEDLINE records (PMID- …) found")
    return records


PARSERS = {"ris": parse_ris, "bibtex": parse_bibtex, "medline": parse_medline}


def guess_format(filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()
    formats = {
        "ris": "ris",
        "bib": "bibtex",
        "bibtex": "bibtex",
        "nbib": "medline",
        "txt": "medline",
    }
    if suffix not in formats:
        raise CitationFileError(f"unknown citation file type '.{suffix}' (use .ris, .bib or .nbib)")
    return formats[suffix]


@dataclass
class CitationReport:
    created: list[str] = field(default_factory=list)
    matched: list[tuple[int, str]] = field(default_factory=list)  # (record, existing label)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (record, reason)


def _authors(names: list[str]) -> str:
    """The authors in one field, read back by `first_author`: semicolons between names that
    carry their own comma ("Sledge, W. H.; Lawless, M."), else Vancouver's commas."""
    return ("; " if any("," in name for name in names) else ", ").join(names)


def _label(record: Record, taken: set[str]) -> str:
    base = made_up_label(_authors(record.authors), record.year, record.title)
    return unique_label(base, taken)


def import_citations(
    umbrella: UmbrellaReview, records: list[Record], *, kind: str, dry_run: bool = False
) -> CitationReport:
    """Create the new records as included reviews or primary studies, matching by DOI/PMID."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    model = IncludedReview if kind == "reviews" else PrimaryStudy
    existing = model.objects.filter(umbrella=umbrella)
    by_doi = dict(existing.exclude(doi="").values_list("doi", "label"))
    by_pmid = dict(existing.exclude(pmid="").values_list("pmid", "label"))
    taken = set(existing.values_list("label", flat=True))
    report, seen = CitationReport(), dict[str, int]()
    new: list[Any] = []  # of `model`: IncludedReview or PrimaryStudy
    for record in records:
        match = by_doi.get(record.doi) if record.doi else None
        match = match or (by_pmid.get(record.pmid) if record.pmid else None)
        if match:
            report.matched.append((record.number, match))
            continue
        ids = [
            i
            for i in (record.doi and f"doi:{record.doi}", record.pmid and f"pmid:{record.pmid}")
            if i
        ]
        duplicate = next((seen[i] for i in ids if i in seen), None)
        if duplicate:
            report.skipped.append((record.number, f"same DOI/PMID as record {duplicate}"))
            continue
        if not record.title:
            report.skipped.append((record.number, "no title"))
            continue
        if problem := year_problem(record.year):
            reason = (
                f"the year {record.year} of '{record.title[:80]}' {problem}: correct it in the file"
            )
            report.skipped.append((record.number, reason))
            continue
        fields = {
            "umbrella": umbrella,
            "title": record.title,
            "authors": _authors(record.authors),
            "year": record.year,
            "journal": record.journal[:300],
            "volume": record.volume[:50],
            "pages": record.pages[:50],
            "doi": record.doi,
            "pmid": record.pmid,
        }
        if kind == "reviews":
            fields["review_type"] = ReviewType.OTHER
            fields["review_type_note"] = "Imported from a citation file: set the review type."
        instance = model(label=_label(record, taken), **fields)
        try:
            instance.clean_fields(exclude=["umbrella"])
            instance.clean()
        except ValidationError as error:
            reasons = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            report.skipped.append((record.number, reasons))
            continue
        seen.update(dict.fromkeys(ids, record.number))
        new.append(instance)
        report.created.append(instance.label)
    if not dry_run:
        with transaction.atomic():
            model.objects.bulk_create(new)
            changed(umbrella)
    return report
