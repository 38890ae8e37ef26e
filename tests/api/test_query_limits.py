"""Every API list runs the same number of queries at any size: a handful of rows, and the
synthetic `small` project (the model case's size: 35 reviews, 700 results)."""

import pytest
from django.contrib.auth import get_user_model

from api.tokens import create_token
from dataio.synthetic.project import generate
from reviews.models import Membership
from synthesis.models import Outcome, OutcomeDomain, OutcomeResult

pytestmark = pytest.mark.django_db

# Resource → the most queries one page of it may take (access and ETag included). Reads of a
# whole project (overlap, key findings, summary of findings) are bounded the same way.
LIMITS = {
    "": 3,
    "reviews/": 13,
    "appraisals/": 8,
    "outcomes/": 5,
    "results/": 8,
    "study-effects/": 7,
    "cfir-factors/": 7,
    "experience-themes/": 8,
    "overlap/": 7,
    "key-findings/": 16,
    "prisma/": 4,
    "summary-of-findings/": 16,
}


@pytest.fixture(params=["tiny", "small"])
def project(request, make_umbrella, make_review):
    if request.param == "small":
        return generate(size="small", seed=5, publish=True).umbrella
    umbrella = make_umbrella(is_published=True)
    domain = OutcomeDomain.objects.create(umbrella=umbrella, name="Clinical")
    outcome = Outcome.objects.create(umbrella=umbrella, name="Recovery", domain=domain)
    for _ in range(2):
        OutcomeResult.objects.create(
            review=make_review(umbrella), outcome=outcome, evidence_type="narrative"
        )
    return umbrella


@pytest.mark.parametrize("viewer", ["anonymous", "token"])
def test_each_list_runs_a_bounded_number_of_queries_at_any_size(
    client, project, viewer, django_assert_max_num_queries
):
    headers = {}
    if viewer == "token":
        user = get_user_model().objects.create_user("owner")
        Membership.objects.create(umbrella=project, user=user, role="owner")
        headers["Authorization"] = f"Token {create_token(user=user, name='bench').raw}"
    for resource, limit in LIMITS.items():
        url = f"/api/v1/projects/{project.slug}/{resource}"
        with django_assert_max_num_queries(limit + (2 if viewer == "token" else 0)):
            response = client.get(url, {"page_size": 200}, headers=headers)
        assert response.status_code == 200, (resource, response.content[:200])
