"""The demo loader keeps the audit trail (issue #15.15): loading records each row's first
version; loading again (as `make run` does on every start) leaves edits made since alone; only
`--update` resets them, and records that it did."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from dataio.demo import PEER_SUPPORT_FIXTURE
from reviews.history.services import restore
from reviews.models import IncludedReview, UmbrellaReview
from synthesis.models import OutcomeResult

pytestmark = pytest.mark.django_db

LOAD_REASON, RELOAD_REASON = "demo fixture load", "demo fixture reload"


def load(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_loading_records_a_first_version_of_every_row():
    assert "302 created, 0 updated, 0 unchanged" in load()
    chien = IncludedReview.objects.get(label="Chien 2019")
    (first,) = chien.history.all()
    assert (first.history_type, first.history_change_reason, first.history_user) == (
        "+",
        LOAD_REASON,
        None,
    )
    assert first.title == chien.title
    # Links are part of that version (the review's populations, as loaded).
    assert {link.population_id for link in first.populations.all()} == set(
        chien.populations.values_list("pk", flat=True)
    )
    assert IncludedReview.history.filter(history_change_reason=LOAD_REASON).count() == 35
    assert OutcomeResult.history.filter(history_change_reason=LOAD_REASON).count() == 104
    assert UmbrellaReview.history.count() == 1


@pytest.fixture
def edited():
    """The demo loaded, then one review's title edited on the site: (the review, its title as
    loaded)."""
    load()
    chien = IncludedReview.objects.get(label="Chien 2019")
    title = chien.title
    chien.title = "Edited on the site"
    chien.save()
    return chien, title


def test_an_edit_after_loading_is_a_change_that_can_be_restored(edited):
    chien, title = edited
    newest = chien.history.first()
    changed = newest.diff_against(newest.prev_record).changed_fields
    assert changed == ["title"]
    assert newest.prev_record.title == title
    restore(newest.prev_record, user=get_user_model().objects.create_user("olive"))
    chien.refresh_from_db()
    assert chien.title == title


def test_loading_again_keeps_edits_made_since_and_writes_nothing(edited):
    chien, _ = edited
    versions = IncludedReview.history.count()
    out = load()
    assert "0 created, 0 updated, 301 unchanged" in out
    assert "1 row(s) differ from the fixture" in out
    assert "run with --update to reset them" in out
    chien.refresh_from_db()
    assert chien.title == "Edited on the site"
    assert IncludedReview.history.count() == versions


def test_update_resets_the_edit_and_records_the_reload(edited):
    chien, title = edited
    version = IncludedReview.objects.get(pk=chien.pk).version
    assert "0 created, 1 updated, 301 unchanged" in load("--update")
    chien.refresh_from_db()
    assert chien.title == title
    assert chien.version == version + 1  # forms opened on the edited row are now stale
    newest = chien.history.first()
    assert (newest.history_type, newest.history_change_reason) == ("~", RELOAD_REASON)
    assert newest.title == title
    assert chien.history.count() == 3  # loaded, edited, reloaded


def test_rows_loaded_without_history_get_their_first_version_once():
    call_command("loaddata", PEER_SUPPORT_FIXTURE, verbosity=0)  # simple-history skips these
    assert not IncludedReview.history.exists()
    assert "0 created, 0 updated, 302 unchanged" in load()
    assert IncludedReview.history.filter(history_change_reason=LOAD_REASON).count() == 35
    versions = IncludedReview.history.count()
    load()
    assert IncludedReview.history.count() == versions  # once: a restart writes nothing
