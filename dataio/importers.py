"""What each kind of upload is: its name on the upload form, the suffixes it takes, and what
its report calls the parts of the file and the rows it writes.

One declaration read by the upload form, the status page and the downloadable problem report,
so a page never says "Sheet" of a file that has none: the workbook's problems are in sheets,
a metaumbrella or ccaR file is one table whose problems are in the file itself, a citation
file is a list of records.
"""

from dataclasses import dataclass

CITATION_SUFFIXES = (".ris", ".bib", ".nbib", ".txt")


@dataclass(frozen=True)
class Importer:
    kind: str  # ImportJob.kind
    label: str  # the upload form's choice
    suffixes: tuple[str, ...]
    part: str  # what a problem's first column names ("Sheet", "File"; a citation's "Record")
    written: str  # what the rows of "what the import does" are: sheets, or the project's tables

    @property
    def problems_by(self) -> str:
        """How the problem table is ordered, for its caption: a one-table file needs no part."""
        return "row and column" if self.part == "File" else f"{self.part.lower()}, row and column"

    @property
    def report_column(self) -> str:
        """The problem report's first CSV column (lower case, like the others)."""
        return self.part.lower()


IMPORTERS = {
    importer.kind: importer
    for importer in (
        Importer(
            "workbook",
            "Project workbook (.xlsx, or a .zip / .csv of CSV sheets)",
            (".xlsx", ".zip", ".csv"),
            part="Sheet",
            written="Sheet",
        ),
        Importer(
            "reviews",
            "Citation file of included reviews (.ris, .bib, .nbib)",
            CITATION_SUFFIXES,
            part="Record",
            written="Record",
        ),
        Importer(
            "studies",
            "Citation file of primary studies (.ris, .bib, .nbib)",
            CITATION_SUFFIXES,
            part="Record",
            written="Record",
        ),
        Importer(
            "metaumbrella",
            "Study-level data in metaumbrella's format (.csv)",
            (".csv",),
            part="File",
            written="Table",
        ),
        Importer(
            "ccar_matrix",
            "Citation matrix in ccaR's layout (.csv, as the overlap page downloads it)",
            (".csv",),
            part="File",
            written="Table",
        ),
    )
}
