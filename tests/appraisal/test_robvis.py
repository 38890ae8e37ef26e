"""The AMSTAR 2 table in robvis's generic layout: Study, one column per item, Overall, Weight;
only submitted consensus answers or published ratings (the blinding rule), never a rater's."""

import csv
import io

import pytest
from django.urls import reverse

from .conftest import ALL_YES

pytestmark = pytest.mark.django_db


def _rows(client, slug: str, **params) -> list[list[str]]:
    url = reverse("appraisal:appraisal-export-robvis", kwargs={"slug": slug})
    response = client.get(url, params)
    assert response["Content-Disposition"] == f'attachment; filename="{slug}-amstar2-robvis.csv"'
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_consensus_answers_become_robvis_judgements(client, make_review, make_member, appraise):
    review = make_review(label="Chien 2019")
    make_review(umbrella=review.umbrella, label="Fuhr 2014", published_rating="moderate")
    make_review(umbrella=review.umbrella, label="Unrated 2020")
    ann = make_member(review.umbrella, "ann")
    appraise(
        review, "consensus", ann, ALL_YES | {2: "no", 4: "partial_yes", 12: "no_meta_analysis"}
    )
    rows = _rows(client, review.umbrella.slug)
    assert rows[0] == ["Study", *(f"Item {n}" for n in range(1, 17)), "Overall", "Weight"]
    chien = rows[1]
    assert chien[0] == "Chien 2019"
    assert chien[1:5] == ["Low", "High", "Low", "Some concerns"]  # items 1-4
    assert chien[12] == "No information"  # item 12: no meta-analysis
    # Item 2 is critical and answered no: one critical flaw rates the review low.
    assert chien[17:] == ["High", "1"]
    # A published rating only: its overall judgement, no item answers.
    assert rows[2] == ["Fuhr 2014", *[""] * 16, "Some concerns", "1"]
    assert len(rows) == 3  # the unrated review cannot be plotted: left out


def test_rater_appraisals_never_reach_the_robvis_table(client, make_review, make_member, appraise):
    review = make_review(label="Chien 2019")
    ann, bob = make_member(review.umbrella, "ann"), make_member(review.umbrella, "bob")
    appraise(review, "first", ann, ALL_YES)
    appraise(review, "second", bob, ALL_YES)
    appraise(review, "consensus", ann, ALL_YES, submit=False)  # a draft consensus
    client.force_login(ann)  # a rater, both raters submitted: still no submitted consensus
    assert _rows(client, review.umbrella.slug) == [
        ["Study", *(f"Item {n}" for n in range(1, 17)), "Overall", "Weight"]
    ]
