"""Normalising bibliographic identifiers. Pure functions, no Django imports.

DOIs are case-insensitive (DOI Handbook §2.4), so they are stored lower-case and without the
resolver prefix that reference managers often keep (`https://doi.org/`, `doi:`), which makes a
plain unique constraint catch every spelling of the same DOI.
"""

import re

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
