"""The metaumbrella download and the Import data page run a fixed number of queries, whatever
the number of reviews, outcome results and study rows."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dataio.metaumbrella.service import import_metaumbrella
from reviews.models import Membership

pytestmark = pytest.mark.django_db
HEADER = "meta_review,factor,author,year,measure,value,ci_lo,ci_up,amstar\n"


@pytest.mark.parametrize(("reviews", "outcomes", "studies"), [(1, 1, 2), (12, 6, 8)])
def test_metaumbrella_export_and_import_page_queries_are_bounded(
    client, make_umbrella, tmp_path, django_assert_max_num_queries, reviews, outcomes, studies
):
    umbrella = make_umbrella(slug="peer", is_published=False)
    lines = [
        f"Review {r} 2020,Outcome {o},Author{s},{2000 + s},SMD,0.2,0.1,0.3,{1 + r % 4}\n"
        for r in range(reviews)
        for o in range(outcomes)
        for s in range(studies)
    ]
    (tmp_path / "m.csv").write_text(HEADER + "".join(lines))
    assert import_metaumbrella(tmp_path / "m.csv", umbrella=umbrella).ok
    owner = get_user_model().objects.create_user("owner")
    Membership.objects.create(umbrella=umbrella, user=owner, role=Membership.Role.OWNER)
    client.force_login(owner)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("dataio:export-metaumbrella", args=["peer"]))
    assert response.content.decode().count("\n") == reviews * outcomes * studies + 1
    with django_assert_max_num_queries(10):
        client.get(reverse("dataio:import", args=["peer"]))
