"""Publishing releases: the stored record, its immutability, and the change between two."""

import hashlib
import math

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from dataio.workbook.export import project_tables
from dataio.workbook.service import import_workbook
from releases.diff import ADDED, CHANGED, Change, Entry, diff
from releases.figures import reader_figures as figures
from releases.models import Release, ReleaseChanged
from releases.services import unreproduced_sheet, workbook_of
from reviews.models import IncludedReview, UmbrellaReview
from reviews.project.revisions import FrozenProject
from reviews.versioning import save_versioned
from synthesis.models import OutcomeResult

pytestmark = pytest.mark.django_db


def _rerate(review: IncludedReview, rating: str) -> None:
    review.published_rating = rating
    save_versioned(review, loaded_version=review.version)


def test_a_release_is_unchanged_by_later_edits(small_project):
    first = small_project.release(notes="First release.")
    stored = bytes(first.workbook)
    assert first.number == 1
    assert first.workbook_sha256 == hashlib.sha256(stored).hexdigest()
    assert first.workbook_size == len(stored)
    # Edits to the live project after the release ...
    _rerate(
        IncludedReview.objects.get(umbrella=small_project.umbrella, label="Baker 2021"), "moderate"
    )
    small_project.add_review("Chen 2023", "moderate", 0.25, [0, 2])
    OutcomeResult.objects.filter(
        review__umbrella=small_project.umbrella, review__label="Adams 2018"
    ).update(estimate=0.45)
    assert workbook_of(small_project.umbrella) != stored
    # ... leave the release's record and the export of its frozen copy byte-identical.
    first = Release.objects.get(pk=first.pk)
    assert bytes(first.workbook) == stored
    assert first.workbook_intact
    assert workbook_of(first.snapshot) == stored
    assert first.snapshot.frozen_from == small_project.umbrella
    assert first.snapshot.frozen_number == 1
    assert first.snapshot.slug == "living--release-1"


def test_the_diff_of_two_releases_lists_exactly_the_expected_changes(small_project):
    first = small_project.release()
    _rerate(
        IncludedReview.objects.get(umbrella=small_project.umbrella, label="Baker 2021"), "moderate"
    )
    small_project.add_review("Chen 2023", "moderate", 0.25, [0, 2])
    second = small_project.release()
    assert second.number == 2
    changes = diff(first.figures, second.figures)
    assert changes.section("reviews").entries == (
        Entry("Baker 2021", CHANGED, (Change("rating", "Low", "Moderate"),)),
        Entry(
            "Chen 2023",
            ADDED,
            (
                Change("title", None, "Peer support review Chen 2023"),
                Change("year", None, 2023),
                Change("rating", None, "Moderate"),
            ),
        ),
    )
    # Baker's rating now counts as "high or moderate", and Chen adds an improvement; the
    # outcome's reviews now include each of the three trials twice (CCA 1/3 → 1/2).
    assert changes.section("outcomes").entries == (
        Entry(
            "Hope",
            CHANGED,
            (
                Change("reviews", 2, 3),
                Change("meta_analyses", 2, 3),
                Change(
                    "summary",
                    "1 of 2 meta-analyses found an improvement; 1 from a review rated high or "
                    "moderate.",
                    "2 of 3 meta-analyses found an improvement; 2 from a review rated high or "
                    "moderate.",
                ),
                Change("cca_percent", 33.333333, 50.0),
            ),
        ),
    )
    assert changes.overlap == (
        Change("n_inclusions", 4, 6),
        Change("cca_percent", 33.333333, 50.0),
        Change("cca_adjusted_percent", 33.333333, 50.0),
    )
    assert (changes.key_findings, changes.prisma) == ((), ())
    # Left blank, the notes are the generated change log against release 1.
    assert second.notes.splitlines() == [
        "- Reviews added: Chen 2023.",
        "- Review Baker 2021: AMSTAR 2 rating Low → Moderate.",
        "- Outcome Hope: reviews 2 → 3; meta-analyses 2 → 3; finding “1 of 2 meta-analyses "
        "found an improvement; 1 from a review rated high or moderate.” → “2 of 3 "
        "meta-analyses found an improvement; 2 from a review rated high or moderate.”; "
        "CCA (%) 33.33 → 50.",
        "- Overlap of primary studies: inclusions 4 → 6; CCA (%) 33.33 → 50; "
        "CCA adjusted (%) 33.33 → 50.",
    ]


