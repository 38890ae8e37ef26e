"""Every URL × {anonymous, reader, researcher, owner, member of another project} × {published,
unpublished} answers as the access rules say (docs/security.md).

The URL list comes from the URL configuration itself, so a new page without a rule here fails
`test_every_url_has_a_rule`.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver
from django.utils import timezone

from appraisal.services import ItemInput, save_appraisal
from dataio.models import ImportJob
from dataio.uploads import report_path
from releases.models import PublishJob
from releases.services import publish_release
from reviews.members.models import token_digest
from reviews.models import (
    ExcludedReview,
    ExclusionReason,
    ExperienceSubtheme,
    ExperienceTheme,
    ImplementationFactor,
    IncludedReview,
    Invitation,
    Membership,
    PrimaryStudy,
    Report,
    ResearchQuestion,
    ReviewType,
    UmbrellaReview,
)
from reviews.studies.services import merge_studies
from synthesis.extraction import services as extraction_services
from synthesis.models import ExtractedResult, Outcome, OutcomeDomain, OutcomeResult, StudyEffect

READ, MEMBER, WRITE, APPRAISE, MANAGE, ACCOUNT, LOGIN, UPLOADER = (
    "read",
    "member",
    "write",
    "appraise",
    "manage",
    "account",
    "login",  # any logged-in user; anonymous visitors are sent to log in
    "uploader",  # a writer of the project, and only the one who uploaded (an import job)
)
SITE_LEVELS = {ACCOUNT, LOGIN}  # pages not about one umbrella review (no slug)

API_PROJECT_RESOURCES = [
    "project", "review", "reviews", "appraisals", "outcomes", "outcome-overlap", "results",
    "study-effects", "overlap", "cfir-factors", "experience-themes", "key-findings", "prisma",
    "summary-of-findings",
]  # fmt: skip
# URL name → (access level, status for an allowed user's GET). POST-only actions answer 405.
RULES = {
    "reviews:home": (ACCOUNT, 200),
    "reviews:glossary": (ACCOUNT, 200),
    "reviews:umbrella-detail": (READ, 200),
    "reviews:members": (MANAGE, 200),
    "reviews:invite": (MANAGE, 405),
    "reviews:invitation-resend": (MANAGE, 405),
    "reviews:invitation-revoke": (MANAGE, 405),
    "reviews:invitation-accept": (ACCOUNT, 200),  # whoever holds the link
    "reviews:signup": (ACCOUNT, 404),  # open sign-up is off by default
    "reviews:umbrella-create": (LOGIN, 200),
    "reviews:publish": (MANAGE, 200),
    "reviews:project-settings": (MANAGE, 200),
    "reviews:settings-extraction": (MANAGE, 200),
    "reviews:settings-terms": (MANAGE, 200),
    "reviews:settings-term-edit": (MANAGE, 200),
    "reviews:settings-term-merge": (MANAGE, 200),
    "reviews:settings-term-delete": (MANAGE, 200),  # a confirmation (or refusal) page
    "appraisal:settings": (MANAGE, 200),
    "synthesis:settings": (MANAGE, 200),
    "reviews:review-add": (WRITE, 200),
    "reviews:review-edit": (WRITE, 200),
    "reviews:review-delete": (WRITE, 200),  # a confirmation page
    "reviews:report-add": (WRITE, 200),
    "reviews:report-edit": (WRITE, 200),
    "reviews:report-delete": (WRITE, 200),
    "reviews:excluded-list": (READ, 200),
    "reviews:excluded-add": (WRITE, 200),
    "reviews:excluded-edit": (WRITE, 200),
    "reviews:excluded-delete": (WRITE, 200),
    "reviews:history": (MEMBER, 200),
    "reviews:review-list": (READ, 200),
    "reviews:review-detail": (READ, 200),
    "reviews:overlap": (READ, 200),
    "synthesis:outcome-overlap": (READ, 200),
    "reviews:overlap-matrix": (READ, 200),
    "reviews:study-list": (READ, 200),
    "reviews:study-duplicates": (WRITE, 200),
    "reviews:study-merge": (WRITE, 405),
    "reviews:study-not-duplicate": (WRITE, 405),
    "reviews:study-merge-undo": (WRITE, 405),
    "reviews:review-studies": (WRITE, 200),
    "reviews:implementation": (READ, 200),
    "reviews:factor-add": (WRITE, 200),
    "reviews:factor-edit": (WRITE, 200),
    "reviews:experiences": (READ, 200),
    "reviews:subtheme-add": (WRITE, 200),
    "reviews:subtheme-edit": (WRITE, 200),
    "synthesis:key-findings": (READ, 200),
    "synthesis:summary-of-findings": (READ, 200),
    "synthesis:summary-export-csv": (READ, 200),
    "synthesis:summary-export-xlsx": (READ, 200),
    "synthesis:selection-rule": (MANAGE, 200),
    "synthesis:selection-override": (MANAGE, 200),
    "synthesis:narrative-edit": (WRITE, 200),
    "reviews:prisma": (READ, 200),
    "reviews:prisma-svg": (READ, 200),
    "reviews:prisma-png": (READ, 200),
    "reviews:prisma-edit": (WRITE, 200),
    "synthesis:overview": (READ, 200),
    "synthesis:outcome-detail": (READ, 200),
    "synthesis:export-csv": (READ, 200),
    "synthesis:export-xlsx": (READ, 200),
    # The fixture extracts in duplicate: adding a final result outside reconciliation is
    # refused to writers too (403 with the reason; tests/synthesis/test_direct_entry.py has
    # both modes per role).
    "synthesis:result-add": (WRITE, 403),
    "synthesis:result-edit": (WRITE, 200),
    "synthesis:result-check": (WRITE, 405),
    "synthesis:reanalysis": (READ, 200),
    "synthesis:study-add": (WRITE, 200),
    "synthesis:study-paste": (WRITE, 405),
    "synthesis:reanalysis-method": (WRITE, 405),
    "synthesis:study-edit": (WRITE, 200),
    "synthesis:study-delete": (WRITE, 200),  # a confirmation page
    "appraisal:appraisal-table": (READ, 200),
    "appraisal:appraisal-export-csv": (READ, 200),
    "appraisal:appraisal-export-xlsx": (READ, 200),
    "appraisal:appraisal-export-robvis": (READ, 200),
    "appraisal:appraisal-compare": (APPRAISE, 200),
    "appraisal:appraisal-form": (APPRAISE, 200),
    "dataio:import": (WRITE, 200),
    "dataio:import-status": (UPLOADER, 200),
    "dataio:import-report": (UPLOADER, 200),
    "dataio:import-confirm": (WRITE, 405),
    "dataio:import-cancel": (WRITE, 405),
    "dataio:export": (READ, 200),
    "dataio:export-metaumbrella": (READ, 200),
    "dataio:template": (ACCOUNT, 200),
    # Dual extraction (issue 17): both extractions are submitted in the fixture, so a row
    # form is final for everyone (403) and the reconcile page wants its rows chosen (404).
    "reviews:assignments": (MANAGE, 200),
    "reviews:review-assignments": (MANAGE, 200),
    "synthesis:extraction": (WRITE, 200),
    "synthesis:extraction-row-add": (WRITE, 403),
    "synthesis:extraction-row-edit": (WRITE, 403),
    "synthesis:extraction-row-delete": (WRITE, 405),
    "synthesis:extraction-compare": (APPRAISE, 200),
    "synthesis:extraction-reconcile": (WRITE, 404),
    "synthesis:extraction-export": (APPRAISE, 200),
    "synthesis:progress": (MEMBER, 200),
    "synthesis:progress-csv": (MEMBER, 200),
    "synthesis:my-tasks": (MEMBER, 200),
    # The read API (issue 19): JSON answers under the pages' rules; its root, schema and docs
    # are open; personal tokens are an account page.
    **{f"api:{name}": (ACCOUNT, 200) for name in ("root", "schema", "docs", "projects")},
    **{f"api:{name}": (READ, 200) for name in API_PROJECT_RESOURCES},
    "tokens:list": (LOGIN, 200),
    "tokens:revoke": (LOGIN, 405),
    # Living releases (issue 20): read like the project; only owners publish one; the "as of"
    # links redirect to the release's frozen copy.
    **{
        f"releases:{name}": (READ, 200)
        for name in (
            "release-list",
            "changes",
            "draft",
            "feed",
            "release-detail",
            "workbook",
            "cite-bib",
            "cite-json",
        )
    },
    "releases:release-add": (MANAGE, 200),
    "releases:publish-status": (MANAGE, 200),  # a publish on its way, then its outcome
    "releases:publish-cancel": (MANAGE, 405),  # POST only: tests/releases/test_publish_cancel.py
    "releases:read": (READ, 302),
    "releases:read-page": (READ, 302),
}
RELEASE_PAGES = {name for name in RULES if name.startswith("releases:")}
# Account pages are not about one umbrella review; tests/security/test_accounts.py covers them.
NOT_PROJECT_PAGES = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
USERS = ["anonymous", "reader", "researcher", "owner", "outsider"]
# User data that would run if any page or plot printed it unescaped.
EVIL = '<script>alert(1)</script> "quoted" & more'

ALLOWED = {
    MEMBER: {"reader", "researcher", "owner"},
    WRITE: {"researcher", "owner"},
    APPRAISE: {"researcher", "owner"},
    MANAGE: {"owner"},
}


def url_names(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                yield from url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_has_a_rule():
    names = set(url_names()) - NOT_PROJECT_PAGES
    assert sorted(names - RULES.keys()) == [], "add the new pages to RULES"
    assert sorted(RULES.keys() - names) == [], "remove rules of pages that are gone"


def expected_status(level: str, allowed_status: int, user: str, published: bool) -> int:
    if level == ACCOUNT:
        return allowed_status
    if level == LOGIN:
        return 302 if user == "anonymous" else allowed_status
    if level == READ:
        return allowed_status if published or user not in {"anonymous", "outsider"} else 404
    if user == "anonymous":
        return 302  # to the log-in page, before anything is looked up
    if user == "outsider":
        return 403 if published else 404
    if level == UPLOADER:  # the owner uploaded; the researcher, a writer too, is not shown it
        return {"owner": allowed_status, "researcher": 404}.get(user, 403)
    return allowed_status if user in ALLOWED[level] else 403


def extract_twice(review, outcome, first, second) -> int:
    """Both extractions of `review` submitted, one row each; the first row's id."""
    rows = []
    for slot, user in (("first", first), ("second", second)):
        extraction = extraction_services.open_extraction(review=review, slot=slot, user=user)
        row = ExtractedResult(
            extraction=extraction,
            outcome=outcome,
            evidence_type="narrative",
            finding="improvement",
            note=f"Extracted {EVIL}",
        )
        rows.append(extraction_services.save_row(row, expected_version=None, user=user).instance)
        extraction_services.submit_extraction(extraction, expected_version=1, user=user)
    return rows[0].pk


