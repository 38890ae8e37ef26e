"""The blinding rule on every surface — the appraisal pages, the history, the downloads and the
admin — for every role × rater slot × published/unpublished × before/after both raters
submitted (the scene and the rule's expectations: tests/security/blinding.py).

Only URLs and services are used here, so these tests say what a visitor gets, whatever helper
decides it.
"""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from .blinding import (
    APPRAISERS,
    CONSENSUS,
    FIRST,
    MARKERS,
    RATED,
    RATER_NAMES,
    SECOND,
    build,
    cases,
    expected,
)

pytestmark = pytest.mark.django_db


def history_url(scene, model, pk):
    return reverse(
        "reviews:history", kwargs={"slug": scene.umbrella.slug, "model": model, "pk": pk}
    )


def zip_tables(content: bytes) -> dict[str, list[dict]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name.removesuffix(".csv"): list(
                csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig")))
            )
            for name in archive.namelist()
        }


def history_status(role: str, published: bool, visible: bool) -> int:
    if role == "anonymous":
        return 302  # log in first: the history is for members
    if role == "outsider":
        return 403 if published else 404
    return 200 if visible else 404  # a hidden record is as absent as a missing one


@pytest.mark.parametrize(("role", "slot", "published", "state"), cases())
def test_every_surface_shows_each_viewer_what_the_rule_says(client, role, slot, published, state):
    scene = build(role, slot, published, state)
    if scene.viewer is not None:
        client.force_login(scene.viewer)
    want = expected(role, slot, published, state)
    reads = published or role not in ("anonymous", "outsider")
    slug = scene.umbrella.slug

    # The whole-project export: the appraisals and answers the rule shows, nothing else.
    response = client.get(reverse("dataio:export", args=[slug, "zip"]))
    if not reads:
        assert response.status_code == 404
    else:
        tables = zip_tables(response.content)
        appraisals = {(row["review"], row["role"]): row for row in tables["appraisals"]}
        assert set(appraisals) == want
        answered = {(row["review"], row["role"]) for row in tables["appraisal_answers"]}
        assert answered == want
        raters = {key: row["rater"] for key, row in appraisals.items()}
        if role in APPRAISERS:
            named = {FIRST: "rater1", SECOND: "rater2"}
            for key in want & named.keys():
                assert raters[key] == scene.raters[named[key]].username
        else:
            assert set(raters.values()) <= {""}  # no usernames for readers and visitors
        text = "".join(str(rows) for rows in tables.values())
        assert {key for key, marker in MARKERS.items() if marker in text} == want

    # The history of each appraisal, of one answer of each, and of a deleted answer.
    for key, appraisal in scene.appraisals.items():
        visible = key in want
        url = history_url(scene, "appraisal.appraisal", appraisal.pk)
        assert client.get(url).status_code == history_status(role, published, visible), key
        answer = appraisal.answers.order_by("item").first()
        url = history_url(scene, "appraisal.itemanswer", answer.pk)
        assert client.get(url).status_code == history_status(role, published, visible), key
    url = history_url(scene, "appraisal.itemanswer", scene.deleted_answer_id)
    assert client.get(url).status_code == history_status(role, published, SECOND in want)

    # The rater forms: open to the project's appraisers, each only where the rule allows.
    if role in APPRAISERS:
        for key in (FIRST, SECOND):
            appraisal = scene.appraisals[key]
            url = reverse(
                "appraisal:appraisal-form",
                kwargs={"slug": slug, "pk": appraisal.review_id, "role": appraisal.role},
            )
            response = client.get(url)
            assert response.status_code == (200 if key in want else 403), key
            assert (MARKERS[key] in response.content.decode()) == (key in want)


@pytest.mark.parametrize("role", ["anonymous", "reader"])
def test_downloads_for_readers_and_visitors_hold_no_rater_data(client, role):
    scene = build(role, "neither", True, "before")
    if scene.viewer is not None:
        client.force_login(scene.viewer)
    slug = scene.umbrella.slug
    hidden = [marker for key, marker in MARKERS.items() if key != CONSENSUS]
    hidden += list(RATER_NAMES.values())

    workbook = client.get(reverse("dataio:export", args=[slug, "xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    rows = list(book["appraisals"].iter_rows(values_only=True))
    assert rows[1:] == [(scene.appraisals[CONSENSUS].review.label, "consensus", "submitted", None)]
    cells = " ".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )
    assert [text for text in hidden if text in cells] == []

    # The other downloads: the AMSTAR 2 table (consensus answers only), the evidence table,
    # the overlap matrix, the PRISMA diagram.
    amstar = client.get(reverse("appraisal:appraisal-export-csv", args=[slug]))
    table = {
        row["review"]: row
        for row in csv.DictReader(io.StringIO(amstar.content.decode("utf-8-sig")))
    }
    assert table[RATED]["item_1"] == ""  # its raters answered; no consensus was submitted
    assert table[scene.appraisals[CONSENSUS].review.label]["item_1"] == "yes"
    for name in (
        "appraisal:appraisal-export-xlsx",
        "synthesis:export-csv",
        "synthesis:export-xlsx",
        "reviews:overlap-matrix",
        "reviews:prisma-svg",
    ):
        response = client.get(reverse(name, args=[slug]))
        assert response.status_code == 200, name
        content = response.content
        if content[:2] == b"PK":  # XLSX: read the text of its parts
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                content = b"".join(archive.read(part) for part in archive.namelist())
        assert [text for text in hidden if text.encode() in content] == [], name


ADMIN_CASES = [
    pytest.param(role, slot, state, id=f"{role}-{slot}-{state}")
    for role in ("researcher", "owner", "superuser")
    for slot in ("rater1", "rater2", "neither")
    for state in ("before", "after")
]


@pytest.mark.parametrize(("role", "slot", "state"), ADMIN_CASES)
def test_the_admin_shows_staff_only_what_the_rule_says(client, role, slot, state):
    scene = build(role, slot, True, state)
    scene.viewer.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_appraisal", "change_appraisal", "view_itemanswer"]
        )
    )
    client.force_login(scene.viewer)
    want = expected(role, slot, True, state)
    by_pk = {a.pk: key for key, a in scene.appraisals.items()}

    changelist = reverse("admin:appraisal_appraisal_changelist")
    listed = client.get(changelist).context["cl"].result_list
    assert {by_pk[a.pk] for a in listed} == want
    search = {"q": scene.raters["rater2"].username}
    found = client.get(changelist, search).context["cl"].result_list
    assert {by_pk[a.pk] for a in found} == want & {SECOND}
    drafts = client.get(changelist, {"status__exact": "draft"}).context["cl"].result_list
    assert {by_pk[a.pk] for a in drafts} == {
        k for k in want if scene.appraisals[k].status == "draft"
    }
    for key, appraisal in scene.appraisals.items():
        for view in ("change", "history"):
            response = client.get(reverse(f"admin:appraisal_appraisal_{view}", args=[appraisal.pk]))
            # Django's admin answers a row outside its queryset with a redirect to its index.
            assert response.status_code == (200 if key in want else 302), (key, view)
            page = response.content.decode()
            assert (MARKERS[key] in page) == (key in want and view == "change"), (key, view)
