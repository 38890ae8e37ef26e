"""Members' kept pages (reviews.project.page_cache.serve_member_page) and the access rules.

A logged-in reader's page is kept per data revision, address, user, role and staff flags, and
served without running the view. These tests fill the kept page with one member first and then
check what every other member, the same member after a change of role or membership, and the
same member in another browser are served: never another member's work or rights, never a
page after the membership ended, and always their own CSRF token, name and messages.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory
from django.urls import reverse

from appraisal.models import Appraisal
from reviews.members.services import remove_member, set_role
from reviews.models import Membership
from reviews.project.page_cache import CSRF_HOLE, USERNAME_HOLE

from .test_cached_blinding import ALL_NO

RESEARCHER, READER = Membership.Role.RESEARCHER, Membership.Role.READER
IMPORT_LINK = ">Import data</a>"  # the menu item of members who may write
PROGRESS_LINK = ">Progress</a>"  # the menu item of every member


@pytest.fixture
def team(make_umbrella, make_review, make_member):
    umbrella = make_umbrella(is_published=False)
    return {
        "umbrella": umbrella,
        "review": make_review(umbrella, label="Blinded 2021", published_rating=""),
        "rater_a": make_member(umbrella, "rater-a", role=RESEARCHER),
        "rater_b": make_member(umbrella, "rater-b", role=RESEARCHER),
        "reader": make_member(umbrella, "reader-r", role=READER),
        "owner": make_member(umbrella, "owner-o", role=Membership.Role.OWNER),
    }


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def review_page(team) -> str:
    return reverse("reviews:review-detail", kwargs={"slug": team["umbrella"].slug,
                                                    "pk": team["review"].pk})  # fmt: skip


def without_token(content: bytes) -> bytes:
    """The page without its CSRF token (masked afresh on every request)."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def home(team) -> str:
    return reverse("reviews:umbrella-detail", kwargs={"slug": team["umbrella"].slug})


def test_a_members_second_request_is_the_kept_page_with_their_own_name(
    team, django_assert_max_num_queries
):
    client = as_user(team["rater_a"])
    first = client.get(home(team))
    assert first.context is not None  # rendered, and kept
    # The session (none with a shared cache: cached_db sessions), the user, project and role.
    with django_assert_max_num_queries(4):
        second = client.get(home(team))
    assert second.context is None  # no view ran
    assert without_token(second.content) == without_token(first.content)
    assert b"rater-a</a>" in second.content  # the name's hole is filled
    assert CSRF_HOLE.encode() not in second.content
    assert USERNAME_HOLE.encode() not in second.content
    # Renamed in the admin (no data revision): the kept page shows the new name at once.
    get_user_model().objects.filter(pk=team["rater_a"].pk).update(username="rater-a2")
    renamed = client.get(home(team)).content
    assert b"rater-a2</a>" in renamed
    assert without_token(renamed.replace(b"rater-a2", b"rater-a")) == without_token(first.content)


