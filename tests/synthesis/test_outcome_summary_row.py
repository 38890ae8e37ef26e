"""The outcome page's summary-of-findings row: taken from the whole summary when the summary
page keeps one for the same filters and rule, else computed for the outcome alone."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import UmbrellaReview
from reviews.project.revisions import kept_for_project
from synthesis.models import Outcome
from synthesis.selectors.summary_of_findings import (
    KEPT_NAME,
    kept_summary_of_findings,
    outcome_rows,
    summary_of_findings,
)

pytestmark = pytest.mark.django_db

SLUG = "peer-support-mental-health"


def query(**params) -> QueryDict:
    q = QueryDict(mutable=True)
    q.update(params)
    return q


@pytest.mark.parametrize(
    "params", [{}, {"sensitivity": "true"}, {"rule": "k,n"}, {"min_rating": "moderate"}]
)
def test_every_outcomes_row_of_the_kept_summary_is_the_one_computed_for_it(peer_support, params):
    umbrella = UmbrellaReview.objects.select_related("data_revision").get(pk=peer_support.pk)
    kept_summary_of_findings(umbrella, query(**params))
    outcomes = Outcome.objects.filter(umbrella=umbrella).order_by("pk")
    with_rows = 0
    for outcome in outcomes:
        alone = summary_of_findings(umbrella, query(**params), outcome).rows
        assert outcome_rows(umbrella, query(**params), outcome) == alone
        with_rows += bool(alone)
    assert with_rows >= 3  # the filters leave rows to compare


def test_the_outcome_page_reads_the_summary_pages_row_else_computes_its_own(client, peer_support):
    outcome = Outcome.objects.filter(umbrella=peer_support).annotate(n=Count("results")).latest("n")
    umbrella = UmbrellaReview.objects.select_related("data_revision").get(pk=peer_support.pk)

    def page() -> tuple[list, list[str]]:
        with CaptureQueriesContext(connection) as context:
            response = client.get(outcome.get_absolute_url(), {"sort": "-k", "page": "1"})
        return response.context["sof_rows"], [q["sql"] for q in context.captured_queries]

    # Nothing kept: the outcome's own row is computed, not the whole summary.
    rows, sql = page()
    assert any("synthesis_selectionrule" in s for s in sql)
    assert kept_for_project(umbrella, KEPT_NAME, "") is None
    (row,) = rows
    assert row == summary_of_findings(umbrella, QueryDict(), outcome).rows[0]
    assert row.outcome == outcome

    # The summary page kept the whole one (the sort and page change no figure): read from it.
    cache.clear()
    assert client.get(reverse("synthesis:summary-of-findings", kwargs={"slug": SLUG})).context
    assert kept_for_project(umbrella, KEPT_NAME, "") is not None
    rows, sql = page()
    assert not any("synthesis_selectionrule" in s for s in sql)
    assert rows == [row]
