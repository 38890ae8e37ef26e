"""Starting a new umbrella review from the home page: its creator becomes its owner."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from reviews.models import Membership, UmbrellaReview
from reviews.project.services import create_umbrella


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("ann", "ann@example.org")


def create(client, **data):
    return client.post(reverse("reviews:umbrella-create"), data)


def test_the_creator_becomes_the_owner_and_sees_what_to_do_next(client, user):
    client.force_login(user)
    home = client.get(reverse("reviews:home")).content.decode()
    assert 'href="/new/">Start a new umbrella review</a>' in home
    response = create(
        client, title="Exercise for anxiety", slug="exercise", question="Does exercise help?"
    )
    assert response.status_code == 302
    assert response.url == "/u/exercise/"
    umbrella = UmbrellaReview.objects.get(slug="exercise")
    assert (umbrella.title, umbrella.question, umbrella.is_published) == (
        "Exercise for anxiety",
        "Does exercise help?",
        False,
    )
    assert list(Membership.objects.values_list("umbrella__slug", "user__username", "role")) == [
        ("exercise", "ann", "owner")
    ]
    page = client.get(response.url).content.decode()
    assert "What to do next" in page
    assert "Define the research questions" in page
    assert 'href="/u/exercise/members/">Invite your colleagues</a>' in page
    assert 'href="/u/exercise/publish/">Publish</a>' in page


def test_a_blank_address_is_made_from_the_title(client, user):
    client.force_login(user)
    create(client, title="Peer support: a review of reviews (2024)", slug="")
    assert UmbrellaReview.objects.get().slug == "peer-support-a-review-of-reviews-2024"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "slug": "x"}, "title", "This field is required."),
        (
            {"title": "A", "slug": "Not a slug!"},
            "slug",
            "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.",
        ),
        ({"title": "!!!", "slug": ""}, "slug", "No address can be made from this title: type one."),
        (
            {"title": "Another", "slug": "taken"},
            "slug",
            "The address /u/taken/ is taken by another umbrella review: choose another.",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    client, user, make_umbrella, data, field, message
):
    make_umbrella(slug="taken")
    client.force_login(user)
    response = create(client, **data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert UmbrellaReview.objects.count() == 1
    assert not Membership.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = create(client, title="X", slug="x")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not UmbrellaReview.objects.exists()


def test_a_setting_keeps_project_creation_to_staff(client, user, settings):
    settings.UMBRELLA_CREATE_STAFF_ONLY = True
    client.force_login(user)
    assert "Start a new umbrella review" not in client.get(reverse("reviews:home")).content.decode()
    assert create(client, title="X", slug="x").status_code == 403
    user.is_staff = True
    user.save()
    assert create(client, title="X", slug="x").status_code == 302
    assert Membership.objects.get().role == "owner"


def test_a_failed_owner_membership_leaves_no_project(user, monkeypatch):
    def refuse(**kwargs):
        raise RuntimeError("no membership")

    monkeypatch.setattr(Membership.objects, "create", refuse)
    with pytest.raises(RuntimeError):
        create_umbrella(user=user, title="X", slug="x")
    assert not UmbrellaReview.objects.exists()