def test_a_kept_page_never_shows_a_raters_draft_to_another_member(
    team, appraise, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appraise(team["review"], Appraisal.Role.FIRST, team["rater_a"], ALL_NO, submit=False)
    url = review_page(team)
    rater_a = as_user(team["rater_a"])
    for _ in range(2):  # rendered, then kept: rater A sees their own draft both times
        assert "your appraisal</a> (draft)" in rater_a.get(url).content.decode()
    draft_link = Appraisal.objects.get(review=team["review"]).get_absolute_url()
    for name in ("rater_b", "owner"):
        client = as_user(team[name])
        for _ in range(2):
            html = client.get(url).content.decode()
            assert "your appraisal" not in html
            assert "draft by another rater" in html
            assert draft_link not in html
            assert "rater-a" not in html


def test_a_reader_never_gets_a_researchers_page(team):
    researcher, reader = as_user(team["rater_a"]), as_user(team["reader"])
    for _ in range(2):
        assert IMPORT_LINK in researcher.get(home(team)).content.decode()
    for _ in range(2):
        html = reader.get(home(team)).content.decode()
        assert IMPORT_LINK not in html
        assert PROGRESS_LINK in html  # a member still


def test_a_role_change_or_a_revoked_membership_is_served_at_once(
    team, django_capture_on_commit_callbacks
):
    umbrella, user = team["umbrella"], team["rater_a"]
    client = as_user(user)
    for _ in range(2):
        assert IMPORT_LINK in client.get(home(team)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        set_role(umbrella=umbrella, user=user, role=READER)
    html = client.get(home(team)).content.decode()
    assert IMPORT_LINK not in html
    assert PROGRESS_LINK in html
    # Removed from an unpublished project: no page at all, kept or not.
    membership = Membership.objects.get(umbrella=umbrella, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        remove_member(umbrella=umbrella, membership_id=membership.pk)
    assert client.get(home(team)).status_code == 404
    # Of a published project: the public's view, without the members' menu.
    type(umbrella).objects.filter(pk=umbrella.pk).update(is_published=True)
    html = client.get(home(team)).content.decode()
    assert PROGRESS_LINK not in html
    assert IMPORT_LINK not in html


def test_a_membership_change_retires_the_kept_pages_of_everyone(
    team, django_capture_on_commit_callbacks
):
    # The owner's project page of an unpublished project counts the members (its checklist).
    owner = as_user(team["owner"])
    before = owner.get(home(team))
    assert before.context["n_members"] == 4
    with django_capture_on_commit_callbacks(execute=True):
        set_role(umbrella=team["umbrella"], user=get_user_model().objects.create_user("new-n"),
                 role=READER)  # fmt: skip
    after = owner.get(home(team))
    assert after.context is not None  # a new revision: rendered again
    assert after.context["n_members"] == 5


def leave_message(client: Client, text: str) -> None:
    """A message waiting for this browser, as a redirect after a form leaves it (the cookie)."""
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[storage.cookie_name] = storage._encode([Message(constants.SUCCESS, text)])


def test_messages_are_each_members_own_and_never_kept(team):
    url = home(team)
    rater_a, rater_b = as_user(team["rater_a"]), as_user(team["rater_b"])
    rater_a.get(url)  # rendered and kept
    assert rater_a.get(url).context is None
    leave_message(rater_a, "Saved the review for rater A.")
    shown = rater_a.get(url)
    assert shown.context is not None  # a waiting message: rendered, not served kept
    assert "Saved the review for rater A." in shown.content.decode()
    again = rater_a.get(url)
    assert "Saved the review for rater A." not in again.content.decode()  # shown once
    assert again.context is None  # and the kept page never held it
    assert "Saved the review for rater A." not in rater_b.get(url).content.decode()


def test_each_browser_gets_a_csrf_token_of_its_own_that_works(team):
    user, url = team["rater_a"], review_page(team)
    browsers = []
    for _ in range(2):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(user)
        browsers.append(browser)
    tokens = []
    for browser in browsers:  # the first renders and keeps the page, the second is served it
        html = browser.get(url).content.decode()
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1])
    assert browsers[1].get(url).context is None  # kept
    assert tokens[0] != tokens[1]
    # Each browser's token is valid for its own cookie: logging out (a POST) works in both.
    for browser, token in zip(browsers, tokens, strict=True):
        assert browser.post(reverse("logout"), {"csrfmiddlewaretoken": token}).status_code == 200
        assert browser.get(url).status_code == 404  # logged out: the project is unpublished
    # And one browser's token is refused with another's cookie.
    third = Client(enforce_csrf_checks=True)
    third.force_login(user)
    third.get(url)
    assert third.post(reverse("logout"), {"csrfmiddlewaretoken": tokens[0]}).status_code == 403


def test_a_logged_in_outsider_never_gets_a_members_page_of_a_published_project(team):
    type(team["umbrella"]).objects.filter(pk=team["umbrella"].pk).update(is_published=True)
    url = review_page(team)
    researcher = as_user(team["rater_a"])
    for _ in range(2):
        html = researcher.get(url).content.decode()
        assert ">Edit the review</a>" in html
        assert PROGRESS_LINK in html
    outsider = as_user(get_user_model().objects.create_user("outsider-x"))
    for _ in range(2):
        html = outsider.get(url).content.decode()
        assert ">Edit the review</a>" not in html
        assert PROGRESS_LINK not in html
        assert "outsider-x</a>" in html  # their own name in the header
