"""Who may add a final outcome result outside reconciliation (docs/extraction.md, "Who may
create a final result"): in single entry the result form adds one; in dual extraction it is
refused on every path but reconciliation — the form (GET and POST, per role), the service and
the admin — while corrections of an existing final result stay allowed and recorded."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from reviews.assignments.services import set_extraction_mode
from synthesis.models import OutcomeResult
from synthesis.services import DIRECT_ENTRY_REFUSED, DirectEntryRefused, save_result

from .extraction_helpers import dual_project, member
from .test_results_forms import form_data

ROLES = ["anonymous", "reader", "researcher", "owner"]
NOT_A_RESEARCHER = "You are not a researcher on this umbrella review."


@pytest.fixture
def p(make_umbrella, make_review):
    """A dual-extraction project with an owner, a researcher and a reader."""
    project = dual_project(make_umbrella, make_review)
    project.researcher = member(project.umbrella, "researcher-1")
    project.reader = member(project.umbrella, "reader-1", "reader")
    return project


def log_in(client, p, role):
    if role != "anonymous":
        client.force_login(getattr(p, role))


def switch(p, mode):
    p.umbrella.refresh_from_db()
    set_extraction_mode(umbrella=p.umbrella, mode=mode, expected_version=p.umbrella.version)


def add_url(p):
    return reverse("synthesis:result-add", args=[p.umbrella.slug, p.review.pk])


def expected_refusal(response, role):
    """The answer to anyone but a writer, the same in both modes; True if it was one."""
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        return True
    if role == "reader":
        assert response.status_code == 403
        assert NOT_A_RESEARCHER in response.content.decode()
        return True
    return False


@pytest.mark.parametrize("role", ROLES)
def test_in_dual_extraction_the_add_url_is_refused_to_every_role(client, p, role):
    log_in(client, p, role)
    page = client.get(add_url(p))
    posted = client.post(add_url(p), form_data(p.outcome))
    preview = client.post(add_url(p), form_data(p.outcome, preview="1"))
    assert not OutcomeResult.objects.exists()
    for response in (page, posted, preview):
        if expected_refusal(response, role):
            continue
        assert response.status_code == 403
        html = response.content.decode()
        assert escape(DIRECT_ENTRY_REFUSED) in html
        assert "Nothing was saved." in html
        assert 'name="estimate"' not in html  # no form to fill in
        slug, pk = p.umbrella.slug, p.review.pk
        for url in (
            reverse("synthesis:extraction", args=[slug, pk, "first"]),
            reverse("synthesis:extraction", args=[slug, pk, "second"]),
            reverse("synthesis:extraction-compare", args=[slug, pk]),
        ):
            assert f'href="{url}"' in html
        # Only an owner may switch the mode back, so only an owner is pointed there.
        settings = reverse("reviews:settings-extraction", args=[slug])
        assert (f'href="{settings}"' in html) == (role == "owner")


@pytest.mark.parametrize("role", ROLES)
def test_in_single_entry_writers_add_results_on_the_form(client, p, role):
    switch(p, "single")
    log_in(client, p, role)
    page = client.get(add_url(p))
    posted = client.post(add_url(p), form_data(p.outcome))
    if expected_refusal(page, role):
        expected_refusal(posted, role)
        assert not OutcomeResult.objects.exists()
        return
    assert page.status_code == 200
    assert 'name="estimate"' in page.content.decode()
    assert posted.status_code == 302
    saved = OutcomeResult.objects.get()
    assert (saved.review, saved.outcome, saved.estimate) == (p.review, p.outcome, 0.86)
    assert (saved.ci_low, saved.ci_high, saved.entered_by) == (0.66, 1.13, getattr(p, role))


def test_a_final_result_is_corrected_in_dual_extraction_and_keeps_its_history(client, p):
    switch(p, "single")
    client.force_login(p.researcher)
    client.post(add_url(p), form_data(p.outcome))
    result = OutcomeResult.objects.get()
    switch(p, "dual")
    edit = reverse("synthesis:result-edit", args=[p.umbrella.slug, p.review.pk, result.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, form_data(p.outcome, ci_high="1.31", version=result.version))
    assert response.status_code == 302
    result.refresh_from_db()
    assert (result.ci_high, result.version) == (1.31, 2)
    assert [h.ci_high for h in result.history.order_by("history_date")] == [1.13, 1.31]


def test_switching_back_to_single_entry_restores_direct_entry(client, p):
    client.force_login(p.owner)
    assert client.post(add_url(p), form_data(p.outcome)).status_code == 403
    switch(p, "single")
    assert client.post(add_url(p), form_data(p.outcome)).status_code == 302
    assert OutcomeResult.objects.get().entered_by == p.owner


def test_a_form_opened_before_the_switch_to_dual_is_refused_on_save(client, p):
    switch(p, "single")
    client.force_login(p.researcher)
    assert client.get(add_url(p)).status_code == 200
    switch(p, "dual")
    response = client.post(add_url(p), form_data(p.outcome))
    assert response.status_code == 403
    assert escape(DIRECT_ENTRY_REFUSED) in response.content.decode()
    assert not OutcomeResult.objects.exists()


def test_the_service_refuses_a_new_result_unless_it_is_reconciled(p):
    result = OutcomeResult(review=p.review, outcome=p.outcome, evidence_type="narrative")
    with pytest.raises(DirectEntryRefused, match="extracts outcome results in duplicate"):
        save_result(result, expected_version=None, user=p.owner)
    assert not OutcomeResult.objects.exists()
    # Reconciliation (synthesis.extraction.services.reconcile) is the one caller saying so.
    saved = save_result(result, expected_version=None, user=p.owner, reconciled=True)
    assert saved.created
    assert OutcomeResult.objects.get() == saved.instance


def admin_data(p, **changes):
    data = {
        "review": p.review.pk,
        "outcome": p.outcome.pk,
        "evidence_type": "narrative",
        "comparator": "not_reported",
        "reanalysis_method": "REML",
        "timepoint": "post",
        "finding": "improvement",
        "finding_override_reason": "",
    }
    return {**data, **changes}


def test_the_admin_refuses_adding_a_result_to_a_dual_project(admin_client, p):
    url = reverse("admin:synthesis_outcomeresult_add")
    refused = admin_client.post(url, admin_data(p))
    assert refused.status_code == 200  # the form again, with the reason on the review
    assert refused.context["adminform"].form.errors["review"] == [DIRECT_ENTRY_REFUSED]
    assert not OutcomeResult.objects.exists()
    switch(p, "single")
    added = admin_client.post(url, admin_data(p))
    assert added.status_code == 302, added.context["adminform"].form.errors
    assert OutcomeResult.objects.get().finding == "improvement"
