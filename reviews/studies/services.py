"""Writes to the primary-study registry: citation-matrix entry, merges and their undo.

Each function runs in one transaction: a bad row or a refused merge leaves nothing half-done.
Every link written or re-pointed here is recorded in the audit history (with the user of the
request, through simple-history's middleware) and bumps the row's version, as a form save does
(through the locking helper, `reviews.versioning`), and every write retires the project's
cached pages once it commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..models import (
    IncludedReview,
    Inclusion,
    NotDuplicate,
    PrimaryStudy,
    StudyMerge,
    StudyReport,
    UmbrellaReview,
)
from ..project.revisions import changed
from ..registry.citations import made_up_label, unique_label
from ..versioning import save_versioned
from .dedup import Candidate, Record, candidate_duplicates, first_author_surname, normalise_title
from .study_lists import IncomingStudy, RowProblem

AnyUser = User | AnonymousUser
_Linked = TypeVar("_Linked", Inclusion, StudyReport)


class StudyListError(Exception):
    """An upload with problems; `problems` names every bad row. Nothing was written."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class MergeError(Exception):
    """A merge or undo that cannot be done as asked; nothing was changed."""


@dataclass
class ImportReport:
    linked: list[str] = field(default_factory=list)  # labels newly included by the review
    already_linked: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # labels of studies added to the registry
    repeated_rows: list[int] = field(default_factory=list)  # rows naming a study already listed


@dataclass(frozen=True)
class StudyPair:
    """A candidate duplicate shown to a researcher: two registry studies and their scores."""

    a: PrimaryStudy
    b: PrimaryStudy
    scores: Candidate


def candidate_pairs(umbrella: UmbrellaReview) -> list[StudyPair]:
    """Active studies that may be duplicates, minus pairs already judged different (2 queries)."""
    studies = {s.pk: s for s in PrimaryStudy.objects.active().filter(umbrella=umbrella)}
    rejected = NotDuplicate.objects.filter(umbrella=umbrella).values_list("study_a", "study_b")
    records = [Record(s.pk, s.title, s.authors, s.year, s.doi, s.pmid) for s in studies.values()]
    return [
        StudyPair(studies[c.a], studies[c.b], c)
        for c in candidate_duplicates(records, exclude=rejected)
    ]


def _resolve(study: PrimaryStudy, by_id: dict[int, PrimaryStudy]) -> PrimaryStudy:
    """Follow `merged_into` to the study that stands for a merged record."""
    seen = set()
    while study.merged_into_id is not None and study.pk not in seen:
        seen.add(study.pk)
        study = by_id.get(study.merged_into_id) or PrimaryStudy.objects.get(pk=study.merged_into_id)
    return study


def _identifier_index(
    umbrella: UmbrellaReview, rows: list[IncomingStudy]
) -> tuple[dict[int, PrimaryStudy], dict[str, PrimaryStudy], dict[str, PrimaryStudy]]:
    """Registry studies by DOI and by PMID, counting the DOIs/PMIDs of their further reports."""
    dois = {r.doi for r in rows if r.doi}
    pmids = {r.pmid for r in rows if r.pmid}
    studies = PrimaryStudy.objects.filter(umbrella=umbrella)
    by_id = {s.pk: s for s in studies.filter(doi__in=dois) | studies.filter(pmid__in=pmids)}
    reports = StudyReport.objects.filter(study__umbrella=umbrella).select_related("study")
    report_rows = list(reports.filter(doi__in=dois) | reports.filter(pmid__in=pmids))
    by_id.update({rep.study.pk: rep.study for rep in report_rows})
    by_doi = {s.doi: s for s in by_id.values() if s.doi}
    by_pmid = {s.pmid: s for s in by_id.values() if s.pmid}
    for rep in report_rows:
        if rep.doi:
            by_doi.setdefault(rep.doi, rep.study)
        if rep.pmid:
            by_pmid.setdefault(rep.pmid, rep.study)
    return by_id, by_doi, by_pmid


def _title_key(title: str, year: int | None, authors: str) -> tuple[str, int | None, str]:
    return normalise_title(title), year, first_author_surname(authors)


def _identity(row: IncomingStudy) -> tuple[Any, ...]:
    """What makes two rows of one upload the same new study: DOI, else PMID, else title key."""
    if row.doi:
        return ("doi", row.doi)
    if row.pmid:
        return ("pmid", row.pmid)
    return ("title", *_title_key(row.title, row.year, row.authors))


