"""Optimistic locking in the Django admin: every change form of research data refuses a save
from a stale version (showing the stored values next to the submitted ones) and bumps the
version on a fresh save. Parametrised over the admin registry, so a new admin of research data
without locking fails here."""

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import F
from django.urls import reverse

from appraisal.models import Appraisal, AppraisalSettings
from reviews.admin_locking import LOADED_VERSION, VersionLockedAdmin
from reviews.history.tracking import TRACKED
from reviews.models import (
    ExcludedReview,
    ExclusionReason,
    IncludedReview,
    Inclusion,
    PrimaryStudy,
    Report,
    StudyReport,
)
from synthesis.models import OutcomeResult

OUR_APPS = {"reviews", "appraisal", "synthesis"}

# Admins of configuration, not research data: no audit history, no version.
NOT_RESEARCH_DATA = {
    "reviews.membership": "who may do what (the members page), not research data",
    "reviews.studymerge": "read-only in the admin: merges go through reviews.studies.services",
}

REGISTRY = sorted(
    (model._meta.label_lower, model_admin)
    for model, model_admin in admin.site._registry.items()
    if model._meta.app_label in OUR_APPS
)
# Admins that show research data but change none (its rows change only in their workflow,
# blinded): nothing to lock, and the test below holds them to it.
VIEW_ONLY = {
    "synthesis.extraction": "dual extraction changes only in its workflow (docs/extraction.md)",
    "synthesis.extractedresult": "an extractor's rows change only in their extraction form",
}
LOCKED = [
    label for label, _ in REGISTRY if label not in NOT_RESEARCH_DATA and label not in VIEW_ONLY
]


@pytest.mark.parametrize("label", sorted(VIEW_ONLY))
def test_view_only_admins_change_add_and_delete_nothing(rf, label):
    model_admin = next(ma for lbl, ma in REGISTRY if lbl == label)
    request = rf.get("/")
    request.user = get_user_model()(is_superuser=True, is_staff=True)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.mark.parametrize(("label", "model_admin"), REGISTRY, ids=[label for label, _ in REGISTRY])
def test_every_admin_of_research_data_locks(label, model_admin):
    if label in NOT_RESEARCH_DATA:
        assert label not in TRACKED, f"{label} keeps history, so it is research data: lock it"
        return
    assert isinstance(model_admin, VersionLockedAdmin), f"{label}: use ResearchDataAdmin"
    assert model_admin.model._meta.get_field("version").default == 1
    assert label in TRACKED, f"{label}: research data needs history (reviews/history/tracking.py)"
    for inline in model_admin.inlines:
        has_version = any(f.name == "version" for f in inline.model._meta.fields)
        locked = LOADED_VERSION in inline(model_admin.model, admin.site).form.base_fields
        assert locked or not has_version, (
            f"{label}: inline {inline.__name__} edits versioned rows without locking"
        )


def _some_review(umbrella):
    return IncludedReview.objects.filter(umbrella=umbrella).order_by("pk").first()


def _study(umbrella):
    return PrimaryStudy.objects.create(umbrella=umbrella, label="Sledge 2011", title="Peers")


def _appraisal(umbrella):
    review = _some_review(umbrella)
    # A consensus: a rater's draft is blinded from everyone but its rater, in the admin too.
    return Appraisal.objects.create(review=review, role="consensus", variant="standard")


# One row of each locked model, from the model case or made here.
MAKERS = {
    "reviews.umbrellareview": lambda umbrella: umbrella,
    "reviews.researchquestion": lambda umbrella: umbrella.research_questions.first(),
    "reviews.includedreview": _some_review,
    "reviews.report": lambda umbrella: Report.objects.filter(review__umbrella=umbrella).first(),
    "reviews.excludedreview": lambda umbrella: ExcludedReview.objects.create(
        umbrella=umbrella,
        title="Not a review",
        reason=ExclusionReason.objects.create(umbrella=umbrella, name="Wrong design"),
    ),
    "reviews.primarystudy": _study,
    "reviews.inclusion": lambda umbrella: Inclusion.objects.create(
        review=_some_review(umbrella), study=_study(umbrella)
    ),
    "reviews.studyreport": lambda umbrella: StudyReport.objects.create(
        study=_study(umbrella), title="Follow-up at 2 years"
    ),
    "reviews.reportedinclusionfrequency": lambda umbrella: umbrella.reported_frequencies.first(),
    "reviews.experiencetheme": lambda umbrella: umbrella.experience_themes.first(),
    "reviews.population": lambda umbrella: umbrella.population_set.first(),
    "reviews.interventionformat": lambda umbrella: umbrella.interventionformat_set.first(),
    "reviews.deliverymode": lambda umbrella: umbrella.deliverymode_set.first(),
    "reviews.exclusionreason": lambda umbrella: ExclusionReason.objects.get_or_create(
        umbrella=umbrella, name="Wrong design"
    )[0],
    "reviews.perspective": lambda umbrella: umbrella.perspective_set.first(),
    "appraisal.appraisal": _appraisal,
    "appraisal.appraisalsettings": lambda umbrella: AppraisalSettings.objects.get_or_create(
        umbrella=umbrella
    )[0],
    "synthesis.outcomedomain": lambda umbrella: umbrella.outcomedomain_set.first(),
    "synthesis.outcome": lambda umbrella: umbrella.outcomes.first(),
    "synthesis.outcomeresult": lambda umbrella: OutcomeResult.objects.filter(
        review__umbrella=umbrella
    ).first(),
}


