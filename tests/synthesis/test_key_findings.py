"""Key findings per research question, composed from the evidence tables, factors and themes."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse

from reviews.models import KeyFindingNarrative, Membership, ResearchQuestion
from synthesis.models import OutcomeResult
from synthesis.selectors import key_findings
from synthesis.summary import Counts


def counts(**by_finding):
    full = {"improvement": 0, "no_effect": 0, "mixed": 0, "harm": 0, **by_finding}
    return Counts(total=sum(full.values()), by_finding=full)


@pytest.mark.parametrize(
    ("meta", "narrative", "category"),
    [
        (counts(improvement=2), counts(), key_findings.CONSISTENT_IMPROVEMENT),
        (counts(improvement=2), counts(improvement=1), key_findings.CONSISTENT_IMPROVEMENT),
        (counts(improvement=5, no_effect=2), counts(), key_findings.MIXED),
        (counts(improvement=3), counts(no_effect=1), key_findings.MIXED),
        (counts(), counts(mixed=4), key_findings.MIXED),
        (counts(no_effect=3), counts(), key_findings.NO_EFFECT),
        (counts(harm=1), counts(), key_findings.HARM),
    ],
)
def test_effect_category(meta, narrative, category):
    assert key_findings.effect_category(meta, narrative) == category


def test_sections_follow_the_research_questions(peer_support):
    sections = key_findings.key_findings(peer_support)
    assert [(s.question.code, s.question.kind) for s in sections] == [
        ("RQ1", "effectiveness"), ("RQ2", "implementation"), ("RQ3", "experiences"),
    ]  # fmt: skip


def test_effectiveness_comes_from_the_evidence_tables(peer_support):
    groups = {g.category: g.outcomes for g in key_findings.effectiveness(peer_support)}
    consistent = [o.outcome.name for o in groups[key_findings.CONSISTENT_IMPROVEMENT]]
    # Paper: perinatal depression improved in 2 meta-analyses, suicidal ideation and cost in
    # all narrative syntheses citing them (evidence tables, docs/evidence-tables.md).
    assert {"Perinatal depression", "Suicidal ideation", "Cost and cost-effectiveness"} <= set(
        consistent
    )
    recovery = next(
        o for o in groups[key_findings.MIXED] if o.outcome.name == "Recovery (self-reported)"
    )
    assert recovery.summary.startswith("5 of 7 meta-analyses found an improvement")
    assert "Length of hospital stay" in [o.outcome.name for o in groups[key_findings.NO_EFFECT]]
    # Every outcome's number of reviews is the distinct reviews of its recorded results.
    expected = dict(
        OutcomeResult.objects.filter(review__umbrella=peer_support)
        .values_list("outcome__name")
        .annotate(n=Count("review", distinct=True))
    )
    shown = {o.outcome.name: o.n_reviews for outcomes in groups.values() for o in outcomes}
    assert shown == expected
    assert recovery.ratings[0] == ("High", 1)  # Chien 2019, the one review rated high


def test_implementation_lists_the_best_supported_factors_per_domain(peer_support):
    highlights = {d.label: [(f.code, f.n_reviews) for f in d.factors]
                  for d in key_findings.implementation(peer_support)}  # fmt: skip
    assert highlights["Innovation"] == [("C01", 4), ("C02", 1)]
    assert highlights["Inner setting"] == [("C09", 2), ("C18", 2), ("C19", 2), ("C20", 2)]
    assert highlights["Implementation process"][:2] == [("C29", 4), ("C31", 2)]


def test_experiences_list_each_theme_with_its_subthemes(peer_support):
    themes = key_findings.experiences(peer_support)
    assert [(t.theme.name, t.n_subthemes, len(t.subthemes)) for t in themes] == [
        ("What the PSW role can bring", 24, 5),
        ("Confusion over the PSW role", 19, 5),
        ("Organisational challenges and impact", 21, 5),
    ]
    assert (themes[0].subthemes[0].code, themes[0].subthemes[0].n_reviews) == ("E01", 4)


def test_researcher_writes_a_narrative_and_a_stale_save_is_refused(client, peer_support):
    user = get_user_model().objects.create_user("writer")
    Membership.objects.create(umbrella=peer_support, user=user, role=Membership.Role.OWNER)
    client.force_login(user)
    url = reverse("synthesis:narrative-edit", kwargs={"slug": peer_support.slug, "code": "RQ2"})
    assert client.post(url, {"text": "Training and supervision matter most.", "version": ""})[
        "Location"
    ].endswith("#rq-RQ2")
    narrative = KeyFindingNarrative.objects.get(research_question__code="RQ2")
    assert (narrative.version, narrative.updated_by) == (1, user)
    page = client.get(reverse("synthesis:key-findings", kwargs={"slug": peer_support.slug}))
    assert "Training and supervision matter most." in page.content.decode()
    client.post(url, {"text": "Second.", "version": "1"})
    response = client.post(url, {"text": "Third.", "version": "1"})
    assert response.context["conflicts"] == [("Text", "Third.", "Second.")]
    assert client.post(url, {"text": "", "version": "2"}).context["form"].errors["text"]


def test_narrative_of_an_unknown_question_is_404(client, peer_support):
    user = get_user_model().objects.create_superuser("root", "r@example.org", "x")
    client.force_login(user)
    url = reverse("synthesis:narrative-edit", kwargs={"slug": peer_support.slug, "code": "RQ9"})
    assert client.get(url).status_code == 404
    assert ResearchQuestion.objects.filter(umbrella=peer_support).count() == 3


def test_two_effectiveness_questions_share_one_grouping(peer_support, monkeypatch):
    calls: list[int] = []
    compute = key_findings.effectiveness
    monkeypatch.setitem(
        key_findings.COMPOSERS, "effectiveness", lambda u: calls.append(u.pk) or compute(u)
    )
    question = peer_support.research_questions.get(kind="effectiveness")
    question.pk, question.code = None, "RQ9"
    question.save()
    sections = key_findings.key_findings(peer_support)
    effective = [s for s in sections if s.question.kind == "effectiveness"]
    assert [s.question.code for s in effective] == ["RQ1", "RQ9"]
    assert effective[0].computed is effective[1].computed
    assert calls == [peer_support.pk]