def test_the_frozen_copy_refuses_every_write(small_project, client, tmp_path):
    release = small_project.release()
    copy = release.snapshot
    review = IncludedReview.objects.get(umbrella=copy, label="Adams 2018")
    # The service (and so every form, admin save and restore that goes through it).
    review.title = "Changed"
    with pytest.raises(FrozenProject, match="This is a release of the umbrella review"):
        save_versioned(review, loaded_version=review.version)
    assert IncludedReview.objects.get(pk=review.pk).title == "Peer support review Adams 2018"
    # A form POST, even by the project's owner (and a superuser).
    client.force_login(small_project.owner)
    edit = reverse("reviews:review-edit", kwargs={"slug": copy.slug, "pk": review.pk})
    response = client.post(edit, {"label": "X", "title": "Changed", "version": review.version})
    assert response.status_code == 403
    admin = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(admin)
    assert client.get(edit).status_code == 403
    response = client.post(
        reverse("admin:reviews_includedreview_change", args=[review.pk]),
        {"label": "X", "title": "Changed", "umbrella": copy.pk, "review_type": "sr_meta_analysis",
         "version": review.version},
    )  # fmt: skip
    assert IncludedReview.objects.get(pk=review.pk).title == "Peer support review Adams 2018"
    # A workbook import into the copy.
    path = tmp_path / "more.xlsx"
    path.write_bytes(workbook_of(small_project.umbrella))
    with pytest.raises((FrozenProject, CommandError)):
        call_command("import_workbook", str(path), "--project", copy.slug, "--update")
    assert workbook_of(copy) == bytes(release.workbook)
    # The stored release itself.
    release.notes = "Rewritten"
    with pytest.raises(ReleaseChanged):
        release.save()
    with pytest.raises(ReleaseChanged):
        release.delete()


def test_only_a_published_project_can_be_released(small_project):
    UmbrellaReview.objects.filter(pk=small_project.umbrella.pk).update(is_published=False)
    small_project.umbrella.refresh_from_db()
    with pytest.raises(ValidationError, match="Only a published umbrella review can be released"):
        small_project.release()
    assert not Release.objects.exists()
    assert not UmbrellaReview.objects.filter(frozen_from__isnull=False).exists()


def test_a_negative_zero_is_released_and_its_workbook_reads_back_unchanged(small_project, tmp_path):
    # PostgreSQL keeps the sign of a zero that COPY wrote (a synthetic CI limit rounded to
    # -0.0; the bulk import of a CSV holding "-0.0"); an XLSX cell "-0" reads back as 0, which
    # made the large synthetic project's frozen copy differ from its workbook by a byte.
    result = OutcomeResult.objects.get(review__label="Baker 2021")
    with connection.cursor() as cursor:  # the ORM sends -0.0 as 0: write it as COPY does
        cursor.execute(
            f"UPDATE {OutcomeResult._meta.db_table} SET ci_high = CAST('-0' AS DOUBLE PRECISION)"
            " WHERE id = %s",
            [result.pk],
        )
    live = OutcomeResult.objects.values_list("ci_high", flat=True).get(pk=result.pk)
    assert live == 0.0  # -0.0 on PostgreSQL, 0.0 on SQLite (which drops the sign)
    release = small_project.release()
    stored = bytes(release.workbook)
    assert workbook_of(release.snapshot) == stored
    sheet = project_tables(release.snapshot)["outcome_results"]
    (ci_high,) = [row[sheet[0].index("ci_high")] for row in sheet[1] if row[0] == "Baker 2021"]
    assert (ci_high, math.copysign(1, ci_high)) == (0.0, 1.0)
    # The workbook a reader downloads is the release: imported anywhere, it exports the same.
    path = tmp_path / "release-1.xlsx"
    path.write_bytes(stored)
    assert import_workbook(path, slug="reader-copy").written
    assert workbook_of(UmbrellaReview.objects.get(slug="reader-copy")) == stored


def test_the_copy_is_checked_cell_for_cell_and_type_for_type(small_project):
    # Publishing compares the copy's typed rows with those the stored file was written from
    # (not a second file): any value, type, row or column that differs is named by its sheet.
    tables = project_tables(small_project.umbrella)
    assert unreproduced_sheet(tables, project_tables(small_project.umbrella)) is None
    header, rows = tables["outcome_results"]
    k = header.index("k")
    assert isinstance(rows[0][k], int)

    def altered(change) -> dict:
        copied = {name: (list(h), [list(r) for r in body]) for name, (h, body) in tables.items()}
        change(copied["outcome_results"])
        return copied

    def as_float(sheet):
        sheet[1][0][k] = float(sheet[1][0][k])  # 4 and 4.0 compare equal, but are other cells

    def nan_both(sheet):
        sheet[1][0][k] = float("nan")

    assert unreproduced_sheet(tables, altered(as_float)) == "outcome_results"
    assert unreproduced_sheet(tables, altered(lambda s: s[1].pop())) == "outcome_results"
    assert unreproduced_sheet(tables, altered(lambda s: s[0].reverse())) == "outcome_results"
    assert unreproduced_sheet(altered(nan_both), altered(nan_both)) is None
    assert unreproduced_sheet(tables, {**tables, "extra": ([], [])}) == "(the list of sheets)"


def test_blank_notes_come_from_the_copys_figures_computed_once(small_project, monkeypatch):
    from releases import services

    small_project.release()
    small_project.add_review("Chen 2023", "moderate", 0.25, [0, 2])
    computed = []
    monkeypatch.setattr(
        services, "reader_figures", lambda umbrella: computed.append(umbrella) or figures(umbrella)
    )
    second = small_project.release()
    # Once, of the copy: the live project's figures (seconds on a large one) are not read.
    assert computed == [second.snapshot]
    assert second.notes.splitlines()[0] == "- Reviews added: Chen 2023."
