"""The one optimistic-locking helper (`reviews.versioning`) and the data revision that every
write schedules after its commit (`reviews.project.revisions.changed`)."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from reviews.history.tracking import TRACKED
from reviews.models import DataRevision, IncludedReview, UmbrellaReview
from reviews.project.revisions import changed
from reviews.versioning import (
    StaleEdit,
    conflicts,
    delete_versioned,
    is_versioned,
    resets_on_update,
    save_versioned,
    update_values,
)
from synthesis.forms import OutcomeResultForm
from synthesis.models import Outcome, OutcomeDomain, OutcomeResult, StudyEffect
from synthesis.services import mark_checked, save_result


def revision(umbrella: UmbrellaReview) -> int:
    row = DataRevision.objects.filter(umbrella=umbrella).first()
    return row.number if row else 0


@pytest.fixture
def result(make_review):
    review = make_review(label="White 2020")
    domain = OutcomeDomain.objects.create(umbrella=review.umbrella, name="Service use")
    outcome = Outcome.objects.create(
        umbrella=review.umbrella, name="Hospitalisation", domain=domain, direction="lower"
    )
    return OutcomeResult.objects.create(
        review=review, outcome=outcome, evidence_type="meta_analysis", k=5, n=497,
        measure="rr", estimate=0.86, ci_low=0.66, ci_high=1.13, timepoint="follow_up",
        comparator="tau",
    )  # fmt: skip


def test_an_update_from_an_old_version_is_refused_with_the_saved_row(make_review):
    review = make_review(title="Original")
    theirs = IncludedReview.objects.get(pk=review.pk)
    theirs.title = "Theirs"
    save_versioned(theirs, loaded_version=1)
    review.title = "Mine"
    with pytest.raises(StaleEdit) as stale:
        save_versioned(review, loaded_version=1)
    assert (stale.value.saved.title, stale.value.saved.version) == ("Theirs", 2)
    assert str(stale.value) == "The included review is now at version 2 since this edit started."
    assert IncludedReview.objects.values_list("title", "version").get() == ("Theirs", 2)


def test_a_create_starts_at_version_one_and_an_update_moves_it_on(make_umbrella):
    saved = save_versioned(
        IncludedReview(umbrella=make_umbrella(), label="A 2020", title="A", review_type="other"),
        loaded_version=None,
    )
    assert (saved.created, saved.instance.version) == (True, 1)
    saved.instance.title = "B"
    again = save_versioned(saved.instance, loaded_version=1)
    assert (again.created, IncludedReview.objects.get().version) == (False, 2)


def test_an_update_clears_what_the_model_resets_but_not_what_it_sets(result):
    checker = get_user_model().objects.create_user("bob")
    OutcomeResult.objects.filter(pk=result.pk).update(checked_by=checker, checked_at=timezone.now())
    result.refresh_from_db()
    result.n = 510
    save_result(result, expected_version=1, user=checker)
    stored = OutcomeResult.objects.get()
    assert (stored.n, stored.version, stored.checked_by, stored.checked_at) == (510, 2, None, None)

    mark_checked(stored, user=checker, expected_version=2)  # sets the very fields it resets
    stored = OutcomeResult.objects.get()
    assert (stored.checked_by, stored.version) == (checker, 3)


def test_the_result_check_is_a_new_version_so_a_form_opened_before_it_is_stale(result):
    checker = get_user_model().objects.create_user("bob")
    mark_checked(result, user=checker, expected_version=1)
    with pytest.raises(StaleEdit):
        mark_checked(result, user=checker, expected_version=1)
    result.n = 510
    with pytest.raises(StaleEdit):
        save_result(result, expected_version=1, user=checker)
    assert OutcomeResult.objects.values_list("n", "checked_by").get() == (497, checker.pk)


def test_the_models_say_what_an_update_resets():
    resets = {
        model._meta.label_lower: resets_on_update(model)
        for model in apps.get_models()
        if is_versioned(model) and resets_on_update(model)
    }
    assert resets == {"synthesis.outcomeresult": {"checked_by": None, "checked_at": None}}
    values = update_values(OutcomeResult)
    assert set(values) == {"version", "checked_by", "checked_at"}
    assert str(values["version"]) == "F(version) + Value(1)"


def test_every_versioned_model_knows_its_project():
    untracked = [
        model._meta.label_lower
        for model in apps.get_models()
        if is_versioned(model)
        and not hasattr(model, "instance_type")  # simple-history's own models
        and model._meta.label_lower not in TRACKED
    ]
    assert untracked == []


def test_a_delete_checks_the_version_and_a_row_already_gone_is_fine(result):
    effect = StudyEffect.objects.create(
        outcome_result=result, label="Smith 2001", kind="estimate", estimate=0.8,
        ci_low=0.6, ci_high=1.1,
    )  # fmt: skip
    StudyEffect.objects.filter(pk=effect.pk).update(version=2)
    with pytest.raises(StaleEdit) as stale:
        delete_versioned(effect, loaded_version=1)
    assert stale.value.saved.version == 2
    assert delete_versioned(effect, loaded_version=2) is True
    assert delete_versioned(effect, loaded_version=2) is False
    assert not StudyEffect.objects.exists()


def test_conflicts_show_the_choice_labels_and_the_models_labels_when_asked(result):
    form = OutcomeResultForm(
        {
            "outcome": result.outcome_id, "evidence_type": "meta_analysis", "comparator": "tau",
            "timepoint": "post", "k": "5", "n": "510", "measure": "rr", "estimate": "0.86",
            "ci_low": "0.66", "ci_high": "1.13", "version": "1",
        },
        instance=OutcomeResult.objects.get(pk=result.pk),
        umbrella=result.review.umbrella,
        review=result.review,
    )  # fmt: skip
    assert form.is_valid(), form.errors
    saved = OutcomeResult.objects.get(pk=result.pk)
    shown = {c.label: (c.yours, c.saved) for c in conflicts(form, saved, labels="model")}
    assert shown == {
        "participants (n)": ("510", "497"),
        "timepoint": ("Post-intervention", "Follow-up"),
    }


# -- the data revision -------------------------------------------------------------------------


def test_writes_bump_each_project_once_after_the_commit(
    make_review, make_umbrella, django_capture_on_commit_callbacks
):
    review = make_review()
    other = make_umbrella()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            review.title = "First edit"
            save_versioned(review, loaded_version=1)
            review.title = "Second edit"
            save_versioned(review, loaded_version=2)
            changed(review.umbrella)
        assert revision(review.umbrella) == 0  # not before the commit
    assert len(callbacks) == 3
    assert (revision(review.umbrella), revision(other)) == (1, 0)


def _save_then_fail(review: IncludedReview) -> None:
    with transaction.atomic():
        review.title = "Never saved"
        save_versioned(review, loaded_version=1)
        raise RuntimeError("the write fails after the save")


def test_a_rolled_back_write_bumps_nothing(make_review, django_capture_on_commit_callbacks):
    review = make_review()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        _save_then_fail(review)
    assert callbacks == []
    assert revision(review.umbrella) == 0
    assert IncludedReview.objects.get().title != "Never saved"


@pytest.mark.django_db(transaction=True)
def test_the_bump_waits_for_a_real_commit_and_a_rolled_back_savepoint_takes_its_own():
    first = UmbrellaReview.objects.create(title="First", slug="first")
    second = UmbrellaReview.objects.create(title="Second", slug="second")
    with transaction.atomic():
        first.title = "First, edited"
        save_versioned(first, loaded_version=1)
        assert revision(first) == 0
        try:
            with transaction.atomic():
                second.title = "Second, edited"
                save_versioned(second, loaded_version=1)
                raise RuntimeError("rolled back to the savepoint")
        except RuntimeError:
            pass
    assert (revision(first), revision(second)) == (1, 0)
    assert UmbrellaReview.objects.get(pk=second.pk).title == "Second"
    changed(second)  # outside a transaction: at once
    assert revision(second) == 1