@pytest.fixture
def project(db):
    umbrella = UmbrellaReview.objects.create(
        title=f"Project {EVIL}", slug="project", extraction_mode="dual"
    )
    other = UmbrellaReview.objects.create(title="Another project", slug="other")
    users = {name: get_user_model().objects.create_user(name) for name in USERS[1:]}
    for name in ("reader", "researcher", "owner"):
        Membership.objects.create(umbrella=umbrella, user=users[name], role=name)
    Membership.objects.create(umbrella=other, user=users["outsider"], role="owner")
    return umbrella, users, add_page_rows(umbrella, users)


def add_page_rows(umbrella, users) -> dict[str, dict]:
    """One row of every kind a page shows, in `umbrella` (dual extraction), written by
    `users["researcher"]` and `users["owner"]`; the URL kwargs of the pages about them.
    tests/browser/test_every_page.py adds them to the peer-support example too."""
    review = IncludedReview.objects.create(
        umbrella=umbrella,
        label=f"Ann 2020 {EVIL}",
        title=f"A review {EVIL}",
        review_type=ReviewType.SR_META_ANALYSIS,
    )
    question, _ = ResearchQuestion.objects.get_or_create(
        umbrella=umbrella, code="RQ1", defaults={"text": "Does it work?"}
    )
    domain, _ = OutcomeDomain.objects.get_or_create(umbrella=umbrella, name="Clinical")
    outcome = Outcome.objects.create(umbrella=umbrella, name=f"Depression {EVIL}", domain=domain)
    # Its study effect needs a measure that can be re-analysed (the model's rule, which the
    # workbook import of a release's frozen copy applies too).
    result = OutcomeResult.objects.create(
        review=review,
        outcome=outcome,
        evidence_type="narrative",
        finding="improvement",
        measure="smd",
    )
    effect = StudyEffect.objects.create(
        outcome_result=result,
        label="Trial 1",
        kind="estimate",
        estimate=0.2,
        ci_low=0.1,
        ci_high=0.3,
    )
    kept, merged = (
        PrimaryStudy.objects.create(umbrella=umbrella, label=f"Study {n}", title="Same trial")
        for n in (1, 2)
    )
    merge = merge_studies(kept=kept, merged=merged, user=users["owner"])
    factor = ImplementationFactor.objects.create(
        umbrella=umbrella,
        code="C99",
        domain="inner_setting",
        statement=f"Supervision {EVIL}",
        valence="facilitator",
    )
    theme = ExperienceTheme.objects.create(umbrella=umbrella, name="Connection")
    subtheme = ExperienceSubtheme.objects.create(
        theme=theme, code="E99", statement="Shared experience", valence="positive"
    )
    report = Report.objects.create(review=review, title=f"A further report {EVIL}")
    reason = ExclusionReason.objects.create(umbrella=umbrella, name=f"Wrong design {EVIL}")
    excluded = ExcludedReview.objects.create(
        umbrella=umbrella, title=f"An excluded review {EVIL}", reason=reason
    )
    job = ImportJob.objects.create(
        umbrella=umbrella, user=users["owner"], name=f"{EVIL}.csv", status="refused"
    )
    report_path(job).parent.mkdir(parents=True, exist_ok=True)
    report_path(job).write_text("sheet,row,column,value,reason\n", encoding="utf-8")
    publishing = PublishJob.objects.create(
        umbrella=umbrella, user=users["owner"], number=1, notes=EVIL, status="refused",
        reasons=[f"Refused {EVIL}"],
    )  # fmt: skip
    answers = {n: ItemInput(answer="yes") for n in range(1, 17) if n not in (9, 11)}
    answers |= {9: ItemInput(rct="yes"), 11: ItemInput(rct="yes")}
    for role, rater in (("first", users["researcher"]), ("second", users["owner"])):
        save_appraisal(
            review=review, role=role, rater=rater, items=answers, expected_version=0, submit=True
        )
    extracted = extract_twice(review, outcome, users["researcher"], users["owner"])
    invitation = Invitation.objects.create(
        umbrella=umbrella,
        email="invitee@example.org",
        role="researcher",
        token_hash=token_digest("matrix-token"),
        sent_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=7),
    )
    return {
        "reviews:review-assignments": {"pk": review.pk},
        "synthesis:extraction": {"pk": review.pk, "slot": "first"},
        "synthesis:extraction-row-add": {"pk": review.pk, "slot": "first"},
        "synthesis:extraction-row-edit": {"pk": review.pk, "slot": "first", "row_pk": extracted},
        "synthesis:extraction-row-delete": {"pk": review.pk, "slot": "first", "row_pk": extracted},
        "synthesis:extraction-compare": {"pk": review.pk},
        "synthesis:extraction-reconcile": {"pk": review.pk},
        "reviews:invitation-accept": {"token": "matrix-token"},
        "reviews:invitation-resend": {"pk": invitation.pk},
        "reviews:invitation-revoke": {"pk": invitation.pk},
        "reviews:review-detail": {"pk": review.pk},
        "reviews:settings-terms": {"kind": "outcomes"},
        "reviews:settings-term-edit": {"kind": "outcomes", "pk": outcome.pk},
        "reviews:settings-term-merge": {"kind": "outcomes", "pk": outcome.pk},
        "reviews:settings-term-delete": {"kind": "exclusion-reasons", "pk": reason.pk},
        "reviews:review-edit": {"pk": review.pk},
        "reviews:review-delete": {"pk": review.pk},
        "reviews:report-add": {"pk": review.pk},
        "reviews:report-edit": {"pk": review.pk, "report_pk": report.pk},
        "reviews:report-delete": {"pk": review.pk, "report_pk": report.pk},
        "reviews:excluded-edit": {"pk": excluded.pk},
        "reviews:excluded-delete": {"pk": excluded.pk},
        "reviews:history": {"model": "reviews.includedreview", "pk": review.pk},
        "synthesis:outcome-overlap": {"pk": outcome.pk},
        "reviews:study-merge-undo": {"pk": merge.pk},
        "reviews:review-studies": {"pk": review.pk},
        "reviews:factor-edit": {"pk": factor.pk},
        "reviews:subtheme-edit": {"pk": subtheme.pk},
        "synthesis:narrative-edit": {"code": question.code},
        "synthesis:outcome-detail": {"pk": outcome.pk},
        "synthesis:selection-override": {"pk": outcome.pk},
        "synthesis:result-add": {"pk": review.pk},
        "synthesis:result-edit": {"pk": review.pk, "result_pk": result.pk},
        "synthesis:result-check": {"pk": review.pk, "result_pk": result.pk},
        "synthesis:reanalysis": {"pk": result.pk},
        "synthesis:study-add": {"pk": result.pk},
        "synthesis:study-paste": {"pk": result.pk},
        "synthesis:reanalysis-method": {"pk": result.pk},
        "synthesis:study-edit": {"pk": result.pk, "study_pk": effect.pk},
        "synthesis:study-delete": {"pk": result.pk, "study_pk": effect.pk},
        "appraisal:appraisal-compare": {"pk": review.pk},
        # The consensus opens once both raters have submitted, as they have here.
        "appraisal:appraisal-form": {"pk": review.pk, "role": "consensus"},
        "dataio:export": {"fmt": "xlsx"},
        "api:review": {"pk": review.pk},
        "api:outcome-overlap": {"pk": outcome.pk},
        "tokens:revoke": {"pk": 1},  # GET is refused before any token is looked up
        # Release 1 exists once `add_release` ran (the pages that need it call it).
        **{
            f"releases:{name}": {"number": 1}
            for name in ("release-detail", "workbook", "cite-bib", "cite-json", "read")
        },
        "releases:read-page": {"number": 1, "rest": "reviews/"},
        "releases:publish-status": {"job": publishing.pk},
        "releases:publish-cancel": {"job": publishing.pk},
        **{
            f"dataio:import-{page}": {"job": job.pk}
            for page in ("status", "report", "confirm", "cancel")
        },
    }