@pytest.fixture
def superuser_client(client, db):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-unused")
    client.force_login(user)
    return client


def _field_data(bound_field) -> dict:
    widget = bound_field.field.widget
    while hasattr(widget, "widget"):  # admin's RelatedFieldWidgetWrapper
        widget = widget.widget
    value = bound_field.value()
    name = bound_field.html_name
    if isinstance(widget, forms.CheckboxInput):
        return {name: "on"} if widget.check_test(value) else {}
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list) else widget.decompress(value)
        return {
            f"{name}{suffix}": sub.format_value(part) or ""
            for suffix, sub, part in zip(widget.widgets_names, widget.widgets, parts, strict=True)
        }
    shown = widget.format_value(value)
    return {name: "" if shown is None else shown}


def change_form_data(response) -> dict:
    """What a browser would post back unchanged from an admin change page."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        data.update(_field_data(form[name]))
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data.update(_field_data(formset.management_form[name]))
        for sub_form in formset.initial_forms:
            for name in sub_form.fields:
                data.update(_field_data(sub_form[name]))
    data["_save"] = "Save"
    return data


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize("label", LOCKED)
def test_stale_admin_save_is_refused_and_a_fresh_one_bumps_the_version(
    superuser_client, peer_support, label
):
    obj = MAKERS[label](peer_support)
    assert obj is not None, f"no {label} to edit: extend MAKERS"
    model = type(obj)
    url = change_url(obj)
    opened = superuser_client.get(url)
    assert opened.status_code == 200
    data = change_form_data(opened)
    assert data[LOADED_VERSION] == str(obj.version)

    # Someone else saves meanwhile: the form's version is stale.
    model.objects.filter(pk=obj.pk).update(version=F("version") + 1)
    refused = superuser_client.post(url, data)
    assert refused.status_code == 200
    errors = " ".join(refused.context["adminform"].form.non_field_errors())
    assert "Someone else saved this" in errors
    assert "Nothing was saved" in errors
    assert model.objects.get(pk=obj.pk).version == obj.version + 1  # untouched by the refusal

    # Reopened at the current version, the same save goes through and bumps the version.
    fresh = change_form_data(superuser_client.get(url))
    saved = superuser_client.post(url, fresh)
    assert saved.status_code == 302, saved.context and [
        saved.context["adminform"].form.errors,
        *[fs.formset.errors for fs in saved.context["inline_admin_formsets"]],
    ]
    assert model.objects.get(pk=obj.pk).version == obj.version + 2


def test_stale_review_save_shows_both_values_and_keeps_the_stored_one(
    superuser_client, peer_support
):
    review = _some_review(peer_support)
    url = change_url(review)
    data = change_form_data(superuser_client.get(url))
    IncludedReview.objects.filter(pk=review.pk).update(
        title="Their corrected title", version=F("version") + 1
    )
    data["title"] = "My title"
    response = superuser_client.post(url, data)
    messages = response.context["adminform"].form.non_field_errors()
    assert "Title: you submitted “My title”; saved now: “Their corrected title”." in messages
    assert "you submitted “My title”; saved now: “Their corrected title”" in (
        response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    )
    assert IncludedReview.objects.get(pk=review.pk).title == "Their corrected title"


def test_stale_inline_row_refuses_the_whole_save(superuser_client, peer_support):
    report = Report.objects.filter(review__umbrella=peer_support).first()
    url = change_url(report.review)
    data = change_form_data(superuser_client.get(url))
    Report.objects.filter(pk=report.pk).update(note="Theirs", version=F("version") + 1)
    prefix = next(key for key, value in data.items() if value == str(report.pk) and "-id" in key)
    data[prefix.replace("-id", "-note")] = "Mine"
    data["notes"] = "Also mine"
    response = superuser_client.post(url, data)
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.note == "Theirs"
    assert IncludedReview.objects.get(pk=report.review_id).notes != "Also mine"