@transaction.atomic
def import_review_studies(
    *, review: IncludedReview, rows: list[IncomingStudy], create_missing: bool
) -> ImportReport:
    """Include the listed studies in `review`, matched to the registry.

    A row matches a registry study by normalised DOI, else PMID (a further report's DOI or
    PMID matches its study), else, for rows without identifiers, by identical normalised
    title, year and first author. A merged record stands for the study it was merged into.
    Unmatched rows are created when `create_missing` (they need a title), otherwise each is
    a problem. Any problem raises `StudyListError` and nothing is written.
    """
    umbrella = review.umbrella
    problems: list[RowProblem] = []
    by_id, by_doi, by_pmid = _identifier_index(umbrella, rows)
    years = {r.year for r in rows if not (r.doi or r.pmid)}
    by_title = {
        _title_key(s.title, s.year, s.authors): s
        for s in PrimaryStudy.objects.active().filter(umbrella=umbrella, year__in=years)
    }
    labels = set(PrimaryStudy.objects.filter(umbrella=umbrella).values_list("label", flat=True))
    matched: dict[int, PrimaryStudy] = {}  # row number -> study
    to_create: dict[tuple[Any, ...], tuple[int, PrimaryStudy]] = {}  # identity -> (row, study)
    for row in rows:
        by_doi_hit, by_pmid_hit = by_doi.get(row.doi), by_pmid.get(row.pmid)
        hits = {s.pk: s for s in (by_doi_hit, by_pmid_hit) if s is not None}
        hits = {_resolve(s, by_id).pk: _resolve(s, by_id) for s in hits.values()}
        if len(hits) > 1:
            problems.append(
                RowProblem(
                    row.row,
                    "doi",
                    "the DOI and the PMID name different "
                    f"registry studies ({', '.join(s.label for s in hits.values())})",
                )
            )
            continue
        if not hits and not (row.doi or row.pmid):
            found = by_title.get(_title_key(row.title, row.year, row.authors))
            if found is not None:
                hits = {found.pk: found}
        if hits:
            matched[row.row] = next(iter(hits.values()))
            continue
        if not create_missing:
            what = row.identifier or f"title {row.title[:80]!r}"
            problems.append(RowProblem(row.row, "identifier", f"{what} is not in the registry"))
            continue
        if not row.title:
            problems.append(
                RowProblem(
                    row.row,
                    "title",
                    f"{row.identifier} is not in the "
                    "registry and the row has no title to create it from",
                )
            )
            continue
        identity = _identity(row)
        if identity in to_create:
            continue
        # A label of the file is the user's (a clash is a problem); a made-up one is made
        # unique, as labels are per project.
        made_up = made_up_label(row.authors, row.year, row.title)
        study = PrimaryStudy(
            umbrella=umbrella,
            label=row.label or unique_label(made_up, labels),
            **row.study_fields(),
        )
        try:
            study.full_clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                problems += [RowProblem(row.row, name, m) for m in messages]
            continue
        to_create[identity] = (row.row, study)
    if problems:
        raise StudyListError(problems)

    report = ImportReport()
    for _first_row, new_study in to_create.values():
        save_versioned(new_study, loaded_version=None)
        report.created.append(new_study.label)
    wanted: dict[int, PrimaryStudy] = {}
    for row in rows:
        study = matched.get(row.row) or to_create[_identity(row)][1]
        if study.pk in wanted:
            report.repeated_rows.append(row.row)
        wanted[study.pk] = study
    existing = set(review.inclusions.filter(study__in=wanted).values_list("study_id", flat=True))
    bulk_create_with_history(
        [Inclusion(review=review, study=s) for pk, s in wanted.items() if pk not in existing],
        Inclusion,
    )
    report.linked = sorted(s.label for pk, s in wanted.items() if pk not in existing)
    report.already_linked = sorted(s.label for pk, s in wanted.items() if pk in existing)
    changed(umbrella)
    return report


@transaction.atomic
def set_review_studies(*, review: IncludedReview, study_ids: set[int]) -> tuple[int, int]:
    """Make the review include exactly the ticked registry studies; returns (added, removed).

    Only active studies of the same umbrella review can be ticked; inclusions kept in place
    on merged records by a merge are left alone (the undo needs them).
    """
    allowed = set(
        PrimaryStudy.objects.active()
        .filter(umbrella_id=review.umbrella_id, pk__in=study_ids)
        .values_list("pk", flat=True)
    )
    unknown = study_ids - allowed
    if unknown:
        raise StudyListError(
            [RowProblem(0, "studies", f"not active studies of this project: {sorted(unknown)}")]
        )
    current = set(
        review.inclusions.filter(study__merged_into__isnull=True).values_list("study_id", flat=True)
    )
    # Deleting through the ORM sends a signal per row, so each removal is recorded.
    removed, _ = review.inclusions.filter(study_id__in=current - allowed).delete()
    bulk_create_with_history(
        [Inclusion(review=review, study_id=pk) for pk in allowed - current], Inclusion
    )
    changed(review.umbrella_id)
    return len(allowed - current), removed


