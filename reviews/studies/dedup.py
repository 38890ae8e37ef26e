"""Candidate duplicate primary-study records. Pure Python + rapidfuzz, no Django imports.

Records sharing a normalised DOI or PMID are the same study and never reach this module: the
database refuses a second record with the same identifier, and imports match on them. What is
left are records without a shared identifier (conference abstracts, theses, old papers); for
those we *propose* pairs whose normalised titles are near-identical and whose first authors and
years agree, and a researcher confirms or rejects each. Nothing here merges anything.

Method: titles are case-folded, stripped of accents, punctuation and extra spaces, then
compared with rapidfuzz's `token_sort_ratio` (0-100, insensitive to word order). Comparisons
are blocked by publication year (the same or the next year, since a study's abstract and its
paper often differ by one), so the work grows with the size of each year, not with r².
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..registry.citations import first_author

TITLE_THRESHOLD = 90.0  # per cent similarity of normalised titles
AUTHOR_THRESHOLD = 85.0  # per cent similarity of first-author surnames
MAX_YEAR_GAP = 1

_NON_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Record:
    """What the matcher needs of one primary-study record."""

    id: int
    title: str
    authors: str = ""
    year: int | None = None
    doi: str = ""
    pmid: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    """Two records that may be one study; `a` has the lower id."""

    a: int
    b: int
    title_score: float
    author_score: float | None  # None when either record has no authors
    year_gap: int | None  # None when either record has no year


def normalise_title(title: str) -> str:
    """Lower-case, accents and punctuation removed, single spaces: 'Peer-Support: a RCT.' ->
    'peer support a rct'."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _NON_WORD.sub(" ", text).replace("_", " ")
    return _SPACES.sub(" ", text).strip()


def first_author_surname(authors: str) -> str:
    """The first author's surname (`registry.citations.first_author`), normalised as titles
    are: 'Sledge WH; Lawless M' -> 'sledge'; 'van der Berg A, Li B' -> 'van der berg'. Empty
    when there are no authors."""
    return normalise_title(first_author(authors))


def _has_distinct_identifiers(x: Record, y: Record) -> bool:
    # Two different DOIs (or PMIDs) are two different papers: not a candidate here. Two
    # papers of one study are grouped by hand as study reports, not by this matcher.
    return bool((x.doi and y.doi and x.doi != y.doi) or (x.pmid and y.pmid and x.pmid != y.pmid))


def _blocks(records: Sequence[Record]) -> Iterable[tuple[list[Record], list[Record]]]:
    """(left, right) groups to compare: each year with itself and the next; no-year with all."""
    by_year: dict[int | None, list[Record]] = defaultdict(list)
    for record in records:
        by_year[record.year].append(record)
    years = sorted(year for year in by_year if year is not None)
    for year in years:
        yield by_year[year], by_year[year]
        for gap in range(1, MAX_YEAR_GAP + 1):
            if year + gap in by_year:
                yield by_year[year], by_year[year + gap]
    if None in by_year:
        yield by_year[None], list(records)


def candidate_duplicates(
    records: Iterable[Record],
    *,
    title_threshold: float = TITLE_THRESHOLD,
    author_threshold: float = AUTHOR_THRESHOLD,
    exclude: Iterable[tuple[int, int]] = (),
) -> list[Candidate]:
    """Pairs of records that are probably one study, best title match first.

    A pair is proposed when its normalised titles score >= `title_threshold`, its first-author
    surnames score >= `author_threshold` (or either is missing), its years differ by at most
    one (or either is missing), and the two records do not carry different DOIs or PMIDs.
    Pairs in `exclude` (given as (lower id, higher id), e.g. rejected earlier) are skipped.
    """
    items = list(records)
    skip = {(min(a, b), max(a, b)) for a, b in exclude}
    titles = {r.id: normalise_title(r.title) for r in items}
    surnames = {r.id: first_author_surname(r.authors) for r in items}
    found: dict[tuple[int, int], Candidate] = {}
    for left, right in _blocks(items):
        scores = process.cdist(
            [titles[r.id] for r in left],
            [titles[r.id] for r in right],
            scorer=fuzz.token_sort_ratio,
            score_cutoff=title_threshold,
        )
        for i, j in zip(*scores.nonzero(), strict=True):
            x, y = left[int(i)], right[int(j)]
            key = (min(x.id, y.id), max(x.id, y.id))
            if x.id == y.id or key in found or key in skip or _has_distinct_identifiers(x, y):
                continue
            author_score = None
            if surnames[x.id] and surnames[y.id]:
                author_score = fuzz.ratio(surnames[x.id], surnames[y.id])
                if author_score < author_threshold:
                    continue
            gap = abs(x.year - y.year) if x.year is not None and y.year is not None else None
            if gap is not None and gap > MAX_YEAR_GAP:
                continue
            found[key] = Candidate(*key, float(scores[i, j]), author_score, gap)
    return sorted(found.values(), key=lambda c: (-c.title_score, c.a, c.b))
