import pytest
from django.contrib.auth import get_user_model

from appraisal.services import ItemInput, save_appraisal
from reviews.models import Membership


@pytest.fixture
def make_member(db):
    def make(umbrella, username, role=Membership.Role.REVIEWER):
        user = get_user_model().objects.create_user(username)
        Membership.objects.create(umbrella=umbrella, user=user, role=role)
        return user

    return make


def inputs(answers: dict[int, str]) -> dict[int, ItemInput]:
    """Item inputs from plain answers; items 9 and 11 go in as their RCT part."""
    return {
        item: ItemInput(rct=value) if item in (9, 11) else ItemInput(answer=value)
        for item, value in answers.items()
    }


ALL_YES = dict.fromkeys(range(1, 17), "yes")


@pytest.fixture
def appraise():
    def run(review, role, rater, answers, *, submit=True, version=None):
        current = review.appraisals.filter(role=role).first()
        expected = current.version if current and version is None else (version or 0)
        return save_appraisal(
            review=review,
            role=role,
            rater=rater,
            items=inputs(answers),
            expected_version=expected,
            submit=submit,
        )

    return run