def add_release(umbrella, users) -> None:
    """Release 1 of `umbrella` (published for the moment it takes), its notes user data."""
    published = umbrella.is_published
    UmbrellaReview.objects.filter(pk=umbrella.pk).update(is_published=True)
    umbrella.refresh_from_db()
    publish_release(umbrella=umbrella, user=users["owner"], notes=f"Release notes {EVIL}")
    UmbrellaReview.objects.filter(pk=umbrella.pk).update(is_published=published)


@pytest.mark.parametrize("name", sorted(RULES))
def test_access_matrix(client, project, name):
    umbrella, users, kwargs = project
    if name in RELEASE_PAGES:
        add_release(umbrella, users)
    level, allowed_status = RULES[name]
    url_kwargs = kwargs.get(name, {})
    if level not in SITE_LEVELS:
        url_kwargs = {"slug": umbrella.slug, **url_kwargs}
    url = reverse(name, kwargs=url_kwargs)
    seen = {}
    for published in (True, False):
        UmbrellaReview.objects.filter(pk=umbrella.pk).update(is_published=published)
        for user in USERS:
            client.logout()
            if user != "anonymous":
                client.force_login(users[user])
            seen[(user, published)] = client.get(url).status_code
    expected = {
        (user, published): expected_status(level, allowed_status, user, published)
        for user in USERS
        for published in (True, False)
    }
    assert seen == expected


@pytest.mark.parametrize(
    "name", sorted(name for name, (level, _) in RULES.items() if level not in SITE_LEVELS)
)
def test_user_data_is_escaped_on_every_page_and_in_plots(client, project, name):
    umbrella, users, kwargs = project
    if name in RELEASE_PAGES:
        add_release(umbrella, users)
    client.force_login(users["owner"])
    response = client.get(reverse(name, kwargs={"slug": umbrella.slug, **kwargs.get(name, {})}))
    if not response["Content-Type"].startswith("text/html"):
        return  # CSV, XLSX, SVG and PNG downloads are data files, not pages
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&quot;quoted&quot;" in page or '"quoted"' not in page
