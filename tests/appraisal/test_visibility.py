"""The one blinding helper, for every role × rater slot × published/unpublished × before/after
both raters submitted: its queryset, its per-row answer and the documented rule agree."""

import pytest
from django.contrib.auth.models import AnonymousUser

from appraisal.visibility import (
    can_see_appraisal,
    exported_appraisals,
    sees,
    visible_answers,
    visible_appraisals,
)
from tests.security.blinding import APPRAISERS, build, cases, expected

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "slot", "published", "state"), cases())
def test_the_helper_shows_each_viewer_what_the_rule_says(role, slot, published, state):
    scene = build(role, slot, published, state)
    user = scene.viewer or AnonymousUser()
    want = expected(role, slot, published, state)
    by_pk = {a.pk: key for key, a in scene.appraisals.items()}

    in_project = {by_pk[a.pk] for a in visible_appraisals(user, scene.umbrella)}
    everywhere = {by_pk[a.pk] for a in visible_appraisals(user) if a.pk in by_pk}
    row_by_row = {key for key, a in scene.appraisals.items() if can_see_appraisal(user, a)}
    assert in_project == want
    assert everywhere == want  # the admin's form of the query (every project at once)
    assert row_by_row == want  # the pages' form of the rule

    answers = visible_answers(user, scene.umbrella).values_list("appraisal_id", flat=True)
    assert {by_pk[pk] for pk in answers} == want  # an appraisal's answers go with it
    scope = exported_appraisals(user, scene.umbrella)
    assert {by_pk[a.pk] for a in scope.appraisals} == want
    assert scope.usernames == (role in APPRAISERS)


def test_the_rule_over_plain_values_needs_the_project_first():
    from appraisal.visibility import Viewer

    hidden = Viewer(user_id=7, can_read=False, appraiser=True)
    assert not sees(hidden, role="consensus", status="submitted", rater_id=7, both_submitted=True)
    rater = Viewer(user_id=7, can_read=True, appraiser=True)
    assert sees(rater, role="first", status="draft", rater_id=7, both_submitted=False)
    assert not sees(rater, role="second", status="submitted", rater_id=8, both_submitted=False)
    assert sees(rater, role="second", status="draft", rater_id=8, both_submitted=True)
    demoted = Viewer(user_id=7, can_read=True, appraiser=False)  # a rater now only a reader
    assert not sees(demoted, role="first", status="submitted", rater_id=7, both_submitted=True)
