"""The API's resources: thin views over the selectors and FilterSets the pages use.

Each list reads the same queryset as its page and filters it with the page's own FilterSet
(`ProjectFilterBackend`), so `?finding=improvement&min_rating=moderate` returns the rows the
evidence page shows for the same query string. Invalid filter values are a 400 naming the
parameter (the page silently drops them).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView, RetrieveAPIView, get_object_or_404

from appraisal.visibility import exported_appraisals
from reviews.access import listed_umbrellas
from reviews.models import (
    ExperienceSubtheme,
    ImplementationFactor,
    IncludedReview,
    UmbrellaReview,
)
from reviews.qualitative.filters import ExperienceSubthemeFilter, ImplementationFactorFilter
from reviews.registry.filters import IncludedReviewFilter
from reviews.registry.ratings import with_ratings
from synthesis.filters import OutcomeResultFilter
from synthesis.models import Outcome, OutcomeResult, StudyEffect
from synthesis.selectors import evidence
from synthesis.selectors.ratings import REVIEW_PATH

from . import serializers
from .base import KeysFirstPagination, Pagination, ProjectView
from .filters import AppraisalFilter, StudyEffectFilter


class ProjectFilterBackend(DjangoFilterBackend):
    """django-filter's backend, giving the page's FilterSet its project (`ProjectFilterSet`)."""

    def get_filterset_kwargs(
        self, request: HttpRequest, queryset: QuerySet[Any], view: Any
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_filterset_kwargs(request, queryset, view)
        if getattr(view.filterset_class, "project_scoped", True):
            kwargs["umbrella"] = view.umbrella
        return kwargs


class ProjectListView(ProjectView, ListAPIView):
    """A paginated list of one project's rows, filtered by the page's FilterSet."""

    pagination_class = Pagination
    filter_backends = [ProjectFilterBackend]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator: no project
            # DRF's stubs type `Meta` as a bare class, without the ModelSerializer's `model`.
            return self.get_serializer_class().Meta.model.objects.none()  # type: ignore[attr-defined]
        return self.rows()

    def rows(self) -> QuerySet[Any]:
        raise NotImplementedError


class ProjectsView(ListAPIView):
    """The projects you may read: the published ones, and those you are a member of."""

    serializer_class = serializers.ProjectSerializer
    pagination_class = Pagination

    def get_queryset(self) -> QuerySet[UmbrellaReview]:
        return listed_umbrellas(self.request.user).order_by("title", "pk")


class ProjectDetailView(ProjectView, RetrieveAPIView):
    """One project, with the addresses of its resources."""

    serializer_class = serializers.ProjectSerializer

    def get_object(self) -> UmbrellaReview:
        return self.umbrella


def reviews_of(umbrella: UmbrellaReview) -> QuerySet[IncludedReview]:
    """The reviews page's rows, with everything the serializer reads in five more queries."""
    return (
        with_ratings(IncludedReview.objects.filter(umbrella=umbrella))
        .prefetch_related(
            "reports", "research_questions", "populations", "formats", "delivery_modes"
        )
        .order_by("label", "pk")
    )


class ReviewListView(ProjectListView):
    """The included reviews, with their reports, research questions, populations and formats
    (filters of the reviews page)."""

    serializer_class = serializers.ReviewSerializer
    filterset_class = IncludedReviewFilter

    def rows(self) -> QuerySet[IncludedReview]:
        return reviews_of(self.umbrella)


class ReviewDetailView(ProjectView, RetrieveAPIView):
    serializer_class = serializers.ReviewSerializer

    def get_object(self) -> IncludedReview:
        return get_object_or_404(reviews_of(self.umbrella), pk=self.kwargs["pk"])


class AppraisalListView(ProjectListView):
    """AMSTAR 2 appraisals with their item answers, as the blinding rule lets you see them:
    submitted consensus appraisals for everyone; a rater's own appraisal, and both raters' once
    both submitted, for the project's appraisers (`appraisal.visibility`)."""

    serializer_class = serializers.AppraisalSerializer
    filterset_class = AppraisalFilter

    def rows(self) -> QuerySet[Any]:
        scope = exported_appraisals(self.request.user, self.umbrella)
        self.usernames = scope.usernames
        return (
            scope.appraisals.select_related("review", "rater")
            .prefetch_related("answers")
            .order_by("review__label", "review_id", "role", "pk")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "usernames": self.usernames}


class OutcomeListView(ProjectListView):
    serializer_class = serializers.OutcomeSerializer
    filterset_class = None

    def rows(self) -> QuerySet[Outcome]:
        return (
            Outcome.objects.filter(umbrella=self.umbrella)
            .select_related("domain")
            .order_by("domain__position", "domain__name", "position", "name", "pk")
        )


def results_of(umbrella: UmbrellaReview) -> QuerySet[OutcomeResult]:
    """The evidence pages' rows (`FilteredResultsMixin.base_results`)."""
    results = OutcomeResult.objects.filter(review__umbrella=umbrella)
    return with_ratings(results, review_path=REVIEW_PATH)


class ResultListView(ProjectListView):
    """Outcome results, filtered like the evidence pages; in the export's order (outcome
    domain, outcome, then `sort` or the review's label)."""

    serializer_class = serializers.ResultSerializer
    filterset_class = OutcomeResultFilter
    pagination_class = KeysFirstPagination

    def rows(self) -> QuerySet[OutcomeResult]:
        return results_of(self.umbrella)

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        filtered = super().filter_queryset(queryset)
        sort = list(filtered.query.order_by) or ["review__label"]
        return evidence.ordered_results(filtered).order_by(
            "outcome__domain__position", "outcome__position", "outcome__name", *sort, "pk"
        )


class StudyEffectListView(ProjectListView):
    """Study-level effects (`?result=<id>`), of the results the evidence filters select."""

    serializer_class = serializers.StudyEffectSerializer
    filterset_class = StudyEffectFilter

    def rows(self) -> QuerySet[StudyEffect]:
        return StudyEffect.objects.filter(outcome_result__review__umbrella=self.umbrella).order_by(
            "outcome_result_id", "label", "pk"
        )

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        results = OutcomeResultFilter(
            self.request.query_params, queryset=results_of(self.umbrella), umbrella=self.umbrella
        )
        if not results.is_valid():
            raise ValidationError(results.errors)
        effects = super().filter_queryset(queryset)
        return effects.filter(outcome_result__in=results.qs.values("pk"))


class FactorListView(ProjectListView):
    """CFIR implementation factors with their supporting reviews (the implementation page's
    filters)."""

    serializer_class = serializers.FactorSerializer
    filterset_class = ImplementationFactorFilter

    def rows(self) -> QuerySet[ImplementationFactor]:
        return (
            ImplementationFactor.objects.filter(umbrella=self.umbrella)
            .prefetch_related(Prefetch("reviews", IncludedReview.objects.only("pk")))
            .order_by("domain", "position", "code", "pk")
        )


class SubthemeListView(ProjectListView):
    """Experience themes: each subtheme with its theme, perspectives and supporting reviews
    (the experiences page's filters)."""

    serializer_class = serializers.SubthemeSerializer
    filterset_class = ExperienceSubthemeFilter

    def rows(self) -> QuerySet[ExperienceSubtheme]:
        return (
            ExperienceSubtheme.objects.filter(theme__umbrella=self.umbrella)
            .select_related("theme")
            .prefetch_related(
                Prefetch("reviews", IncludedReview.objects.only("pk")), "perspectives"
            )
            .order_by("theme__position", "theme__name", "position", "code", "pk")
        )
