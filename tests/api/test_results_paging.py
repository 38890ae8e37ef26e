"""The results list is cut into pages from the rows' keys alone (`api.base.KeysFirstPagination`):
the same rows in the same order as sorting the full rows, whatever the filter, sort or page
size, and the sorted query reads no more than the keys."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from api.views import results_of
from dataio.synthetic.project import generate
from synthesis.filters import OutcomeResultFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return generate(size="small", seed=3, publish=True).umbrella


def export_order(umbrella, params):
    """The documented order, on full rows in one query: outcome domain, outcome, then `sort`
    or the review's label, then pk."""
    data = QueryDict(urlencode(params))  # as a request's: multiple-choice filters read lists
    filters = OutcomeResultFilter(data, queryset=results_of(umbrella), umbrella=umbrella)
    assert filters.is_valid(), filters.errors
    filtered = filters.qs
    sort = list(filtered.query.order_by) or ["review__label"]
    ordered = filtered.order_by(
        "outcome__domain__position", "outcome__position", "outcome__name", *sort, "pk"
    )
    return list(ordered.values_list("pk", flat=True))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "-estimate"},  # missing estimates last, ties broken by pk
        {"sort": "rating"},  # an annotation, not a column
        {"finding": "improvement", "min_rating": "low"},  # the rating filter joins appraisals
        {"sensitivity": "true", "sort": "-k"},
    ],
)
def test_pages_cut_from_keys_hold_the_rows_of_the_full_sort_in_order(client, project, params):
    url = f"/api/v1/projects/{project.slug}/results/"
    expected = export_order(project, params)
    assert len(expected) > 74, "the filter should leave several pages"
    ids, page = [], 1
    while True:
        # 37 a page: pages end inside an outcome and inside runs of equal sort values.
        body = client.get(url, {**params, "page": page, "page_size": 37}).json()
        assert body["count"] == len(expected)
        ids += [row["id"] for row in body["results"]]
        if body["next"] is None:
            break
        page += 1
    assert ids == expected


def test_the_sorted_query_reads_only_the_keys_and_the_rows_are_read_by_key(client, project):
    url = f"/api/v1/projects/{project.slug}/results/"
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url, {"page": 2, "sort": "-n"}).json()
    sorted_queries = [q["sql"] for q in queries.captured_queries if " ORDER BY " in q["sql"]]
    keys = [sql for sql in sorted_queries if " LIMIT " in sql]
    assert len(keys) == 1
    # SELECT <the result's id> FROM ...: no other column is sorted along with the keys.
    selected = keys[0].split(" FROM ")[0]
    assert selected == 'SELECT "synthesis_outcomeresult"."id" AS "pk"', selected
    page_ids = [row["id"] for row in body["results"]]
    assert len(page_ids) == 50
    assert page_ids == export_order(project, {"sort": "-n"})[50:100]
    # The full rows come by key, unsorted and unlimited: 50 rows, whatever the project's size.
    by_key = [
        q["sql"]
        for q in queries.captured_queries
        if '"synthesis_outcomeresult"."estimate"' in q["sql"] and " IN (" in q["sql"]
    ]
    assert len(by_key) == 1
    assert " LIMIT " not in by_key[0]
