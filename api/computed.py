"""The API's computed resources: overlap (CCA), key findings, PRISMA counts and the summary
of findings. Each reads what its page reads, kept per data revision where the page keeps it
(one computation per revision serves the pages, their exports and the API), and returns its
figures as plain JSON."""

from __future__ import annotations

import math
from typing import Any

from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from reviews.overlap.selectors import Overlap, ReviewColumn, cached_overlap_for_reviews
from reviews.prisma.views import flow_of
from synthesis.exports import summary_records
from synthesis.models import Outcome
from synthesis.selection import parse_rule
from synthesis.selectors.key_findings import CategoryGroup, cached_key_findings
from synthesis.selectors.summary_of_findings import kept_summary_of_findings, summary_filter

from .base import ProjectView
from .serializers import PRISMA_COUNTS


def _review(column: ReviewColumn) -> dict[str, Any]:
    return {"id": column.pk, "label": column.label, "year": column.year}


def _finite(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 2)


def overlap_json(overlap: Overlap) -> dict[str, Any]:
    """The overlap page's figures: overall CCA (raw and adjusted for structural missingness),
    how often studies are included, and each pair of reviews' CCA and shared studies."""
    pairs = overlap.pairwise_reviews
    pairwise = [
        {
            "review_a": pairs[i].pk,
            "review_b": pairs[j].pk,
            "cca_percent": _finite(overlap.pairwise[i, j]),
            "shared_studies": int(overlap.shared[i, j]),
        }
        for i in range(len(pairs))
        for j in range(i + 1, len(pairs))
    ]
    return {
        "reviews": [_review(r) for r in overlap.reviews],
        "n_studies": overlap.n_studies,
        "n_inclusions": overlap.n_inclusions,
        "cca_percent": _finite(overlap.cca),
        "cca_band": overlap.cca_band,
        "cca_adjusted_percent": _finite(overlap.cca_adjusted),
        "cca_adjusted_band": overlap.cca_adjusted_band,
        "n_structurally_missing_cells": overlap.n_missing_cells,
        "inclusion_frequency": {str(k): v for k, v in sorted(overlap.frequency.items())},
        "most_included": [
            {"id": s.pk, "label": s.label, "year": s.year, "n_reviews": s.n_reviews}
            for s in overlap.most_included
        ],
        "pairwise_limited_to_largest_reviews": overlap.pairwise_limited,
        "pairwise": pairwise,
    }


class OverlapView(ProjectView):
    """Overlap of primary studies among all the project's included reviews."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(overlap_json(cached_overlap_for_reviews(self.umbrella)))


class OutcomeOverlapView(ProjectView):
    """Overlap among the reviews contributing results to one outcome."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        outcome = get_object_or_404(Outcome, umbrella=self.umbrella, pk=kwargs["pk"])
        review_ids = sorted(set(outcome.results.values_list("review_id", flat=True)))
        data = overlap_json(cached_overlap_for_reviews(self.umbrella, review_ids))
        return Response({"outcome": {"id": outcome.pk, "name": outcome.name}, **data})


def _effectiveness(groups: list[CategoryGroup]) -> list[dict[str, Any]]:
    return [
        {
            "category": group.category,
            "outcomes": [
                {
                    "id": getattr(finding.outcome, "pk", None),
                    "name": str(finding.outcome),
                    "domain": finding.domain,
                    "n_reviews": finding.n_reviews,
                    "ratings": [{"rating": r, "n_reviews": n} for r, n in finding.ratings],
                    "summary": finding.summary,
                }
                for finding in group.outcomes
            ],
        }
        for group in groups
    ]


class KeyFindingsView(ProjectView):
    """The key findings per research question: the team's narrative and, for effectiveness
    questions, the outcomes grouped by the consistency of their findings."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        sections = []
        for section in cached_key_findings(self.umbrella):
            question = section.question
            entry: dict[str, Any] = {
                "code": question.code,
                "text": question.text,
                "kind": question.kind,
                "narrative": section.narrative.text if section.narrative else "",
            }
            if question.kind == question.Kind.EFFECTIVENESS:
                # The selector types `computed` as object (its shape depends on the question's
                # kind); for an effectiveness question it is the list of CategoryGroups.
                entry["effectiveness"] = _effectiveness(section.computed)  # type: ignore[arg-type]
            sections.append(entry)
        return Response({"research_questions": sections})


class PrismaView(ProjectView):
    """The PRISMA 2020 flow counts (null: not reported)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        flow = flow_of(self.umbrella)
        return Response({name: getattr(flow, name) for name in PRISMA_COUNTS})


class SummaryOfFindingsView(ProjectView):
    """One row per outcome: the selected result by the project's selection rule (or `rule`),
    with the evidence filters of the results resource."""

    @extend_schema(
        responses=OpenApiTypes.OBJECT,
        parameters=[
            OpenApiParameter(
                "rule", str, description="Criteria in order, comma-separated (e.g. rating,k,n)"
            )
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = request.query_params
        assert isinstance(params, QueryDict)
        # Refused before anything is computed or kept: the rule first, then the filters.
        if rule := params.get("rule"):
            try:
                parse_rule(rule)
            except ValueError as error:
                raise ValidationError({"rule": [str(error)]}) from None
        filterset = summary_filter(self.umbrella, params)
        if filterset.is_bound and not filterset.is_valid():
            raise ValidationError(filterset.errors)
        sof = kept_summary_of_findings(self.umbrella, params)
        return Response(
            {
                "rule": [c.value for c in sof.rule],
                "intervention": sof.intervention,
                "rows": summary_records(sof),
            }
        )
