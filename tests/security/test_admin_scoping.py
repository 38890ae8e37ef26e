"""The Django admin for staff who are not superusers (docs/security.md, "Django admin"):

- membership changes are for the project's owners (a researcher cannot make themselves owner);
- nothing of another project — its title, vocabulary terms, reviews, outcomes, members — shows
  in any change list, list filter, form choice or autocomplete answer.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse

from appraisal.models import Appraisal, AppraisalSettings
from reviews import models as rm
from reviews.models import Membership
from reviews.studies.services import merge_studies
from synthesis.models import Outcome, OutcomeDomain, OutcomeResult

# In every name, title and username of the other project; the hyphen keeps it out of random
# tokens (CSRF), which are letters and digits only.
FOREIGN = "Zq-x"


def fill_project(marker: str, owner) -> rm.UmbrellaReview:
    """A project with a row of every model the admin shows, each named after `marker`."""
    umbrella = rm.UmbrellaReview.objects.create(
        title=f"{marker} umbrella review", slug=marker.lower(), is_published=False
    )
    Membership.objects.create(umbrella=umbrella, user=owner, role=Membership.Role.OWNER)
    terms = {
        model: model.objects.create(umbrella=umbrella, name=f"{marker} {model.__name__} term")
        for model in (
            rm.Population,
            rm.InterventionFormat,
            rm.DeliveryMode,
            rm.ExclusionReason,
            rm.Perspective,
        )
    }
    question = rm.ResearchQuestion.objects.create(
        umbrella=umbrella, code=f"{marker}Q", text=f"{marker} question"
    )
    review = rm.IncludedReview.objects.create(
        umbrella=umbrella,
        label=f"{marker} 2020",
        title=f"{marker} systematic review",
        review_type=rm.ReviewType.SR_META_ANALYSIS,
    )
    review.populations.add(terms[rm.Population])
    review.formats.add(terms[rm.InterventionFormat])
    review.delivery_modes.add(terms[rm.DeliveryMode])
    review.research_questions.add(question)
    rm.Report.objects.create(review=review, title=f"{marker} report")
    rm.ExcludedReview.objects.create(
        umbrella=umbrella, title=f"{marker} excluded", reason=terms[rm.ExclusionReason]
    )
    kept, merged = (
        rm.PrimaryStudy.objects.create(umbrella=umbrella, label=f"{marker} trial {n}", title="T")
        for n in (1, 2)
    )
    rm.Inclusion.objects.create(review=review, study=kept)
    rm.StudyReport.objects.create(study=kept, title=f"{marker} trial report")
    merge_studies(kept=kept, merged=merged, user=owner)
    rm.ReportedInclusionFrequency.objects.create(
        umbrella=umbrella, times_included=2, n_primary_studies=3, source=f"{marker} table 2"
    )
    rm.ExperienceTheme.objects.create(umbrella=umbrella, name=f"{marker} theme")
    AppraisalSettings.objects.create(umbrella=umbrella)
    Appraisal.objects.create(review=review, role="first", rater=owner, variant="standard")
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name=f"{marker} domain")
    outcome = Outcome.objects.create(umbrella=umbrella, name=f"{marker} outcome", domain=domain)
    OutcomeResult.objects.create(
        review=review,
        outcome=outcome,
        evidence_type="narrative",
        finding="improvement",
        extraction_id=f"{marker}1",
    )
    return umbrella


@pytest.fixture
def projects(db):
    users = get_user_model().objects
    mine = fill_project("Mine", users.create_user("olive", is_staff=True))
    foreign = fill_project(FOREIGN, users.create_user(f"{FOREIGN.lower()}-owner"))
    # Every permission of the project's apps: the rows, not the permissions, are the limit.
    rita = users.create_user("rita", is_staff=True)
    rita.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["reviews", "appraisal", "synthesis"])
    )
    Membership.objects.create(umbrella=mine, user=rita, role=Membership.Role.RESEARCHER)
    return mine, foreign, rita


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_a_researcher_cannot_make_themselves_owner_in_the_admin(client, projects):
    mine, _, rita = projects
    client.force_login(rita)
    own = Membership.objects.get(umbrella=mine, user=rita)

    change = client.post(admin_url(Membership, "change", own.pk), {"role": Membership.Role.OWNER})
    assert change.status_code == 403
    add = client.post(
        admin_url(Membership, "add"),
        {"umbrella": mine.pk, "user": rita.pk, "role": Membership.Role.OWNER},
    )
    assert add.status_code == 200  # the form again, with its error
    assert add.context["adminform"].form.errors["umbrella"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert client.post(admin_url(Membership, "delete", own.pk), {"post": "yes"}).status_code == 403
    # The project's own change form no longer edits its members.
    form = client.get(admin_url(rm.UmbrellaReview, "change", mine.pk))
    assert [f.opts.model for f in form.context["inline_admin_formsets"]] == [rm.ResearchQuestion]
    assert Membership.objects.get(pk=own.pk).role == Membership.Role.RESEARCHER


def test_an_owner_changes_roles_in_the_admin_but_keeps_an_owner(client, projects):
    mine, _, rita = projects
    olive = get_user_model().objects.get(username="olive")
    olive.user_permissions.set(Permission.objects.filter(codename__endswith="_membership"))
    client.force_login(olive)
    ritas = Membership.objects.get(umbrella=mine, user=rita)
    assert client.post(
        admin_url(Membership, "change", ritas.pk), {"role": "reader"}
    ).status_code == (302)
    assert Membership.objects.get(pk=ritas.pk).role == "reader"

    olives = Membership.objects.get(umbrella=mine, user=olive)
    demoted = client.post(admin_url(Membership, "change", olives.pk), {"role": "researcher"})
    assert demoted.status_code == 200
    assert demoted.context["adminform"].form.non_field_errors() == [
        "An umbrella review needs at least one owner."
    ]
    deleted = client.post(admin_url(Membership, "delete", olives.pk), {"post": "yes"}, follow=True)
    assert "An umbrella review needs at least one owner." in deleted.content.decode()
    assert Membership.objects.get(pk=olives.pk).role == Membership.Role.OWNER


def scoped_rows(model_admin, user):
    request = RequestFactory().get("/")
    request.user = user
    return model_admin.get_queryset(request)


def test_no_admin_page_shows_another_projects_data(client, projects):
    mine, _, rita = projects
    client.force_login(rita)
    pages = {}
    for model, model_admin in admin.site._registry.items():
        pages[f"{model.__name__} list"] = client.get(admin_url(model, "changelist"))
        pages[f"{model.__name__} list with counts"] = client.get(
            admin_url(model, "changelist"), {"_facets": "True"}
        )
        pages[f"{model.__name__} add"] = client.get(admin_url(model, "add"))
        own = scoped_rows(model_admin, rita).first()
        if own is not None:
            pages[f"{model.__name__} change"] = client.get(admin_url(model, "change", own.pk))
        for field in model_admin.autocomplete_fields:
            query = {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field,
                "term": "",
            }
            pages[f"{model.__name__}.{field} autocomplete"] = client.get(
                reverse("admin:autocomplete"), query
            )
    leaks = [
        name for name, page in pages.items() if FOREIGN.lower() in page.content.decode().lower()
    ]
    assert leaks == []
    # The walk saw real pages: the researcher's own project, its terms and rows are offered.
    review_list = pages["IncludedReview list"].content.decode()
    assert "Mine umbrella review" in review_list  # the project filter
    assert "Mine Population term" in review_list  # a many-to-many filter
    assert "Mine domain" in pages["Outcome list"].content.decode()  # a value across a relation
    members = reverse("admin:reviews_membership_changelist") + f"?umbrella__id__exact={mine.pk}"
    assert f'<a href="{members}">Members</a>' in pages["UmbrellaReview list"].content.decode()
    review_form = pages["IncludedReview add"].context["adminform"].form
    assert [str(p) for p in review_form.fields["populations"].queryset] == ["Mine Population term"]
    rater_choices = pages["Appraisal add"].context["adminform"].form.fields["rater"].queryset
    assert sorted(u.username for u in rater_choices) == ["olive", "rita"]
    reviews = pages["Report.review autocomplete"].json()["results"]
    assert [r["text"] for r in reviews] == ["Mine 2020"]


def test_search_finds_nothing_of_another_project(client, projects):
    _, _, rita = projects
    client.force_login(rita)
    found = {}
    for model, model_admin in admin.site._registry.items():
        if model_admin.search_fields and model._meta.app_label != "axes":
            response = client.get(admin_url(model, "changelist"), {"q": FOREIGN})
            if response.status_code == 200:
                found[model.__name__] = response.context["cl"].result_count
    assert len(found) >= 15  # every project admin with a search box answered
    assert set(found.values()) == {0}
