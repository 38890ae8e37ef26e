"""Primary-study labels are unique per project: the migration that makes them so, the
constraint, and the workbook round trip that failed while two studies shared a label."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dataio.workbook.export import export_workbook
from dataio.workbook.service import import_workbook
from reviews.models import IncludedReview, Inclusion, PrimaryStudy, UmbrellaReview

BEFORE = [("reviews", "0006_data_revision_and_study_order")]
AFTER = [("reviews", "0007_unique_study_labels")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_renames_shared_labels_visibly_and_the_export_round_trips(tmp_path, capsys):
    old = _migrate(BEFORE)
    umbrella = old.get_model("reviews", "UmbrellaReview").objects.create(slug="p", title="P")
    other = old.get_model("reviews", "UmbrellaReview").objects.create(slug="q", title="Q")
    study = old.get_model("reviews", "PrimaryStudy").objects
    first = study.create(umbrella=umbrella, label="Smith 2019", title="Trial A")
    second = study.create(umbrella=umbrella, label="Smith 2019", title="Trial B")
    third = study.create(umbrella=umbrella, label="Smith 2019", title="Trial C")
    taken = study.create(umbrella=umbrella, label="Smith 2019 (2)", title="Trial D")
    elsewhere = study.create(umbrella=other, label="Smith 2019", title="Trial E")
    review = old.get_model("reviews", "IncludedReview").objects.create(
        umbrella=umbrella, label="Review 2020", title="R", review_type="other"
    )
    for s in (first, second, third, taken):
        old.get_model("reviews", "Inclusion").objects.create(review=review, study=s)

    # On to every app's newest migration (AFTER among them): the current models are used below.
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert AFTER[0] in MigrationExecutor(connection).loader.applied_migrations
    labels = dict(PrimaryStudy.objects.values_list("title", "label"))
    assert labels == {
        "Trial A": "Smith 2019",
        "Trial B": "Smith 2019 (3)",  # " (2)" was taken already
        "Trial C": "Smith 2019 (4)",
        "Trial D": "Smith 2019 (2)",
        "Trial E": "Smith 2019",  # another project: no clash
    }
    assert PrimaryStudy.objects.get(pk=second.pk).version == 2  # open forms see it is newer
    (record,) = PrimaryStudy.objects.get(pk=second.pk).history.all()
    assert (record.label, record.history_type, record.history_change_reason) == (
        "Smith 2019 (3)",
        "~",
        "label made unique: 'Smith 2019' was shared with another study",
    )
    assert not PrimaryStudy.objects.get(pk=first.pk).history.exists()
    printed = capsys.readouterr().out
    assert f"primary study {second.pk} of project {umbrella.pk}: 'Smith 2019' -> " in printed
    assert elsewhere.pk not in PrimaryStudy.objects.filter(label__endswith=")").values_list(
        "pk", flat=True
    )

    # The models of today need today's tables (later migrations add columns), and the next
    # tests find the database migrated to the end.
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    # The exported project now imports into an empty one: every study, every link.
    export_workbook(UmbrellaReview.objects.get(slug="p"), tmp_path / "p.xlsx")
    result = import_workbook(tmp_path / "p.xlsx", slug="copy")
    assert result.problems == []
    assert result.counts["primary_studies"].created == 4
    assert sorted(
        Inclusion.objects.filter(review__umbrella__slug="copy").values_list(
            "study__label", "study__title"
        )
    ) == [
        ("Smith 2019", "Trial A"),
        ("Smith 2019 (2)", "Trial D"),
        ("Smith 2019 (3)", "Trial B"),
        ("Smith 2019 (4)", "Trial C"),
    ]
    assert IncludedReview.objects.filter(umbrella__slug="copy").count() == 1


@pytest.mark.django_db
def test_a_second_study_with_the_same_label_is_refused(make_umbrella, make_study):
    umbrella = make_umbrella()
    make_study(umbrella, label="Sledge 2011")
    with pytest.raises(ValidationError) as error:
        PrimaryStudy(umbrella=umbrella, label="Sledge 2011", title="Another").full_clean()
    assert error.value.messages == ["Another primary study of this project has this label."]
    make_study(make_umbrella(), label="Sledge 2011")  # the same label in another project is fine


@pytest.mark.django_db
def test_studies_created_from_a_review_list_get_unique_made_up_labels(make_review, make_study):
    from reviews.studies.services import import_review_studies
    from reviews.studies.study_lists import IncomingStudy

    review = make_review()
    make_study(review.umbrella, label="Smith 2019")
    rows = [
        IncomingStudy(row=2, title="Peer support trial", authors="Smith J, Jones K", year=2019),
        IncomingStudy(row=3, title="Another trial", authors="Smith A", year=2019, doi="10.1234/x"),
    ]
    report = import_review_studies(review=review, rows=rows, create_missing=True)
    assert report.created == ["Smith 2019b", "Smith 2019c"]
