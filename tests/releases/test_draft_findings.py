"""The releases' draft figures read the key findings and the effectiveness grouping where the
key-findings page keeps them per data revision (one computation serves both); a release's
frozen copy computes its own during the publish, and nothing of it is kept."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from releases import draft
from reviews.models import KeyFindingNarrative, ResearchQuestion, UmbrellaReview
from reviews.project.revisions import kept_for_project
from reviews.versioning import save_versioned
from synthesis.models import OutcomeResult
from synthesis.selectors import key_findings as kf

pytestmark = pytest.mark.django_db

# What computing the key findings reads, and no other part of the draft figures does.
KEY_FINDINGS_TABLES = (
    "reviews_researchquestion",
    "reviews_keyfindingnarrative",
    "synthesis_outcomeresult",
)


@pytest.fixture
def composed(monkeypatch) -> list[str]:
    """The slugs whose effectiveness grouping was computed, in order (the costly part)."""
    slugs: list[str] = []
    compute = kf.effectiveness

    def counted(umbrella):
        slugs.append(umbrella.slug)
        return compute(umbrella)

    monkeypatch.setattr(kf, "effectiveness", counted)  # with_effectiveness, kept_…
    monkeypatch.setitem(kf.COMPOSERS, ResearchQuestion.Kind.EFFECTIVENESS, counted)  # the page's
    return slugs


@pytest.fixture
def asked(small_project):
    """The small project asks an effectiveness question, with the team's narrative."""
    question = ResearchQuestion.objects.create(
        umbrella=small_project.umbrella, code="RQ1", text="Does peer support work?",
        kind=ResearchQuestion.Kind.EFFECTIVENESS,
    )  # fmt: skip
    KeyFindingNarrative.objects.create(
        umbrella=small_project.umbrella, research_question=question, text="Hope rises."
    )
    return small_project


def page(client, slug: str = "living"):
    return client.get(reverse("synthesis:key-findings", kwargs={"slug": slug}))


def fresh(project) -> UmbrellaReview:
    return UmbrellaReview.objects.select_related("data_revision").get(pk=project.umbrella.pk)


def key_findings_queries(call) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        call()
    sql = [q["sql"] for q in context.captured_queries]
    return [s for s in sql if any(table in s for table in KEY_FINDINGS_TABLES)]


def test_after_a_warm_page_the_draft_figures_read_its_key_findings(client, asked, commit, composed):
    commit(asked.release)
    assert composed == ["living--release-1"]  # the copy's own, in the publish
    (section,) = page(client).context["sections"]
    assert section.narrative.text == "Hope rises."
    assert composed == ["living--release-1", "living"]

    project = fresh(asked)
    figures = draft.live_figures(project)  # the draft step, its figures not kept yet
    assert figures["key_findings"] == {"RQ1": "Hope rises."}
    assert figures["outcomes"]["Hope"]["category"] == "Mixed findings"  # Adams up, Baker not
    assert composed == ["living--release-1", "living"]  # nothing computed again
    # And no key-findings query at all: the page's kept sections served them.
    cache_key = draft._key(project.pk, draft.current_revision(project))
    draft.cache.delete(cache_key)
    assert key_findings_queries(lambda: draft.live_figures(project)) == []


def test_after_a_write_the_new_revisions_key_findings_are_read(client, asked, commit, composed):
    commit(asked.release)
    page(client)
    narrative = KeyFindingNarrative.objects.get(umbrella=asked.umbrella)
    narrative.text = "Hope rises, and stays."
    commit(save_versioned, narrative, loaded_version=narrative.version)

    def move_baker_up() -> None:  # both reviews now report an improvement: consistent
        result = OutcomeResult.objects.get(
            review__umbrella=asked.umbrella, review__label="Baker 2021"
        )
        result.estimate, result.ci_low, result.ci_high = 0.4, 0.2, 0.6
        result.finding = "improvement"  # as the form sets it (a kept finding is not derived)
        save_versioned(result, loaded_version=result.version)

    commit(move_baker_up)
    figures = draft.live_figures(fresh(asked))
    assert figures["key_findings"] == {"RQ1": "Hope rises, and stays."}
    assert figures["outcomes"]["Hope"]["category"] == "Consistent improvement"
    assert composed == ["living--release-1", "living", "living"]  # the new revision's, once
    (section,) = page(client).context["sections"]  # the page reads what the draft computed
    assert section.narrative.text == "Hope rises, and stays."
    assert [group.category for group in section.computed] == ["Consistent improvement"]
    assert composed == ["living--release-1", "living", "living"]


def test_a_release_copys_figures_are_its_own_and_never_kept(client, asked, commit, composed):
    release = commit(asked.release)
    copy = release.snapshot
    assert release.figures["key_findings"] == {"RQ1": "Hope rises."}
    # Computed in the publish transaction and not kept: a publish rolled back would have left
    # an entry under an id SQLite may give the next copy.
    assert kept_for_project(copy, "key-findings", "") is None
    assert kept_for_project(copy, "effectiveness", "") is None
    narrative = KeyFindingNarrative.objects.get(umbrella=asked.umbrella)
    narrative.text = "Changed after the release."
    commit(save_versioned, narrative, loaded_version=narrative.version)
    assert draft.live_figures(fresh(asked))["key_findings"] == {"RQ1": "Changed after the release."}
    # The copy's page computes the copy's findings, apart from the live project's.
    client.force_login(asked.owner)  # the copy is not published: its members read it
    (section,) = page(client, copy.slug).context["sections"]
    assert section.narrative.text == "Hope rises."
    assert composed == ["living--release-1", "living", "living--release-1"]


def test_without_an_effectiveness_question_the_grouping_is_kept_beside_the_sections(
    small_project, composed
):
    project = fresh(small_project)
    for _ in range(2):
        sections, groups = kf.kept_with_effectiveness(project)
        assert sections == []
        assert [(g.category, [str(o.outcome) for o in g.outcomes]) for g in groups] == [
            ("Mixed findings", ["Hope"])
        ]
    assert composed == ["living"]
