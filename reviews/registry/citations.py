"""Bibliographic records as files give them, and their identifiers normalised. No Django.

DOIs are case-insensitive (DOI Handbook §2.4), so they are stored lower-case and without the
resolver prefix that reference managers often keep (`https://doi.org/`, `doi:`), which makes a
plain unique constraint catch every spelling of the same DOI.

`CitationRecord` holds what every importer reads of a record (the citation-file import of
`dataio.citations` and a review's study list, `studies.study_lists`); each adds its own fields.
Both read RIS files through `read_ris`, so a RIS record means the same to both.
"""

import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import rispy

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
_PMID_SHAPE = re.compile(r"^[1-9]\d{0,8}$")


def normalize_doi(raw: str | None) -> str:
    """Return the DOI lower-cased, trimmed and without a resolver prefix ('' when empty)."""
    if not raw:
        return ""
    return _DOI_PREFIX.sub("", raw.strip()).strip().lower()


def is_valid_doi(doi: str) -> bool:
    """A normalised DOI has the `10.<registrant>/<suffix>` shape."""
    return bool(_DOI_SHAPE.match(doi))


def normalize_pmid(raw: str | int | None) -> str:
    """Return a PubMed id as digits only ('' when empty); `PMID: 123` becomes `123`."""
    if raw is None:
        return ""
    text = str(raw).strip()
    if text.lower().startswith("pmid"):
        text = text[4:].lstrip(": ").strip()
    return text


def is_valid_pmid(pmid: str) -> bool:
    return bool(_PMID_SHAPE.match(pmid))


# A word of initials, as Vancouver ("WH"), RIS ("W.", "W.H.") or hyphenated ("J-P") lists
# print them; "Jr"/"Sr" and Roman numerals after a name go with them.
_INITIALS = re.compile(r"^(?:(?:\w\.?-?){1,4}|Jr\.?|Sr\.?)$")
_ET_AL = re.compile(r"[\s,;]*\bet\.?\s+al\b\.?$", re.IGNORECASE)


def _is_initials(word: str, *, dotted: bool = False) -> bool:
    letters = word.replace(".", "").replace("-", "")
    if dotted and "." not in word:
        return False
    return bool(_INITIALS.match(word)) and (letters.isupper() or letters in {"Jr", "Sr"})


def first_author(authors: str) -> str:
    """The first author's surname as written (its capitals and particles kept), from a list
    of authors as files print them; "" when there are none.

    Vancouver 'Sledge WH, Lawless M', with semicolons 'Sledge WH; Lawless M', and RIS
    'Sledge, W. H.; Lawless, M.' -> 'Sledge'; 'van der Berg A, Li B' -> 'van der Berg';
    "O'Brien K et al." -> "O'Brien"; 'W. H. Sledge' -> 'Sledge'. An organisation, or a
    single word, is kept whole: 'World Health Organization' -> itself.
    """
    first = _ET_AL.sub("", authors.strip()).split(";", 1)[0]
    # "Surname, Given" (RIS) and "Surname INITIALS, Surname INITIALS" (Vancouver) alike: the
    # surname ends at the first comma.
    words = first.split(",", 1)[0].split()
    while len(words) > 1 and _is_initials(words[-1]):  # Vancouver: 'Sledge WH'
        words.pop()
    # Given first: only dotted initials ('W. H. Sledge'), so that 'NHS England' stays whole.
    while len(words) > 1 and _is_initials(words[0], dotted=True):
        words.pop(0)
    return " ".join(words)


def made_up_label(authors: str, year: int | None, title: str) -> str:
    """A record's label when its file gives none: 'Sledge 2011' from the first author and
    the year; without authors, the title's start stands in for the name ('Record' without
    either). The caller makes it unique in the project (`unique_label`)."""
    name = first_author(authors) or textwrap.shorten(title, 60, placeholder="…") or "Record"
    return f"{name} {year}" if year else name


def unique_label(base: str, taken: set[str], *, max_length: int = 120) -> str:
    """`base`, or `base` with the next free letter ("Smith 2019b", "Smith 2019c", …, then
    numbers), the way papers tell apart one author's works of one year; adds it to `taken`."""
    label, n = base[:max_length], 1
    while label in taken:
        n += 1
        suffix = chr(ord("a") + n - 1) if n <= 26 else f"-{n}"
        label = base[: max_length - len(suffix)] + suffix
    taken.add(label)
    return label


@dataclass(frozen=True, slots=True, kw_only=True)
class CitationRecord:
    """The fields every importer reads of one record, as plain values (DOI and PMID
    normalised, "" or None where the record has none)."""

    title: str = ""
    year: int | None = None
    journal: str = ""
    doi: str = ""
    pmid: str = ""


# The years a record may carry; the models' check constraint and every importer use these.
MIN_YEAR, MAX_YEAR = 1900, 2100
# Any four digits: a year outside the accepted range is refused by name, never dropped.
_YEAR = re.compile(r"\b(\d{4})\b")


def year_in(text: object) -> int | None:
    """The first four-digit year in a date as files print it ("2016 Nov", "2011///"); the
    caller refuses one outside MIN_YEAR–MAX_YEAR with `year_problem`."""
    match = _YEAR.search(str(text or ""))
    return int(match.group(1)) if match else None


def year_problem(year: int | None) -> str | None:
    """Why `year` cannot be stored ("is outside …", to follow the value), or None when it can
    (blank is allowed)."""
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        return f"is outside the accepted {MIN_YEAR}–{MAX_YEAR}"
    return None


def read_ris(text: str) -> list[dict[str, Any]]:
    """Each record of a RIS file (rispy) as its fields: those of `CitationRecord`, the authors
    (a list) and the volume and pages. ValueError saying why when the file has no record."""
    try:
        entries = rispy.loads(text.lstrip("\ufeff"))
    except Exception as error:  # rispy raises plain IOError / ValueError subclasses
        raise ValueError(f"not a readable RIS file: {error}") from None
    if not entries:
        raise ValueError("no RIS records (TY  - … ER  -) found")
    return [_ris_fields(entry) for entry in entries]


def _ris_fields(entry: Mapping[str, Any]) -> dict[str, Any]:
    """TI/T1 title, AU/A1 authors, PY/Y1 year, JO/T2 journal, VL volume, SP–EP pages, DO DOI,
    and AN taken as the PMID when it is all digits."""
    start, end = entry.get("start_page", ""), entry.get("end_page", "")
    accession = str(entry.get("accession_number") or "").strip()
    return {
        "title": (entry.get("title") or entry.get("primary_title") or "").strip(),
        "authors": [a.strip() for a in entry.get("authors") or entry.get("first_authors") or []],
        "year": year_in(entry.get("year") or entry.get("publication_year")),
        "journal": (entry.get("journal_name") or entry.get("secondary_title") or "").strip(),
        "volume": str(entry.get("volume") or "").strip(),
        "pages": "–".join(p for p in (start, end) if p),
        "doi": normalize_doi(entry.get("doi")),
        "pmid": accession if accession.isdigit() else "",
    }
