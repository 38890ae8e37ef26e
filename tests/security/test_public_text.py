"""Readers never see the curators' working files: no seed-file line references, file names or
repository paths on any page an anonymous visitor of the peer-support example can open; members
see the internal notes those references moved to (reviews/notes.py)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from reviews.models import Membership, UmbrellaReview
from synthesis.models import OutcomeResult
from tests.security.test_permission_matrix import (
    RULES,
    SITE_LEVELS,
    USERS,
    add_page_rows,
    add_release,
)

SLUG = "peer-support-mental-health"
# "line " only as a line reference ("line 149"): the forest plot's "dotted line" is plain words.
# "docs/" as a repository path ("docs/amstar2.md"), not as part of a URL such as /api/v1/docs/.
WORKING_FILES = re.compile(r"seed|\.txt\b|\bline \d|/work\b|fixtures/|(?<!/)docs/", re.IGNORECASE)


def load_peer_support_with_every_page() -> tuple[dict, dict[str, dict]]:
    """The peer-support example (dual extraction) with its members (the matrix's users) and a
    row of every other kind: (users, URL kwargs per page name). Also used by the browser walk."""
    call_command("load_demo", verbosity=0)
    UmbrellaReview.objects.filter(slug=SLUG).update(extraction_mode="dual")
    umbrella = UmbrellaReview.objects.get(slug=SLUG)
    users = {name: get_user_model().objects.create_user(name) for name in USERS[1:]}
    for name in ("reader", "researcher", "owner"):
        Membership.objects.create(umbrella=umbrella, user=users[name], role=name)
    # Released before the extra rows: their excluded review leaves the PRISMA counts not adding
    # up, which the workbook import (and so a release's frozen copy) refuses.
    add_release(umbrella, users)
    return users, add_page_rows(umbrella, users)


@pytest.fixture
def peer_support(db):
    return load_peer_support_with_every_page()


def test_no_anonymous_page_names_working_files_or_paths(client, peer_support):
    _, kwargs = peer_support
    result = OutcomeResult.objects.get(review__label="White 2020", internal_note__contains="-0,03")
    extra = [("synthesis:outcome-detail", {"pk": result.outcome_id})]
    pages = [(name, kwargs.get(name, {})) for name in sorted(RULES)] + extra
    found, checked = [], 0
    for name, url_kwargs in pages:
        level, status = RULES[name]
        if level not in {"read", "account"} or status != 200:
            continue
        if level not in SITE_LEVELS:
            url_kwargs = {"slug": SLUG, **url_kwargs}
        response = client.get(reverse(name, kwargs=url_kwargs))
        if not response["Content-Type"].startswith("text/html"):
            continue
        checked += 1
        page = response.content.decode()
        found += [
            f"{name}: …{page[max(m.start() - 60, 0) : m.end() + 40]}…"
            for m in WORKING_FILES.finditer(page)
        ]
    assert checked >= 20  # the walk really reached the project's pages
    assert found == [], "\n".join(found)


def test_members_see_the_internal_notes(client, peer_support):
    users, _ = peer_support
    result = OutcomeResult.objects.get(review__label="White 2020", internal_note__contains="-0,03")
    assert result.note == ""
    assert result.source_location == "White et al. 2020, Results"
    url = reverse("synthesis:outcome-detail", kwargs={"slug": SLUG, "pk": result.outcome_id})
    note = "White 2020: Lower CI printed as &#x27;-0,03&#x27; (decimal comma) in seed.txt"
    assert note not in client.get(url).content.decode()
    client.force_login(users["reader"])
    assert note in client.get(url).content.decode()
