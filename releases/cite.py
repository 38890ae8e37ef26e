"""Cite this version: a release as BibTeX (written by bibtexparser) and as CSL-JSON.

Both carry the project's title, the release's version and date, the URL of the release's page
and, when the project records them, its DOI and how to cite the umbrella review itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import bibtexparser
from bibtexparser.model import Entry, Field

PUBLISHER = "Umbrella-review evidence database"

# Characters LaTeX reads as commands; escaped so that any title survives a BibTeX run.
_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_RE = re.compile("|".join(re.escape(c) for c in _LATEX))


@dataclass(frozen=True)
class Citable:
    """What a citation of one release says."""

    slug: str
    title: str
    version: int
    issued: date
    url: str
    doi: str = ""
    note: str = ""  # the project's own "how to cite"

    @property
    def key(self) -> str:
        return f"{re.sub(r'[^A-Za-z0-9]+', '_', self.slug)}_v{self.version}"


def _latex(text: str) -> str:
    return _LATEX_RE.sub(lambda m: _LATEX[m.group(0)], text)


def bibtex(item: Citable) -> str:
    """A @misc entry (biblatex reads its `version` field; BibTeX keeps the note)."""
    fields = [
        # Double braces keep the title's capitals as written.
        Field("title", "{" + _latex(item.title) + "}"),
        Field("version", str(item.version)),
        Field("year", str(item.issued.year)),
        Field("month", str(item.issued.month)),
        Field("date", item.issued.isoformat()),
        Field("publisher", PUBLISHER),
        Field("url", item.url),
        Field("note", _latex(f"Release {item.version} of {item.issued:%d %B %Y}")),
    ]
    if item.doi:
        fields.append(Field("doi", item.doi))
    if item.note:
        fields.append(Field("addendum", _latex(item.note)))
    return bibtexparser.write_string(bibtexparser.Library([Entry("misc", item.key, fields)]))


def csl_json(item: Citable) -> str:
    """A one-item CSL-JSON list (Zotero, citeproc and pandoc read it)."""
    record: dict[str, object] = {
        "id": item.key,
        "type": "dataset",
        "title": item.title,
        "version": str(item.version),
        "issued": {"date-parts": [[item.issued.year, item.issued.month, item.issued.day]]},
        "publisher": PUBLISHER,
        "URL": item.url,
    }
    if item.doi:
        record["DOI"] = item.doi
    if item.note:
        record["note"] = item.note
    return json.dumps([record], indent=2, ensure_ascii=False) + "\n"
