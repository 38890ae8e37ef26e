"""The computed figures a reader sees, as plain JSON: what a release stores beside its workbook.

A release keeps these so that the change between two releases is computed from two stored
documents (`releases.diff`), never by re-querying data that may have moved on. Each part is
read with the selector its page uses, so the figures are the pages' figures; the live
project's computed parts (summary of findings, key findings, overlap) are read where their
pages keep them per data revision, so one computation serves the pages and the draft.
"""

from __future__ import annotations

import math
from typing import Any

from django.db.models import Count
from django.http import QueryDict

from reviews.models import ExperienceSubtheme, ImplementationFactor, IncludedReview, UmbrellaReview
from reviews.overlap.selectors import cached_overlap_for_reviews
from reviews.prisma.models import COUNT_FIELDS
from reviews.prisma.views import flow_of
from reviews.registry.ratings import with_ratings
from synthesis.exports import summary_records
from synthesis.selectors.key_findings import (
    CategoryGroup,
    Section,
    kept_with_effectiveness,
    with_effectiveness,
)
from synthesis.selectors.summary_of_findings import kept_summary_of_findings, summary_of_findings

FIGURES_FORMAT = 1  # bumped if the document's shape changes; the diff reads both shapes

# Per outcome, what the change page compares (summary-of-findings columns).
OUTCOME_FIELDS = (
    "outcome_domain",
    "category",
    "reviews",
    "meta_analyses",
    "summary",
    "selected_review",
    "measure",
    "estimate",
    "ci_low",
    "ci_high",
    "k",
    "n",
    "grade_certainty",
    "credibility",
    "cca_percent",
    "cca_band",
    "amstar2_rating",
)


def _plain(value: Any) -> Any:
    """JSON-safe and stable: floats rounded to 6 places (NaN: None), the rest as text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    return str(value)


# A rating as readers read it: the scale's own labels ("Low or critically low …" included).
RATING_LABELS = dict(IncludedReview._meta.get_field("published_rating").flatchoices)


def _reviews(umbrella: UmbrellaReview) -> dict[str, dict[str, Any]]:
    rows = with_ratings(IncludedReview.objects.filter(umbrella=umbrella)).order_by("label")
    return {
        r.label: {"title": r.title, "year": r.year, "rating": RATING_LABELS.get(r.rating, "")}
        for r in rows
    }


def _outcomes(umbrella: UmbrellaReview, groups: list[CategoryGroup]) -> dict[str, dict[str, Any]]:
    categories = {
        str(finding.outcome): group.category for group in groups for finding in group.outcomes
    }
    outcomes = {}
    read = summary_of_findings if umbrella.is_frozen else kept_summary_of_findings
    for record in summary_records(read(umbrella, QueryDict())):
        record["category"] = categories.get(record["outcome"], "")
        outcomes[record["outcome"]] = {name: _plain(record[name]) for name in OUTCOME_FIELDS}
    return outcomes


def _overlap(umbrella: UmbrellaReview) -> dict[str, Any]:
    overlap = cached_overlap_for_reviews(umbrella)
    return {
        "n_studies": overlap.n_studies,
        "n_inclusions": overlap.n_inclusions,
        "cca_percent": _plain(overlap.cca),
        "cca_band": overlap.cca_band,
        "cca_adjusted_percent": _plain(overlap.cca_adjusted),
    }


def _factors(umbrella: UmbrellaReview) -> dict[str, dict[str, Any]]:
    rows = ImplementationFactor.objects.filter(umbrella=umbrella).annotate(n=Count("reviews"))
    return {
        f.code: {
            "domain": f.get_domain_display(),
            "statement": f.statement,
            "valence": f.get_valence_display(),
            "n_reviews": f.n,
        }
        for f in rows.order_by("code")
    }


def _themes(umbrella: UmbrellaReview) -> dict[str, dict[str, Any]]:
    rows = ExperienceSubtheme.objects.filter(theme__umbrella=umbrella).select_related("theme")
    return {
        s.code: {
            "theme": s.theme.name,
            "statement": s.statement,
            "valence": s.get_valence_display(),
            "n_reviews": s.n,
        }
        for s in rows.annotate(n=Count("reviews")).order_by("code")
    }


def _key_findings(sections: list[Section]) -> dict[str, str]:
    return {
        section.question.code: section.narrative.text if section.narrative else ""
        for section in sections
    }


def reader_figures(umbrella: UmbrellaReview) -> dict[str, Any]:
    """Everything the change page compares, for the project as it is now."""
    flow = flow_of(umbrella)
    # The live project's summary of findings and key findings are their pages' own, kept per
    # data revision: the draft figures after a write read what the background recomputation
    # made when it rendered those pages. A release's copy computes its own inside the publish
    # transaction: were they kept, an entry would outlive a publish rolled back (refused), whose
    # copy's id SQLite may give again.
    sections, groups = (
        with_effectiveness(umbrella) if umbrella.is_frozen else kept_with_effectiveness(umbrella)
    )
    return {
        "format": FIGURES_FORMAT,
        "title": umbrella.title,
        "reviews": _reviews(umbrella),
        "outcomes": _outcomes(umbrella, groups),
        "overlap": _overlap(umbrella),
        "factors": _factors(umbrella),
        "themes": _themes(umbrella),
        "key_findings": _key_findings(sections),
        "prisma": {label: getattr(flow, name) for name, label in COUNT_FIELDS},
    }
