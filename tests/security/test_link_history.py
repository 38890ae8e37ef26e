"""History of links: a review's included studies (the citation matrix) and its many-to-many
fields (populations, research questions …) show who added or removed what, and when."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from reviews.history.selectors import history_of, timeline
from reviews.models import ImplementationFactor, Membership, Population
from reviews.studies.services import merge_studies, undo_merge


@pytest.fixture
def team(make_review, make_study):
    review = make_review(label="Chien 2019")
    umbrella = review.umbrella
    users = {}
    for name, role in (("rita", "researcher"), ("olive", "owner")):
        users[name] = get_user_model().objects.create_user(name)
        Membership.objects.create(umbrella=umbrella, user=users[name], role=role)
    studies = {label: make_study(umbrella, label=label) for label in ("Sledge 2011", "Cook 2012")}
    return review, studies, users


def history_page(client, obj, model):
    url = reverse(
        "reviews:history", kwargs={"slug": obj.umbrella.slug, "model": model, "pk": obj.pk}
    )
    return client.get(url)


def tick(client, review, studies):
    url = reverse("reviews:review-studies", kwargs={"slug": review.umbrella.slug, "pk": review.pk})
    return client.post(url, {"action": "tick", "studies": [s.pk for s in studies]})


def test_adding_and_removing_an_included_study_shows_in_the_reviews_history(client, team):
    review, studies, users = team
    client.force_login(users["rita"])
    assert tick(client, review, [studies["Sledge 2011"], studies["Cook 2012"]]).status_code == 302
    client.force_login(users["olive"])
    assert tick(client, review, [studies["Cook 2012"]]).status_code == 302

    response = history_page(client, review, "reviews.includedreview")
    assert response.status_code == 200
    events = [
        (v.kind, v.record.history_user.username, [(c.old, c.new) for c in v.changes])
        for v in response.context["versions"]
        if not v.restorable
    ]
    # Newest first; the two studies ticked together were added in the same second.
    assert events[0] == ("included primary study removed", "olive", [("Sledge 2011", None)])
    assert sorted(events[1:]) == [
        ("included primary study added", "rita", [(None, "Cook 2012")]),
        ("included primary study added", "rita", [(None, "Sledge 2011")]),
    ]
    page = response.content.decode()
    assert "included primary study removed by olive" in page
    assert "included primary study added by rita" in page
    assert "<ins>Sledge 2011</ins>" in page
    assert "<del>Sledge 2011</del>" in page
    # Link events are not versions of the review: no restore button points at them.
    assert page.count('name="history_id"') == 0

    # The study's own page tells the same story from its side.
    study_page = history_page(client, studies["Sledge 2011"], "reviews.primarystudy")
    assert study_page.status_code == 200
    kinds = [v.kind for v in study_page.context["versions"] if not v.restorable]
    assert kinds == ["including review removed", "including review added"]


def test_a_merge_and_its_undo_show_as_the_study_replaced_and_back(client, team, admin_user):
    review, studies, users = team
    client.force_login(users["rita"])
    tick(client, review, [studies["Cook 2012"]])
    merge = merge_studies(kept=studies["Sledge 2011"], merged=studies["Cook 2012"], user=admin_user)
    undo_merge(merge=merge, user=admin_user)
    events = [
        (v.kind, [(c.old, c.new) for c in v.changes])
        for v in timeline(
            "reviews.includedreview",
            review.pk,
            review.history.all(),
            umbrella=review.umbrella,
            user=users["rita"],
        )
        if not v.restorable
    ]
    assert events[:2] == [
        ("included primary study changed", [("Sledge 2011", "Cook 2012")]),
        ("included primary study changed", [("Cook 2012", "Sledge 2011")]),
    ]
    assert events[2] == ("included primary study added", [(None, "Cook 2012")])


def test_many_to_many_fields_are_diffed_and_restored(client, team):
    review, _, users = team
    umbrella = review.umbrella
    smi, youth = (Population.objects.create(umbrella=umbrella, name=n) for n in ("SMI", "Youth"))
    review.populations.add(smi)
    review.populations.add(youth)
    review.populations.remove(smi)
    records = history_of("reviews.includedreview", review.pk, umbrella, user=users["rita"])
    changes = [
        [(c.field, c.old, c.new) for c in v.changes]
        for v in timeline(
            "reviews.includedreview", review.pk, records, umbrella=umbrella, user=users["rita"]
        )
    ]
    assert changes[:3] == [
        [("populations", "SMI; Youth", "Youth")],
        [("populations", "SMI", "SMI; Youth")],
        [("populations", None, "SMI")],
    ]
    # Restoring the version with SMI only puts the links back, as one recorded version.
    only_smi = records[2]
    client.force_login(users["rita"])
    url = reverse(
        "reviews:history",
        kwargs={"slug": umbrella.slug, "model": "reviews.includedreview", "pk": review.pk},
    )
    before = review.history.count()
    assert client.post(url, {"history_id": only_smi.history_id}).status_code == 302
    assert list(review.populations.values_list("name", flat=True)) == ["SMI"]
    assert review.history.count() == before + 1
    newest = review.history.first()
    assert newest.history_user == users["rita"]
    assert [p.population.name for p in newest.populations.all()] == ["SMI"]


def test_links_changed_from_the_other_side_are_recorded_on_the_owner(team):
    review, _, _ = team
    factor = ImplementationFactor.objects.create(
        umbrella=review.umbrella,
        code="C01",
        domain="innovation",
        statement="Cost",
        valence="barrier",
    )
    review.implementation_factors.add(factor)  # from the review's side (reverse relation)
    newest = factor.history.first()
    assert [link.includedreview_id for link in newest.reviews.all()] == [review.pk]
    review.implementation_factors.clear()
    assert list(factor.history.first().reviews.all()) == []


def test_subtheme_form_records_its_links_with_the_user_and_refuses_a_stale_save(
    client, peer_support
):
    from reviews.models import ExperienceSubtheme, IncludedReview, Perspective

    user = get_user_model().objects.create_user("sam")
    Membership.objects.create(umbrella=peer_support, user=user, role="researcher")
    client.force_login(user)
    subtheme = ExperienceSubtheme.objects.get(code="E40")
    subtheme.save()  # a first version: `loaddata` saves raw rows, which keep no history
    carers = Perspective.objects.get(umbrella=peer_support, name="Carers")
    review = IncludedReview.objects.get(umbrella=peer_support, label="Lewis 2022")
    url = reverse("reviews:subtheme-edit", kwargs={"slug": peer_support.slug, "pk": subtheme.pk})
    data = {
        "theme": subtheme.theme_id, "code": "E40", "statement": subtheme.statement,
        "perspectives": [carers.pk], "valence": "mixed", "reviews": [review.pk],
        "position": "40", "note": "", "version": str(subtheme.version),
    }  # fmt: skip
    assert client.post(url, data).status_code == 302
    records = history_of("reviews.experiencesubtheme", subtheme.pk, peer_support, user=user)
    assert records.count() == 2  # one save, one version, links included
    newest = timeline(
        "reviews.experiencesubtheme", subtheme.pk, records, umbrella=peer_support, user=user
    )[0]
    assert newest.record.history_user == user
    changed = {c.field: c.new for c in newest.changes}
    assert changed["perspectives"] == "Carers"
    assert changed["reviews"] == "Lewis 2022"

    stale = client.post(url, {**data, "statement": "Mine, from an old page"})
    assert stale.status_code == 200
    assert stale.context["stale"].version == subtheme.version + 1
    subtheme.refresh_from_db()
    assert subtheme.statement != "Mine, from an old page"
