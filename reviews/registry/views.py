"""The included-reviews table (filtered, sorted, with each review's AMSTAR 2 rating) and a
review's page."""

from django.db.models import OuterRef, QuerySet
from django.views.generic import DetailView
from django_filters.views import FilterView

from ..access import UmbrellaAccessMixin
from ..models import IncludedReview, Inclusion, PrimaryStudy
from ..queries import count_of
from ..views import Column, table_columns
from .filters import IncludedReviewFilter
from .ratings import with_ratings

REVIEW_COLUMNS = [
    Column("Review", "label"),
    Column("Year", "year", numeric=True),
    Column("Type", "review_type"),
    Column("Populations"),
    Column("Format"),
    Column("RQs"),
    Column("Primary studies", "n_primary_studies", numeric=True),
    Column("Participants", "n_participants", numeric=True),
    Column("AMSTAR 2", "rating"),
]


class IncludedReviewListView(UmbrellaAccessMixin, FilterView):
    nav_section = "reviews"
    filterset_class = IncludedReviewFilter
    template_name = "reviews/includedreview_list.html"
    paginate_by = 25

    def get_queryset(self):
        return (
            with_ratings(IncludedReview.objects.filter(umbrella=self.umbrella))
            .select_related("umbrella")
            .prefetch_related("populations", "formats", "research_questions")
            .order_by("label")
        )

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "umbrella": self.umbrella}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = table_columns(REVIEW_COLUMNS, self.request.GET.get("sort", ""))
        return context


class IncludedReviewDetailView(UmbrellaAccessMixin, DetailView):
    template_name = "reviews/includedreview_detail.html"
    context_object_name = "review"
    studies_shown = 50  # the rest are one click away in the registry, filtered to this review

    def get_queryset(self):
        return (
            IncludedReview.objects.filter(umbrella=self.umbrella)
            .with_lists()
            .annotate(n_registry_studies=count_of(registry_inclusions(OuterRef("pk"))))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Walks the project's studies in label order (an index) until it has found a page of
        # this review's: no sort of the review's whole list.
        context["studies"] = list(
            PrimaryStudy.objects.active()
            .filter(umbrella=self.umbrella, inclusions__review=self.object)
            .order_by("label", "id")[: self.studies_shown]
        )
        return context


def registry_inclusions(review) -> QuerySet[Inclusion]:
    # A merge may leave a cell on the hidden record; the kept study already stands for it.
    return Inclusion.objects.filter(review=review, study__merged_into__isnull=True)
