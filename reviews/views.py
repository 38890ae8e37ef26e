from dataclasses import dataclass, replace

from django.db.models import OuterRef, QuerySet
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from appraisal.tables import with_ratings

from .access import UmbrellaAccessMixin, can_manage, visible_umbrellas
from .filters import IncludedReviewFilter
from .models import IncludedReview, Inclusion, PrimaryStudy
from .queries import count_of
from .revisions import cached_for_project
from .summaries import umbrella_summary


@dataclass(frozen=True)
class Column:
    label: str
    sort: str = ""  # the OrderingFilter parameter value; blank when not sortable
    numeric: bool = False
    aria_sort: str = ""
    next_sort: str = ""


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


def table_columns(columns: list[Column], current_sort: str) -> list[Column]:
    """Mark the sorted column for screen readers and make its header link flip the order."""
    marked = []
    for column in columns:
        if not column.sort:
            marked.append(column)
            continue
        ascending, descending = current_sort == column.sort, current_sort == f"-{column.sort}"
        aria = "ascending" if ascending else "descending" if descending else ""
        next_sort = f"-{column.sort}" if ascending else column.sort
        marked.append(replace(column, aria_sort=aria, next_sort=next_sort))
    return marked


class HomeView(ListView):
    template_name = "reviews/home.html"
    context_object_name = "umbrellas"

    def get_queryset(self):
        return visible_umbrellas(self.request.user).order_by("title")


class UmbrellaDetailView(UmbrellaAccessMixin, DetailView):
    template_name = "reviews/umbrella_detail.html"

    def get_object(self, queryset=None):
        return self.umbrella

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Counts over every review, study and vocabulary term: cached until the data changes.
        context["summary"] = cached_for_project(
            self.umbrella, "summary", "", lambda: umbrella_summary(self.umbrella)
        )
        context["can_manage"] = can_manage(self.request.user, self.umbrella)
        return context


class IncludedReviewListView(UmbrellaAccessMixin, FilterView):
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
