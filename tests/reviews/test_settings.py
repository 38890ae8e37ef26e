"""The project's settings pages: details, research questions and vocabularies (add, rename,
merge, delete when unused), outcome domains and outcomes, the AMSTAR 2 settings."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from appraisal.models import AppraisalSettings
from reviews.models import (
    ExcludedReview,
    ExclusionReason,
    KeyFindingNarrative,
    Membership,
    Population,
    ResearchQuestion,
)
from reviews.project.vocabularies import TermInUse, delete_term, merge_terms, uses_of
from reviews.versioning import StaleEdit
from synthesis.models import Outcome, OutcomeDomain, OutcomeResult


@pytest.fixture
def team(db, make_umbrella):
    umbrella = make_umbrella(is_published=False)
    users = {}
    for role in ("owner", "researcher"):
        users[role] = get_user_model().objects.create_user(f"{role}-user")
        Membership.objects.create(umbrella=umbrella, user=users[role], role=role)
    return umbrella, users


@pytest.fixture
def owner_client(client, team):
    client.force_login(team[1]["owner"])
    return client


def terms_url(umbrella, kind, *parts):
    if not parts:
        return reverse("reviews:settings-terms", args=[umbrella.slug, kind])
    pk, action = parts
    return reverse(f"reviews:settings-term-{action}", args=[umbrella.slug, kind, pk])


def test_owner_adds_a_population_and_a_duplicate_name_is_refused(owner_client, team):
    umbrella, _ = team
    url = terms_url(umbrella, "populations")
    response = owner_client.post(url, {"name": "Young people", "description": "", "position": 1})
    assert response.status_code == 302
    saved = Population.objects.get(umbrella=umbrella)
    assert (saved.name, saved.position, saved.version) == ("Young people", 1, 1)
    assert saved.history.count() == 1

    response = owner_client.post(url, {"name": "Young people", "position": 2})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "This project already has a population “Young people”."
    ]
    assert Population.objects.filter(umbrella=umbrella).count() == 1


def test_the_same_name_may_be_used_in_another_project(owner_client, team, make_umbrella):
    umbrella, _ = team
    Population.objects.create(umbrella=make_umbrella(), name="Young people")
    owner_client.post(terms_url(umbrella, "populations"), {"name": "Young people", "position": 0})
    assert Population.objects.filter(umbrella=umbrella, name="Young people").exists()


def test_a_stale_rename_is_refused_with_both_values(owner_client, team):
    umbrella, _ = team
    term = Population.objects.create(umbrella=umbrella, name="Adults")
    Population.objects.filter(pk=term.pk).update(name="Adults (18+)", version=2)
    response = owner_client.post(
        terms_url(umbrella, "populations", term.pk, "edit"),
        {"name": "Grown-ups", "position": 0, "version": 1},
    )
    assert response.status_code == 200
    assert [tuple(c) for c in response.context["conflicts"]] == [
        ("Name", "Grown-ups", "Adults (18+)")
    ]
    assert Population.objects.get(pk=term.pk).name == "Adults (18+)"


def test_researchers_and_outsiders_may_not_open_the_settings(client, team):
    umbrella, users = team
    client.force_login(users["researcher"])
    for url in (
        reverse("reviews:project-settings", args=[umbrella.slug]),
        terms_url(umbrella, "populations"),
        reverse("appraisal:settings", args=[umbrella.slug]),
    ):
        assert client.get(url).status_code == 403
    response = client.post(terms_url(umbrella, "populations"), {"name": "X", "position": 0})
    assert response.status_code == 403
    assert not Population.objects.exists()


def test_owner_edits_the_project_details(owner_client, team):
    umbrella, _ = team
    response = owner_client.post(
        reverse("reviews:project-settings", args=[umbrella.slug]),
        {
            "title": "Peer support: an umbrella review",
            "question": "Does peer support help?",
            "protocol_registration": "CRD42022362099",
            "search_start": "2000-01-01",
            "search_end": "2023-06-01",
            "databases_searched": "MEDLINE\nPsycINFO",
            "citation": "",
            "doi": "",
            "version": umbrella.version,
        },
    )
    assert response.status_code == 302
    umbrella.refresh_from_db()
    assert umbrella.title == "Peer support: an umbrella review"
    assert umbrella.database_list == ["MEDLINE", "PsycINFO"]
    assert umbrella.version == 2


def test_search_dates_in_the_wrong_order_are_refused(owner_client, team):
    umbrella, _ = team
    response = owner_client.post(
        reverse("reviews:project-settings", args=[umbrella.slug]),
        {"title": "T", "search_start": "2023-06-01", "search_end": "2000-01-01", "version": 1},
    )
    assert response.status_code == 200
    assert "The search start must not be after the search end." in str(
        response.context["form"].errors
    )
    umbrella.refresh_from_db()
    assert umbrella.search_start is None


def test_merging_populations_re_points_reviews_and_records_history(team, make_review):
    umbrella, _ = team
    smi, severe = (Population.objects.create(umbrella=umbrella, name=n) for n in ("SMI", "Severe"))
    both = make_review(umbrella=umbrella)
    both.populations.set([smi, severe])
    only_severe = make_review(umbrella=umbrella)
    only_severe.populations.set([severe])
    versions_before = only_severe.history.count()

    merged = merge_terms(source=severe, target=smi, loaded_version=1)

    assert [str(use) for use in merged.moved] == ["2 included reviews"]
    assert list(both.populations.all()) == [smi]
    assert list(only_severe.populations.all()) == [smi]
    assert not Population.objects.filter(pk=severe.pk).exists()
    newest = only_severe.history.first()
    assert only_severe.history.count() == versions_before + 1
    assert newest.history_change_reason == "Merged population “Severe” into “SMI”"
    assert [link.population_id for link in newest.populations.all()] == [smi.pk]
    assert smi.history.first().history_change_reason == "Merged population “Severe” into “SMI”"
    assert Population.history.filter(id=severe.pk).first().history_type == "-"


def test_merging_an_outcome_moves_its_results(team, make_review):
    umbrella, _ = team
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Clinical")
    depression, mood = (
        Outcome.objects.create(umbrella=umbrella, name=n, domain=domain)
        for n in ("Depression", "Low mood")
    )
    result = OutcomeResult.objects.create(
        review=make_review(umbrella=umbrella), outcome=mood, evidence_type="narrative",
        finding="improvement",
    )  # fmt: skip
    merge_terms(source=mood, target=depression, loaded_version=1)
    result.refresh_from_db()
    assert (result.outcome, result.version) == (depression, 2)


@pytest.mark.parametrize("case", ["itself", "other project", "other kind"])
def test_a_merge_into_itself_or_another_projects_term_writes_nothing(
    team, make_umbrella, make_review, case
):
    umbrella, _ = team
    term = Population.objects.create(umbrella=umbrella, name="SMI")
    review = make_review(umbrella=umbrella)
    review.populations.set([term])
    target, message = {
        "itself": (term, "“SMI” cannot be merged into itself: choose another term."),
        "other project": (
            Population.objects.create(umbrella=make_umbrella(), name="SMI elsewhere"),
            "“SMI elsewhere” belongs to another umbrella review: terms merge within one project.",
        ),
        "other kind": (
            ExclusionReason.objects.create(umbrella=umbrella, name="Wrong design"),
            "Terms of different kinds cannot be merged.",
        ),
    }[case]
    with pytest.raises(ValidationError) as refused:
        merge_terms(source=term, target=target, loaded_version=1)
    assert refused.value.messages == [message]
    assert list(review.populations.all()) == [term]
    assert Population.objects.get(pk=term.pk).version == 1


def test_the_merge_page_names_a_foreign_target_and_writes_nothing(
    owner_client, team, make_umbrella
):
    umbrella, _ = team
    term = Population.objects.create(umbrella=umbrella, name="SMI")
    foreign = Population.objects.create(umbrella=make_umbrella(), name="Elsewhere")
    response = owner_client.post(
        terms_url(umbrella, "populations", term.pk, "merge"), {"target": foreign.pk, "version": 1}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["target"] == [
        "“Elsewhere” belongs to another umbrella review: terms merge within one project."
    ]
    assert Population.objects.filter(pk=term.pk).exists()


def test_the_merge_page_merges_and_says_what_moved(owner_client, team):
    umbrella, _ = team
    keep, drop = (ExclusionReason.objects.create(umbrella=umbrella, name=n) for n in ("A", "B"))
    ExcludedReview.objects.create(umbrella=umbrella, title="Excluded", reason=drop)
    response = owner_client.post(
        terms_url(umbrella, "exclusion-reasons", drop.pk, "merge"),
        {"target": keep.pk, "version": 1},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Merged “B” into “A” (1 excluded review)."
    ]
    assert ExcludedReview.objects.get().reason == keep


def test_a_stale_merge_is_refused(team):
    umbrella, _ = team
    keep, drop = (Population.objects.create(umbrella=umbrella, name=n) for n in ("A", "B"))
    Population.objects.filter(pk=drop.pk).update(version=2)
    with pytest.raises(StaleEdit):
        merge_terms(source=drop, target=keep, loaded_version=1)
    assert Population.objects.filter(pk=drop.pk).exists()


def test_deleting_a_term_in_use_is_refused_naming_the_uses(owner_client, team, make_review):
    umbrella, _ = team
    question = ResearchQuestion.objects.create(umbrella=umbrella, code="RQ1", text="Effects?")
    make_review(umbrella=umbrella).research_questions.set([question])
    KeyFindingNarrative.objects.create(umbrella=umbrella, research_question=question, text="…")
    assert [str(use) for use in uses_of(question)] == [
        "1 key finding narrative", "1 included review"
    ]  # fmt: skip
    response = owner_client.post(
        terms_url(umbrella, "questions", question.pk, "delete"), {"version": 1}
    )
    assert response.status_code == 400
    assert response.context["error"] == (
        "“RQ1: Other” is used by 1 key finding narrative and 1 included review: merge it into "
        "another research question or remove those uses before deleting it."
    )
    assert ResearchQuestion.objects.filter(pk=question.pk).exists()


def test_an_unused_term_is_deleted_with_its_history(owner_client, team):
    umbrella, _ = team
    term = Population.objects.create(umbrella=umbrella, name="Unused")
    response = owner_client.post(
        terms_url(umbrella, "populations", term.pk, "delete"), {"version": 1}
    )
    assert response.status_code == 302
    assert not Population.objects.exists()
    assert Population.history.filter(id=term.pk, history_type="-").count() == 1


def test_delete_term_refuses_a_used_outcome_domain(team):
    umbrella, _ = team
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Clinical")
    Outcome.objects.create(umbrella=umbrella, name="Depression", domain=domain)
    with pytest.raises(TermInUse) as refused:
        delete_term(term=domain, loaded_version=1)
    assert [str(use) for use in refused.value.uses] == ["1 outcome"]


def test_research_questions_are_not_merged(owner_client, team):
    umbrella, _ = team
    question = ResearchQuestion.objects.create(umbrella=umbrella, code="RQ1", text="?")
    assert (
        owner_client.get(terms_url(umbrella, "questions", question.pk, "merge")).status_code == 404
    )


def test_research_questions_reorder_by_position(owner_client, team):
    umbrella, _ = team
    first = ResearchQuestion.objects.create(umbrella=umbrella, code="RQ1", text="A")
    ResearchQuestion.objects.create(umbrella=umbrella, code="RQ2", text="B")
    owner_client.post(
        terms_url(umbrella, "questions", first.pk, "edit"),
        {"code": "RQ1", "text": "A", "kind": "other", "position": 5, "version": 1},
    )
    codes = [q.code for q in ResearchQuestion.objects.filter(umbrella=umbrella)]
    assert codes == ["RQ2", "RQ1"]


def test_outcome_form_offers_this_projects_domains_only(owner_client, team, make_umbrella):
    umbrella, _ = team
    mine = OutcomeDomain.objects.create(umbrella=umbrella, name="Recovery")
    theirs = OutcomeDomain.objects.create(umbrella=make_umbrella(), name="Elsewhere")
    url = terms_url(umbrella, "outcomes")
    assert list(owner_client.get(url).context["form"].fields["domain"].queryset) == [mine]
    response = owner_client.post(
        url, {"name": "Hope", "domain": theirs.pk, "direction": "higher", "position": 0}
    )
    assert "domain" in response.context["form"].errors
    owner_client.post(
        url, {"name": "Hope", "domain": mine.pk, "direction": "higher", "position": 0}
    )
    assert Outcome.objects.get(umbrella=umbrella).domain == mine


def test_terms_page_lists_uses_in_a_bounded_number_of_queries(
    owner_client, team, make_review, django_assert_max_num_queries
):
    umbrella, _ = team
    for size in (2, 12):
        for n in range(size):
            term, _ = Population.objects.get_or_create(umbrella=umbrella, name=f"P{n}")
            make_review(umbrella=umbrella).populations.add(term)
        with django_assert_max_num_queries(12):
            response = owner_client.get(terms_url(umbrella, "populations"))
        uses = {term.name: term.n_uses for term, _ in response.context["rows"]}
        assert uses["P0"] == (2 if size == 12 else 1)
        assert len(uses) == size


def test_amstar_settings_are_saved_with_history(owner_client, team):
    umbrella, _ = team
    url = reverse("appraisal:settings", args=[umbrella.slug])
    response = owner_client.post(url, {"version": 1})  # the box unticked
    assert response.status_code == 302
    saved = AppraisalSettings.objects.get(umbrella=umbrella)
    assert (saved.use_adapted_variants, saved.version, saved.history.count()) == (False, 1, 1)
    owner_client.post(url, {"use_adapted_variants": "on", "version": 1})
    saved.refresh_from_db()
    assert (saved.use_adapted_variants, saved.version) == (True, 2)


@pytest.mark.parametrize(
    ("url_name", "key", "heading", "label"),
    [
        ("appraisal:settings", "amstar2", "AMSTAR 2 settings", "Use the adapted AMSTAR 2 variants"),
        (
            "synthesis:settings",
            "analysis",
            "Analysis settings",
            "Conventions of the credibility classes",
        ),
    ],
)
def test_one_row_settings_pages_follow_their_section(
    owner_client, team, url_name, key, heading, label
):
    """The page's navigation mark, heading, form labels and success message, from its section."""
    umbrella, _ = team
    url = reverse(url_name, args=[umbrella.slug])
    page = owner_client.get(url)
    assert page.context["settings_section"] == key
    assert f'<a href="{url}" aria-current="page">' in page.content.decode()
    assert page.context["heading"] == heading
    assert f">{label}</label>" in page.content.decode()
    saved = owner_client.post(url, {**page.context["form"].initial, "version": 1}, follow=True)
    assert saved.redirect_chain == [(url, 302)]
    assert [str(m) for m in saved.context["messages"]] == [f"{heading} added."]


def test_settings_navigation_lists_the_registered_sections(owner_client, team):
    umbrella, _ = team
    response = owner_client.get(reverse("reviews:project-settings", args=[umbrella.slug]))
    assert [item.label for item in response.context["settings_nav"]] == [
        "Project details", "Extraction", "Research questions", "Populations",
        "Intervention formats", "Delivery modes", "Exclusion reasons", "Outcome domains",
        "Outcomes", "AMSTAR 2", "Analysis",
    ]  # fmt: skip


def test_the_result_form_points_to_the_outcome_settings_when_there_are_none(
    client, team, make_review
):
    umbrella, users = team
    client.force_login(users["researcher"])
    review = make_review(umbrella=umbrella)
    page = client.get(reverse("synthesis:result-add", args=[umbrella.slug, review.pk]))
    html = page.content.decode()
    assert "This project has no outcomes yet" in html
    assert reverse("reviews:settings-terms", args=[umbrella.slug, "outcomes"]) in html
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Clinical")
    Outcome.objects.create(umbrella=umbrella, name="Depression", domain=domain)
    page = client.get(reverse("synthesis:result-add", args=[umbrella.slug, review.pk]))
    assert "This project has no outcomes yet" not in page.content.decode()
