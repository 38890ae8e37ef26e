"""A NUL character in any filter or search input is refused with a 400 naming the parameter,
on every project page and every admin list, instead of reaching PostgreSQL (which cannot hold
NUL in text and failed with a 500). The suite runs on SQLite and on PostgreSQL."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import NoReverseMatch, resolve, reverse

from reviews.models import Membership, PrimaryStudy
from tests.security.test_permission_matrix import url_names

NUL = "\x00"
# Parameters the project pages read outside their FilterSets.
PLAIN_PARAMETERS = ["q", "sort", "order", "page", "review", "method"]


@pytest.fixture
def owner(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "unused")


def project_pages(slug: str):
    """Every project page that needs no more than the project's slug: the lists and tables."""
    for name in url_names():
        try:
            yield name, reverse(name, kwargs={"slug": slug})
        except NoReverseMatch:
            continue


def parameters_of(url: str) -> list[str]:
    view = getattr(resolve(url).func, "view_class", None)  # or a plain function view
    filterset = getattr(view, "filterset_class", None)
    return PLAIN_PARAMETERS + sorted(filterset.base_filters if filterset else [])


def assert_refused(response, parameter: str, where: str) -> None:
    assert response.status_code == 400, where
    assert response.content.decode() == (
        f"The address contains a NUL character (%00) in the query parameter {parameter!r}; "
        "no page accepts one. Remove it and try again."
    )


def test_every_project_page_refuses_nul_in_every_text_parameter(client, owner, make_umbrella):
    umbrella = make_umbrella(is_published=False)
    Membership.objects.create(umbrella=umbrella, user=owner, role=Membership.Role.OWNER)
    client.force_login(owner)
    pages = dict(project_pages(umbrella.slug))
    assert {"reviews:study-list", "synthesis:overview"} <= pages.keys()  # the walk is real
    for name, url in pages.items():
        for parameter in parameters_of(url):
            response = client.get(url, {parameter: f"peer{NUL}support"})
            assert_refused(response, parameter, f"{name}?{parameter}")


def test_the_study_search_still_finds_studies(client, make_umbrella, make_study):
    umbrella = make_umbrella()
    make_study(umbrella, label="Solomon 2004", title="Peer support trial")
    make_study(umbrella, label="Rowe 2007", title="Citizenship intervention")
    response = client.get(reverse("reviews:study-list", args=[umbrella.slug]), {"q": "peer"})
    assert [study.label for study in response.context["object_list"]] == ["Solomon 2004"]
    assert PrimaryStudy.objects.count() == 2


def changelist_parameters(model_admin, user) -> list[str]:
    """The search box and every list filter's own query parameters, as the admin builds them."""
    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    parameters = ["q"] if model_admin.search_fields else []
    for spec in changelist.filter_specs:
        parameters += spec.expected_parameters()
    return parameters


def test_every_admin_list_refuses_nul_in_search_and_filters(client, owner, make_umbrella):
    make_umbrella()
    client.force_login(owner)
    checked = []
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for parameter in changelist_parameters(model_admin, owner):
            where = f"{model._meta.model_name}?{parameter}"
            assert_refused(client.get(url, {parameter: f"x{NUL}"}), parameter, where)
            checked.append(where)
    # The filters that failed with a 500 on PostgreSQL are among them.
    assert {"includedreview?review_type__exact", "accessattempt?path_info"} <= set(checked)


def test_every_admin_autocomplete_refuses_nul(client, owner):
    client.force_login(owner)
    fields = [
        (model, field)
        for model, model_admin in admin.site._registry.items()
        for field in model_admin.autocomplete_fields
    ]
    assert fields  # reviews, studies, outcomes and users are chosen by autocomplete
    for model, field in fields:
        query = {
            "term": f"a{NUL}",
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field,
        }
        response = client.get(reverse("admin:autocomplete"), query)
        assert_refused(response, "term", f"{model._meta.model_name}.{field}")
