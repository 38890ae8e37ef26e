import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from reviews.models import IncludedReview, Membership, ReviewType, UmbrellaReview


@pytest.fixture
def superuser_client(client, db):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-unused")
    client.force_login(user)
    return client


def review_form(umbrella, **overrides):
    data = {
        "umbrella": umbrella.pk,
        "label": "New 2021",
        "title": "A new review",
        "review_type": ReviewType.SCOPING,
        "year": 2021,
        "reports-TOTAL_FORMS": 0,
        "reports-INITIAL_FORMS": 0,
    }
    return {**data, **overrides}


@pytest.mark.parametrize(
    "model", [model for model in admin.site._registry if model._meta.app_label == "reviews"]
)
def test_every_registry_model_has_a_searchable_admin_list(superuser_client, peer_support, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert superuser_client.get(url, {"q": "peer"}).status_code == 200


def test_admin_search_finds_a_review_by_author(superuser_client, peer_support):
    url = reverse("admin:reviews_includedreview_changelist")
    response = superuser_client.get(url, {"q": "Lloyd-Evans"})
    assert sorted(r.label for r in response.context["cl"].result_list) == [
        "Lloyd-Evans 2014",
        "Lyons 2021",
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"year": 1850}, "year", "greater than or equal to 1900"),
        ({"n_participants": -4}, "n_participants", "greater than or equal to 0"),
        (
            {"doi": "doi:10.1000/not-unique"},
            None,
            "Another record in this umbrella review has this DOI.",
        ),
    ],
)
def test_admin_refuses_bad_input_with_a_message_and_saves_nothing(
    superuser_client, make_review, overrides, field, message
):
    existing = make_review(doi="10.1000/not-unique")
    url = reverse("admin:reviews_includedreview_add")
    response = superuser_client.post(url, review_form(existing.umbrella, **overrides))
    assert response.status_code == 200  # the form is shown again
    errors = response.context["adminform"].form.errors
    assert message in str(errors.get(field or "__all__"))
    assert IncludedReview.objects.count() == 1


def test_admin_saves_a_valid_review_with_its_doi_normalised(superuser_client, make_umbrella):
    umbrella = make_umbrella()
    url = reverse("admin:reviews_includedreview_add")
    response = superuser_client.post(url, review_form(umbrella, doi="https://doi.org/10.1000/ABC"))
    assert response.status_code == 302
    assert IncludedReview.objects.get().doi == "10.1000/abc"


def test_staff_see_only_the_umbrella_reviews_they_research_on(client, make_umbrella, make_review):
    mine, theirs = make_umbrella(), make_umbrella()
    make_review(umbrella=mine, label="Mine 2020")
    make_review(umbrella=theirs, label="Theirs 2020")
    user = get_user_model().objects.create_user("staff", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_includedreview"))
    Membership.objects.create(umbrella=mine, user=user, role=Membership.Role.RESEARCHER)
    client.force_login(user)
    response = client.get(reverse("admin:reviews_includedreview_changelist"))
    assert [r.label for r in response.context["cl"].result_list] == ["Mine 2020"]


def test_staff_choose_only_their_projects_rows_in_foreign_keys(client, make_umbrella):
    from synthesis.models import OutcomeDomain

    mine, theirs = make_umbrella(), make_umbrella()
    OutcomeDomain.objects.create(umbrella=mine, name="Mine")
    OutcomeDomain.objects.create(umbrella=theirs, name="Theirs")
    user = get_user_model().objects.create_user("staff", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="add_outcome"))
    Membership.objects.create(umbrella=mine, user=user, role=Membership.Role.RESEARCHER)
    client.force_login(user)
    form = client.get(reverse("admin:synthesis_outcome_add")).context["adminform"].form
    assert [d.name for d in form.fields["domain"].queryset] == ["Mine"]
    assert list(form.fields["umbrella"].queryset) == [mine]


def project_form(**overrides):
    data = {
        "title": "Peer support at work",
        "slug": "peer-at-work",
        "extraction_mode": "single",
        "research_questions-TOTAL_FORMS": 0,
        "research_questions-INITIAL_FORMS": 0,
    }
    return {**data, **overrides}


def test_a_project_added_in_the_admin_has_its_creator_as_owner(superuser_client):
    response = superuser_client.post(reverse("admin:reviews_umbrellareview_add"), project_form())
    assert response.status_code == 302
    umbrella = UmbrellaReview.objects.get(slug="peer-at-work")
    assert list(
        Membership.objects.filter(umbrella=umbrella).values_list("user__username", "role")
    ) == [("admin", "owner")]
    # ... so the project opens in the app, and its owner manages its members there.
    page = superuser_client.get(reverse("reviews:members", args=["peer-at-work"]))
    assert page.status_code == 200
    assert [m.user.username for m in page.context["members"]] == ["admin"]


def test_staff_who_add_a_project_in_the_admin_own_it_and_see_it_there(client, db):
    staff = get_user_model().objects.create_user("staff", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_umbrellareview", "change_umbrellareview"])
    )
    client.force_login(staff)
    response = client.post(reverse("admin:reviews_umbrellareview_add"), project_form())
    assert response.status_code == 302
    umbrella = UmbrellaReview.objects.get(slug="peer-at-work")
    assert Membership.objects.get(umbrella=umbrella).user == staff
    listed = client.get(reverse("admin:reviews_umbrellareview_changelist"))
    assert [u.slug for u in listed.context["cl"].result_list] == ["peer-at-work"]
    # The app opens the unpublished project for its owner (no one could, without a member).
    page = client.get(reverse("reviews:umbrella-detail", args=["peer-at-work"]))
    assert page.status_code == 200
    assert page.context["umbrella"] == umbrella


def test_a_refused_project_in_the_admin_leaves_no_project_and_no_member(
    superuser_client, make_umbrella
):
    make_umbrella(slug="peer-at-work")
    response = superuser_client.post(reverse("admin:reviews_umbrellareview_add"), project_form())
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["slug"] == ["Umbrella review with this Slug already exists."]
    assert UmbrellaReview.objects.filter(slug="peer-at-work").count() == 1
    assert not Membership.objects.exists()
