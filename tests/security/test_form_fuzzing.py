"""Every data-entry form takes arbitrary text and numbers without a server error.

Each example posts random values under the form's own field names (read from the page), as a
logged-in owner; the answer must be a form error (4xx or the form again) or a save (a redirect),
never a 500.
"""

import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_permission_matrix import project  # noqa: F401  (the shared project fixture)

FORMS = [
    "reviews:members",
    "reviews:review-studies",
    "reviews:factor-add",
    "reviews:factor-edit",
    "reviews:subtheme-add",
    "reviews:subtheme-edit",
    "synthesis:narrative-edit",
    "reviews:prisma-edit",
    "synthesis:result-edit",
    "synthesis:study-add",
    "synthesis:study-edit",
    "synthesis:selection-rule",
    "synthesis:selection-override",
    "appraisal:appraisal-form",
    "dataio:import",  # the file itself is fuzzed by nothing here: a text value is refused
    "reviews:assignments",  # the bulk spread
    "reviews:settings-extraction",  # the extraction mode
    "reviews:review-assignments",
    # Issue 16: the settings pages, the review, report and excluded-review pages, publishing.
    "reviews:project-settings",
    "reviews:settings-terms",
    "reviews:settings-term-edit",
    "reviews:settings-term-merge",
    "appraisal:settings",
    "synthesis:settings",
    "reviews:review-add",
    "reviews:review-edit",
    "reviews:review-delete",
    "reviews:report-add",
    "reviews:report-edit",
    "reviews:report-delete",
    "reviews:excluded-add",
    "reviews:excluded-edit",
    "reviews:excluded-delete",
    "reviews:publish",
    "reviews:umbrella-create",  # a site page: no project in its URL
    "tokens:list",  # issue 19: an account page (a new token's name)
    "releases:release-add",  # issue 20: the notes of a release (the number guards a stale page)
]
SITE_PAGES = {"reviews:umbrella-create", "tokens:list"}
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
SKIP = {"csrfmiddlewaretoken", "file", "upload"}

values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", "0", "-1", "1e309", "NaN", "yes", "no", "<script>", "' OR 1=1 --"]),
)


@pytest.mark.parametrize("name", FORMS)
def test_forms_never_fail_with_a_server_error(client, project, name):  # noqa: F811
    umbrella, users, kwargs = project
    client.force_login(users["owner"])
    if name in SITE_PAGES:
        url = reverse(name)
    else:
        url = reverse(name, kwargs={"slug": umbrella.slug, **kwargs.get(name, {})})
    page = client.get(url)
    assert page.status_code == 200
    fields = sorted(set(FIELD.findall(page.content.decode())) - SKIP)
    assert fields, f"no form fields found on {url}"

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries(dict.fromkeys(fields, values)))
    def post(data):
        response = client.post(url, data)
        assert response.status_code < 500, (data, response.status_code)

    post()


# POST-only actions (buttons on other pages): their fields are named here, not read from a page.
ACTIONS = {
    "reviews:study-merge": ["kept", "merged"],
    "reviews:study-not-duplicate": ["a", "b"],
    "reviews:history": ["history_id"],
    "synthesis:result-check": ["version"],
    # The shared project extracts in duplicate: adding is refused before any input is read.
    "synthesis:result-add": ["outcome", "estimate", "ci_low", "ci_high", "version", "preview"],
    "synthesis:study-paste": ["rows"],
    "synthesis:reanalysis-method": ["method"],
    "synthesis:study-delete": ["version"],
    "synthesis:extraction": ["start", "submit", "version"],
    "synthesis:extraction-row-delete": ["version"],
    "synthesis:extraction-reconcile": ["rows", "outcome", "estimate", "version"],
    "reviews:invite": ["invite-email", "invite-role"],
    # The fixture's term is in use, so its page shows the refusal without a form.
    "reviews:settings-term-delete": ["version"],
}
# Writing URLs fuzzed elsewhere or taking no input.
NOT_FUZZED_HERE = {
    "reviews:study-duplicates": "a page; its buttons post to study-merge and study-not-duplicate",
    "reviews:study-merge-undo": "takes no fields (the merge is in the URL)",
    "appraisal:appraisal-compare": "a read-only comparison of the two raters (no form)",
    "dataio:import-status": "a read-only status page (its buttons post to confirm and cancel)",
    "dataio:import-report": "a CSV download",
    "dataio:import-confirm": "takes no fields (the upload is in the URL)",
    "dataio:import-cancel": "takes no fields (the upload is in the URL)",
    "synthesis:extraction-row-add": "final in the shared project (both extractions submitted); "
    "its form is the outcome result's, fuzzed as synthesis:result-edit",
    "synthesis:extraction-row-edit": "as synthesis:extraction-row-add",
    "synthesis:extraction-compare": "a read-only comparison of the two extractions (no form)",
    "synthesis:extraction-export": "a CSV download",
    "synthesis:progress": "a read-only dashboard (its filters are a GET form)",
    "synthesis:progress-csv": "a CSV download",
    "synthesis:my-tasks": "a read-only list of links",
    "reviews:invitation-resend": "takes no fields (the invitation is in the URL)",
    "reviews:invitation-revoke": "takes no fields (the invitation is in the URL)",
    "tokens:revoke": "takes no fields (the token is in the URL; someone else's is a 404, "
    "tests/api/test_tokens.py)",
    "releases:publish-status": "a read-only status page (publishing again is release-add)",
    "releases:publish-cancel": "takes no fields (the job is in the URL; "
    "tests/releases/test_publish_cancel.py)",
}


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_post_only_actions_never_fail_with_a_server_error(client, project, name):  # noqa: F811
    umbrella, users, kwargs = project
    client.force_login(users["owner"])
    url = reverse(name, kwargs={"slug": umbrella.slug, **kwargs.get(name, {})})

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries(dict.fromkeys(ACTIONS[name], values)))
    def post(data):
        response = client.post(url, data)
        assert response.status_code < 500, (data, response.status_code)

    post()


def test_every_writing_url_is_fuzzed():
    """A new page or action that writes must join FORMS or ACTIONS (or say why not)."""
    from .test_permission_matrix import ACCOUNT, READ, RULES

    writing = {name for name, (level, _) in RULES.items() if level not in (READ, ACCOUNT)}
    covered = set(FORMS) | set(ACTIONS) | set(NOT_FUZZED_HERE)
    assert sorted(writing - covered) == []
