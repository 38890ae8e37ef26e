"""The API shows each viewer exactly the appraisals, and item answers, the blinding rule lets
them see: every role × rater slot × published/unpublished × before/after both raters
submitted (the scenes of tests/security/blinding.py), through a token as a script would."""

import pytest

from api.tokens import create_token
from appraisal.models import ItemAnswer
from tests.security.blinding import APPRAISERS, MARKERS, RATER_NAMES, build, cases, expected

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/blinded/appraisals/"


@pytest.mark.parametrize(("role", "slot", "published", "state"), cases())
def test_the_api_shows_each_viewer_what_the_blinding_rule_says(
    client, role, slot, published, state
):
    scene = build(role, slot, published, state)
    headers = {}
    if scene.viewer is not None:
        headers["Authorization"] = f"Token {create_token(user=scene.viewer, name='t').raw}"
    response = client.get(URL, headers=headers)
    want = expected(role, slot, published, state)
    if not want:  # the project itself is hidden: as on the pages, it does not exist
        assert response.status_code == 404
        assert response.json() == {"detail": "No such umbrella review.", "status": 404}
        return
    rows = response.json()["results"]
    assert {(row["review_label"], row["role"]) for row in rows} == want
    text = response.content.decode()
    for key, marker in MARKERS.items():  # the answers' justifications go with their appraisal
        assert (marker in text) == (key in want), key
    for row in rows:  # every answer of a visible appraisal, in item order
        items = ItemAnswer.objects.filter(appraisal_id=row["id"]).order_by("item")
        assert [a["item"] for a in row["answers"]] == list(items.values_list("item", flat=True))
        assert row["answers"]
    # Rater usernames for the project's appraisers only; never an e-mail address.
    usernames = {row["rater"] for row in rows} - {None}
    assert (usernames != set()) == (role in APPRAISERS and bool(usernames))
    if role not in APPRAISERS:
        assert usernames == set()
        assert not any(name in text for name in RATER_NAMES.values())
    assert "@example.org" not in text
