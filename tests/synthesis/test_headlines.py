"""Headline first: the overview and the home card lead with the computed key findings, the
outcome page with its summary-of-findings row."""

from django.urls import reverse

from reviews.project.headlines import headlines
from synthesis.models import Outcome

SLUG = "peer-support-mental-health"


def test_headlines_come_from_the_key_findings(peer_support):
    by_code = {h.code: h for h in headlines(peer_support)}
    assert [h.kind for h in by_code.values()] == ["Effectiveness", "Implementation", "Experiences"]
    assert by_code["RQ1"].lines[1] == (
        "Mixed findings (14 outcomes): Recovery (self-reported), Empowerment, Hope, "
        "Mental health symptom severity and 10 more"
    )
    assert by_code["RQ1"].lines[0].startswith("Consistent improvement (5 outcomes): ")
    assert by_code["RQ1"].url == f"/u/{SLUG}/key-findings/#rq-RQ1"


def test_the_overview_and_the_home_card_lead_with_the_findings(client, peer_support):
    overview = client.get(peer_support.get_absolute_url()).content.decode()
    assert overview.index("Mixed findings (14 outcomes)") < overview.index("Included reviews</dt>")
    assert f'href="/u/{SLUG}/evidence/summary/"' in overview
    home = client.get(reverse("reviews:home")).content.decode()
    assert home.index("Mixed findings (14 outcomes)") < home.index("Protocol:")


def test_the_home_card_of_an_unpublished_project_is_not_shown_to_visitors(client, peer_support):
    peer_support.is_published = False
    peer_support.save()
    home = client.get(reverse("reviews:home")).content.decode()
    assert "Mixed findings" not in home


def test_the_outcome_page_leads_with_its_summary_row(client, peer_support):
    outcome = Outcome.objects.get(umbrella=peer_support, name="Recovery (self-reported)")
    response = client.get(outcome.get_absolute_url())
    (row,) = response.context["sof_rows"]
    assert (row.selected.review.label, row.reason) == (
        "White 2020", "The only review with a pooled estimate",
    )  # fmt: skip
    page = response.content.decode()
    assert page.index('id="sof-row"') < page.index('id="results-heading"')
    assert "Selected by: The only review with a pooled estimate" in page