@transaction.atomic
def merge_studies(
    *, kept: PrimaryStudy, merged: PrimaryStudy, user: AnyUser | None = None, reason: str = ""
) -> StudyMerge:
    """Record that `merged` is the same study as `kept`, keeping every link and report.

    `merged`'s inclusions move to `kept`, except where the review already includes `kept`
    (those stay in place on the hidden record: one review, one cell). Its further reports
    move too; `merged` itself is kept with `merged_into` set. Undo with `undo_merge`.
    """
    locked = {
        s.pk: s
        for s in PrimaryStudy.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk])
    }
    if kept.pk == merged.pk:
        raise MergeError("A study cannot be merged into itself.")
    kept, merged = locked[kept.pk], locked[merged.pk]
    if kept.umbrella_id != merged.umbrella_id:
        raise MergeError("The two studies belong to different umbrella reviews.")
    for study in (kept, merged):
        if study.merged_into_id is not None:
            raise MergeError(f"{study.label} has already been merged into another study.")
    kept_reviews = set(kept.inclusions.values_list("review_id", flat=True))
    moved: list[int] = []
    shadowed: list[int] = []
    for pk, review_id in merged.inclusions.values_list("pk", "review_id").order_by("pk"):
        (shadowed if review_id in kept_reviews else moved).append(pk)
    _repoint(Inclusion.objects.filter(pk__in=moved), study=kept)
    kept_titles = set(kept.reports.values_list("title", flat=True))
    reports = [
        pk
        for pk, title in merged.reports.values_list("pk", "title").order_by("pk")
        if title not in kept_titles
    ]
    _repoint(StudyReport.objects.filter(pk__in=reports), study=kept)
    merged.merged_into = kept
    save_versioned(merged, loaded_version=merged.version, update_fields=["merged_into"])
    return StudyMerge.objects.create(
        umbrella_id=kept.umbrella_id,
        kept=kept,
        merged=merged,
        merged_by=user if user is not None and user.is_authenticated else None,
        reason=reason[:200],
        moved_inclusions=moved,
        shadowed_inclusions=shadowed,
        moved_reports=reports,
    )


@transaction.atomic
def undo_merge(*, merge: StudyMerge, user: AnyUser | None = None) -> StudyMerge:
    """Put back what `merge` moved and show the merged record again; the merge stays recorded."""
    merge = StudyMerge.objects.select_for_update().select_related("kept", "merged").get(pk=merge.pk)
    if merge.is_undone:
        raise MergeError("This merge has already been undone.")
    if merge.kept.merged_into_id is not None:
        raise MergeError(
            f"{merge.kept.label} has since been merged into another study: undo that merge first."
        )
    _repoint(
        Inclusion.objects.filter(pk__in=merge.moved_inclusions, study=merge.kept),
        study=merge.merged,
    )
    _repoint(
        StudyReport.objects.filter(pk__in=merge.moved_reports, study=merge.kept),
        study=merge.merged,
    )
    merge.merged.merged_into = None
    save_versioned(merge.merged, loaded_version=merge.merged.version, update_fields=["merged_into"])
    merge.undone_at = timezone.now()
    merge.undone_by = user if user is not None and user.is_authenticated else None
    merge.save(update_fields=["undone_at", "undone_by"])
    return merge


def _repoint(rows: QuerySet[_Linked], *, study: PrimaryStudy) -> None:
    """Move rows to another study: a new version of each, recorded in its history."""
    moved = list(rows.select_for_update())
    for row in moved:
        # Locked above, so the next version is the stored one plus one (concrete values, as
        # their history records copy them).
        row.study = study
        row.version += 1
    bulk_update_with_history(moved, rows.model, ["study", "version"])
    changed(study.umbrella_id)


def reject_candidate(
    *, a: PrimaryStudy, b: PrimaryStudy, user: AnyUser | None = None
) -> NotDuplicate:
    """Record that two proposed records are different studies, so they are not proposed again."""
    if a.umbrella_id != b.umbrella_id or a.pk == b.pk:
        raise MergeError("Choose two different studies of the same umbrella review.")
    low, high = sorted([a, b], key=lambda s: s.pk)
    decision, _ = NotDuplicate.objects.get_or_create(
        study_a=low,
        study_b=high,
        defaults={
            "umbrella_id": a.umbrella_id,
            "decided_by": user if user is not None and user.is_authenticated else None,
        },
    )
    changed(a.umbrella_id)
    return decision
