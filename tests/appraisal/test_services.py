import pytest
from django.core.exceptions import ValidationError

from appraisal.models import Appraisal, AppraisalSettings
from appraisal.services import (
    AppraisalLocked,
    ItemInput,
    recompute_overall,
    save_appraisal,
)
from reviews.models import ReviewType
from reviews.versioning import StaleEdit

from .conftest import ALL_YES, inputs


def test_submitted_appraisal_stores_the_computed_rating_and_variant(
    make_review, make_member, appraise
):
    review = make_review(review_type=ReviewType.SR_META_ANALYSIS)
    rater = make_member(review.umbrella, "ann")
    appraisal = appraise(review, "first", rater, ALL_YES | {2: "no", 13: "no"})
    assert (appraisal.overall, appraisal.variant, appraisal.status) == (
        "critically_low",
        "standard",
        "submitted",
    )
    assert appraisal.answers.count() == 16


def test_scoping_review_is_rated_without_item_9(make_review, make_member, appraise):
    review = make_review(review_type=ReviewType.SCOPING)
    rater = make_member(review.umbrella, "ann")
    answers = {n: "yes" for n in range(1, 17) if n not in (9, 11, 12, 15)} | {7: "no"}
    appraisal = appraise(review, "first", rater, answers)
    assert (appraisal.overall, appraisal.variant) == ("low", "scoping_review")


def test_switching_variants_off_applies_the_standard_rules(make_review, make_member, appraise):
    review = make_review(review_type=ReviewType.SCOPING)
    AppraisalSettings.objects.create(umbrella=review.umbrella, use_adapted_variants=False)
    rater = make_member(review.umbrella, "ann")
    answers = ALL_YES | {9: "no", 7: "no"}  # item 9 counts again: two critical flaws
    appraisal = appraise(review, "first", rater, answers)
    assert (appraisal.overall, appraisal.variant) == ("critically_low", "standard")


def test_items_9_and_11_take_the_worse_design_part(make_review, make_member):
    review = make_review()
    rater = make_member(review.umbrella, "ann")
    items = inputs(ALL_YES) | {9: ItemInput(rct="yes", nrsi="no")}
    appraisal = save_appraisal(
        review=review, role="first", rater=rater, items=items, expected_version=0, submit=True
    )
    item_9 = appraisal.answers.get(item=9)
    assert (item_9.answer, item_9.answer_rct, item_9.answer_nrsi) == ("no", "yes", "no")
    assert appraisal.overall == "low"


def test_a_draft_may_be_incomplete_and_has_no_rating(make_review, make_member, appraise):
    review = make_review()
    rater = make_member(review.umbrella, "ann")
    appraisal = appraise(review, "first", rater, {1: "yes", 2: "no"}, submit=False)
    assert (appraisal.status, appraisal.overall) == ("draft", "")


def test_submitting_with_missing_and_invalid_items_names_each_item(
    make_review, make_member, appraise
):
    review = make_review()
    rater = make_member(review.umbrella, "ann")
    answers = dict.fromkeys(range(1, 15), "yes") | {1: "partial_yes"}
    with pytest.raises(ValidationError) as error:
        appraise(review, "first", rater, answers)
    assert set(error.value.message_dict) == {"item_1", "item_15", "item_16"}
    assert "partial_yes" in error.value.message_dict["item_1"][0]
    assert not Appraisal.objects.exists()


def test_two_saves_from_the_same_version_the_second_is_refused(make_review, make_member, appraise):
    review = make_review()
    rater = make_member(review.umbrella, "ann")
    first_draft = appraise(review, "first", rater, {1: "yes"}, submit=False)
    opened_at = first_draft.version
    appraise(review, "first", rater, {1: "no"}, submit=False, version=opened_at)
    with pytest.raises(StaleEdit) as stale:
        appraise(review, "first", rater, {1: "yes", 2: "yes"}, submit=False, version=opened_at)
    assert stale.value.saved.version == opened_at + 1
    stored = Appraisal.objects.get()
    assert [(a.item, a.answer) for a in stored.answers.all()] == [(1, "no")]


def test_a_submitted_rater_appraisal_is_final(make_review, make_member, appraise):
    review = make_review()
    rater = make_member(review.umbrella, "ann")
    appraise(review, "first", rater, ALL_YES)
    with pytest.raises(AppraisalLocked):
        appraise(review, "first", rater, ALL_YES | {2: "no"})


def test_recompute_follows_answers_changed_outside_the_form(make_review, make_member, appraise):
    review = make_review()
    appraisal = appraise(review, "consensus", make_member(review.umbrella, "ann"), ALL_YES)
    appraisal.answers.filter(item__in=[4, 7]).update(answer="no")
    assert recompute_overall(appraisal).overall == "critically_low"
