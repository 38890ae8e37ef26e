"""Importing a citation matrix in ccaR's layout: the overlap page's `matrix.csv`, read back.

The layout (`reviews.overlap.selectors.matrix_rows`): a header `study`, then one column per
included review (its label); one row per primary study, its label (the export adds the
study's id in brackets, "Sledge 2011 [42]", so equal labels stay apart), then `1` where the
review includes the study, `0` where not, blank where the study is structurally missing.

Columns must name the project's included reviews. A row names a primary study by its id (when
the bracketed id is one of this project's studies with that label), else by its label; a label
the project does not know becomes a new primary study (title = label). Only `1` cells write:
an inclusion link is added where there is none yet (a `0` never removes one), so importing an
exported matrix changes nothing. Every problem is named by file, row, column, value and reason,
and nothing is written unless there are none.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from reviews import csvfiles
from reviews.formulas import unescape_formula
from reviews.models import IncludedReview, Inclusion, PrimaryStudy, UmbrellaReview
from reviews.project.revisions import changed

from .workbook import bulk
from .workbook.read import Problem
from .workbook.write import Checked, Counts

_ID = re.compile(r"^(?P<label>.*?)\s*\[(?P<id>\d+)\]$")


class MatrixImport(Checked):
    """What checking (and importing) a matrix found."""


class _Matrix:
    def __init__(self, umbrella: UmbrellaReview, name: str):
        self.umbrella, self.name = umbrella, name
        self.result = MatrixImport()
        self.reviews = {r.label: r.pk for r in IncludedReview.objects.filter(umbrella=umbrella)}
        studies = PrimaryStudy.objects.filter(umbrella=umbrella, merged_into__isnull=True)
        self.by_id = dict(studies.values_list("pk", "label"))
        self.by_label: dict[str, list[int]] = {}
        for pk, label in self.by_id.items():
            self.by_label.setdefault(label, []).append(pk)
        self.links = set(
            Inclusion.objects.filter(review__umbrella=umbrella).values_list("review_id", "study_id")
        )

    def problem(self, row: int | None, column: str, value: str, reason: str) -> None:
        self.result.problems.append(Problem(self.name, row, column, value, reason))

    def columns(self, header: list[str]) -> list[int | None]:
        if not header or header[0].strip().lower() != "study":
            self.problem(
                1,
                header[0] if header else "",
                header[0] if header else "",
                "The first column must be 'study' (ccaR's citation-matrix layout).",
            )
            return []
        review_ids: list[int | None] = []
        for label in (unescape_formula(cell.strip()) for cell in header[1:]):
            review_ids.append(self.reviews.get(label))
            if label not in self.reviews:
                self.problem(1, label, label, "No included review of the project has this label.")
            elif header.count(label) > 1:
                self.problem(1, label, label, "This review has two columns.")
        return review_ids

    def study(self, number: int, cell: str) -> tuple[int | None, str]:
        """The study a row names: (its id, or None for a new one; its label)."""
        text = unescape_formula(cell.strip())
        match = _ID.match(text)
        label = match["label"] if match else text
        if not label:
            self.problem(number, "study", cell, "The study label is empty.")
        elif match and self.by_id.get(int(match["id"])) == label:
            return int(match["id"]), label
        elif len(self.by_label.get(label, [])) > 1:
            self.problem(
                number,
                "study",
                cell,
                "Several primary studies have this label; "
                "add the id in brackets as the export writes it.",
            )
        elif label in self.by_label:
            return self.by_label[label][0], label
        return None, label


def _read(matrix: _Matrix, text: str) -> tuple[list[str], list[tuple[int, list[int]]]]:
    """The new study labels, and per row (its study's id, or -n for the n-th new study; the
    reviews of its 1 cells)."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    review_ids = matrix.columns(rows[0] if rows else [])
    if not review_ids or matrix.result.problems:
        return [], []
    seen: dict[str, int] = {}
    new_labels: list[str] = []
    planned: list[tuple[int, list[int]]] = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        matrix.result.rows += 1
        if len(cells) != len(review_ids) + 1:
            matrix.problem(number, "", "", f"{len(cells)} cells for {len(review_ids) + 1} columns.")
            continue
        study_id, label = matrix.study(number, cells[0])
        key = str(study_id) if study_id is not None else label
        if key in seen:
            matrix.problem(number, "study", cells[0], f"The same study as row {seen[key]}.")
        seen[key] = number
        includes = []
        for review_id, header, cell in zip(review_ids, rows[0][1:], cells[1:], strict=True):
            value = cell.strip()
            if value not in ("1", "0", ""):
                matrix.problem(number, header, value, "A cell is 1 (included), 0 or blank.")
            elif value == "1" and review_id is not None:
                includes.append(review_id)
        if study_id is None and label:
            new_labels.append(label)
        planned.append((study_id if study_id is not None else -len(new_labels), includes))
    return new_labels, planned


def import_matrix(
    path: Path, *, umbrella: UmbrellaReview, dry_run: bool = False, user: Any = None, name: str = ""
) -> MatrixImport:
    """Check the matrix at `path` and (unless a dry run) add its studies and links, all or none."""
    matrix = _Matrix(umbrella, name or Path(path).name)
    try:
        text = csvfiles.read_text(path)
    except UnicodeDecodeError as error:
        matrix.problem(None, "", "", f"Not UTF-8 text ({error.reason}).")
        return matrix.result
    new_labels, planned = _read(matrix, text)
    if matrix.result.problems:
        return matrix.result
    user = user if user is not None and user.is_authenticated else None
    when, reason = timezone.now(), f"citation matrix import {matrix.name}"
    user_id = getattr(user, "pk", None)
    with transaction.atomic():
        new = bulk.insert(
            PrimaryStudy, [{"umbrella_id": umbrella.pk, "label": s, "title": s} for s in new_labels]
        )
        bulk.record_history(
            PrimaryStudy, new, history_type="+", when=when, user_id=user_id, reason=reason
        )
        links = []
        for study, includes in planned:
            study_id = new[-study - 1] if study < 0 else study
            links += [(r, study_id) for r in includes if (r, study_id) not in matrix.links]
        pks = bulk.insert(Inclusion, [{"review_id": r, "study_id": s} for r, s in links])
        bulk.record_history(
            Inclusion, pks, history_type="+", when=when, user_id=user_id, reason=reason
        )
        matrix.result.counts = {
            "primary_studies": Counts(created=len(new), unchanged=len(planned) - len(new)),
            "inclusions": Counts(
                created=len(pks), unchanged=sum(map(len, (i for _, i in planned))) - len(pks)
            ),
        }
        if pks or new:
            changed(umbrella)
        if dry_run:
            transaction.set_rollback(True)
    return matrix.result
