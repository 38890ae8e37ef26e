"""The extraction blinding rule on every surface: the rule's two forms, the extraction and
comparison pages, the extractions' CSV, the history and the admin — for every role, both
extractors, before and after both submitted, published or not.

One scene per publication state: review "Before 2020" (extraction 1 submitted, extraction 2 a
draft) and review "After 2021" (both submitted), each extracted by ext-one (slot 1) and
ext-two (slot 2). Each row carries a marker in its source location, so a surface that leaks a
row is caught by its text.
"""

import io
import zipfile
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from reviews.models import IncludedReview, Membership, ReviewType, UmbrellaReview
from synthesis.extraction import services
from synthesis.extraction.visibility import can_see_extraction, visible_extractions
from synthesis.models import ExtractedResult, Extraction, Outcome, OutcomeDomain

pytestmark = pytest.mark.django_db

BEFORE, AFTER = "Before 2020", "After 2021"
ROLES = ["ext-one", "ext-two", "owner", "researcher", "reviewer", "reader", "outsider", "superuser"]
APPRAISERS = {"ext-one", "ext-two", "owner", "researcher", "reviewer", "superuser"}
WRITERS = {"ext-one", "ext-two", "owner", "researcher", "superuser"}
OWN_SLOT = {"ext-one": "first", "ext-two": "second"}


def zip_text(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


def marker(label: str, slot: str) -> str:
    return f"MARK-{label.split()[0].upper()}-{slot.upper()}"


def build(
    published: bool,
) -> tuple[UmbrellaReview, dict[str, Any], dict[tuple[str, str], Extraction]]:
    users = get_user_model().objects
    umbrella = UmbrellaReview.objects.create(
        title="Blinded extraction", slug="blinded", is_published=published, extraction_mode="dual"
    )
    elsewhere = UmbrellaReview.objects.create(title="Elsewhere", slug="elsewhere")
    people: dict[str, Any] = {"anonymous": AnonymousUser()}
    for role in ROLES:
        people[role] = users.create_user(role, is_staff=True, is_superuser=role == "superuser")
        membership = {"ext-one": "researcher", "ext-two": "researcher"}.get(role, role)
        if role == "outsider":
            Membership.objects.create(umbrella=elsewhere, user=people[role], role="owner")
        elif role != "superuser":
            Membership.objects.create(umbrella=umbrella, user=people[role], role=membership)
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Service use")
    outcome = Outcome.objects.create(umbrella=umbrella, name="Admissions", domain=domain)
    extractions = {}
    for label in (BEFORE, AFTER):
        review = IncludedReview.objects.create(
            umbrella=umbrella, label=label, title=label, review_type=ReviewType.SR_META_ANALYSIS
        )
        for slot, person in (("first", "ext-one"), ("second", "ext-two")):
            user = people[person]
            extraction = services.open_extraction(review=review, slot=slot, user=user)
            row = ExtractedResult(
                extraction=extraction,
                outcome=outcome,
                evidence_type="narrative",
                finding="mixed",
                source_location=marker(label, slot),
            )
            row.full_clean()
            services.save_row(row, expected_version=None, user=user)
            if label == AFTER or slot == "first":
                extraction = services.submit_extraction(
                    extraction, expected_version=extraction.version, user=user
                )
            extractions[(label, slot)] = extraction
    return umbrella, people, extractions


def expected(role: str, published: bool) -> set[tuple[str, str]]:
    """(review, slot) of the extractions the rule shows `role`."""
    if role not in APPRAISERS:
        return set()  # readers, visitors, outsiders: final results only
    own = {(BEFORE, OWN_SLOT[role])} if role in OWN_SLOT else set()
    return {(AFTER, "first"), (AFTER, "second")} | own


@pytest.mark.parametrize("published", [True, False], ids=["published", "unpublished"])
def test_every_surface_shows_each_viewer_the_extractions_the_rule_says(client, published):
    umbrella, people, extractions = build(published)
    slug = umbrella.slug
    for role, user in people.items():
        want = expected(role, published)
        key_of = {e.pk: key for key, e in extractions.items()}
        # The rule, as a queryset and over plain values, agree.
        shown = {
            key_of[pk] for pk in visible_extractions(user, umbrella).values_list("pk", flat=True)
        }
        assert shown == want, role
        for key, extraction in extractions.items():
            assert can_see_extraction(user, extraction) is (key in want), (role, key)

        client.logout()
        if role != "anonymous":
            client.force_login(user)
        reads = published or role not in ("anonymous", "outsider")

        # The extractions' CSV: the rows of the visible extractions, nothing else.
        response = client.get(reverse("synthesis:extraction-export", args=[slug]))
        if role in APPRAISERS:
            text = response.content.decode()
            for key in extractions:
                assert (marker(*key) in text) is (key in want), (role, key)
        else:
            assert response.status_code in (302, 403, 404), role
            assert "MARK-" not in response.content.decode()

        if role in ("owner", "ext-one"):
            # The project workbook holds final results only: no extraction, hidden or not.
            workbook = client.get(reverse("dataio:export", args=[slug, "zip"]))
            assert workbook.status_code == 200
            assert b"MARK-" not in zip_text(workbook.content)

        for key, extraction in extractions.items():
            label, slot = key
            review_id = extraction.review_id
            # The extraction page (writers only): the other's extraction is a 403 until both
            # submitted.
            page = client.get(reverse("synthesis:extraction", args=[slug, review_id, slot]))
            if role in WRITERS:
                assert page.status_code == (200 if key in want else 403), (role, key)
            assert (marker(*key) in page.content.decode()) is False or key in want
            # The history of the extraction and of its row: a hidden one is a 404.
            row = extraction.rows.get()
            for model, pk in (
                ("synthesis.extraction", extraction.pk),
                ("synthesis.extractedresult", row.pk),
            ):
                url = reverse("reviews:history", args=[slug, model, pk])
                status = client.get(url).status_code
                if role == "anonymous":
                    assert status == 302
                elif role == "outsider":
                    assert status == (403 if published else 404)
                elif role in APPRAISERS:
                    assert status == (200 if key in want else 404), (role, key, model)

        # The comparison opens once both submitted, for the project's team.
        for label in (BEFORE, AFTER):
            review_id = extractions[(label, "first")].review_id
            page = client.get(reverse("synthesis:extraction-compare", args=[slug, review_id]))
            if role in APPRAISERS:
                assert page.status_code == (200 if label == AFTER else 403), (role, label)
                if label == AFTER:
                    body = page.content.decode()
                    assert "Admissions" in body
            elif not reads:
                assert page.status_code == (302 if role == "anonymous" else 404)
            else:
                assert page.status_code in (302, 403)


def test_the_admin_shows_staff_only_the_extractions_the_rule_says(client):
    _, people, extractions = build(published=True)
    client.force_login(people["superuser"])  # counts as an owner: blinded like one
    listed = client.get(reverse("admin:synthesis_extraction_changelist"))
    shown = {str(e) for e in listed.context["cl"].result_list}
    assert shown == {f"{AFTER} – Extraction 1", f"{AFTER} – Extraction 2"}
    rows = client.get(reverse("admin:synthesis_extractedresult_changelist"))
    assert {r.source_location for r in rows.context["cl"].result_list} == {
        marker(AFTER, "first"),
        marker(AFTER, "second"),
    }
    hidden = extractions[(BEFORE, "second")]
    change = reverse("admin:synthesis_extraction_change", args=[hidden.pk])
    assert client.get(change).status_code == 302  # Django's "does not exist" redirect
