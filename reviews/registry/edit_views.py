"""Researchers' pages that add, edit and delete included reviews, their further reports and
excluded reviews. Writes go through the locking helper (`VersionedFormView`,
`DeleteRowView`); deleting a review first lists what goes with it (its reports, appraisals,
results …) and asks to confirm."""

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import ListView

from ..access import UmbrellaAccessMixin
from ..models import ExcludedReview, IncludedReview, Report
from ..views import DeleteRowView, VersionedFormView
from .forms import ExcludedReviewForm, ReportForm, ReviewForm


class ReviewFormView(VersionedFormView):
    form_class = ReviewForm
    heading = "Included review"
    template_name = "reviews/includedreview_form.html"

    def get_instance(self) -> IncludedReview:
        if "pk" not in self.kwargs:
            return IncludedReview(umbrella=self.umbrella)
        return get_object_or_404(IncludedReview, umbrella=self.umbrella, pk=self.kwargs["pk"])

    def get_success_url(self, instance: IncludedReview | None) -> str:
        if instance is None and "pk" not in self.kwargs:
            return reverse("reviews:review-list", args=[self.umbrella.slug])
        # Without "pk" in the URL the page added a review, so `instance` is that review.
        pk = self.kwargs.get("pk") or instance.pk  # type: ignore[union-attr]
        return reverse("reviews:review-detail", args=[self.umbrella.slug, pk])


class ReviewDeleteView(DeleteRowView):
    def get_object(self) -> IncludedReview:
        return get_object_or_404(IncludedReview, umbrella=self.umbrella, pk=self.kwargs["pk"])

    def get_success_url(self) -> str:
        return reverse("reviews:review-list", args=[self.umbrella.slug])

    def cancel_url(self, row: Any) -> str:
        return str(row.get_absolute_url())


class ReviewChildMixin:
    """A page about one included review of the project (`pk` in the URL)."""

    umbrella: Any
    kwargs: dict[str, Any]

    def review(self) -> IncludedReview:
        return get_object_or_404(IncludedReview, umbrella=self.umbrella, pk=self.kwargs["pk"])

    def report(self) -> Report:
        reports = Report.objects.filter(review__umbrella=self.umbrella, review=self.kwargs["pk"])
        return get_object_or_404(reports, pk=self.kwargs["report_pk"])


class ReportFormView(ReviewChildMixin, VersionedFormView):
    form_class = ReportForm
    heading = "Report"

    def make_form(self, data: Any = None) -> ReportForm:
        instance = self.get_instance()
        return ReportForm(data, instance=instance, umbrella=self.umbrella, review=instance.review)

    def get_instance(self) -> Report:
        return self.report() if "report_pk" in self.kwargs else Report(review=self.review())

    def get_success_url(self, instance: object) -> str:
        return reverse("reviews:review-detail", args=[self.umbrella.slug, self.kwargs["pk"]])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        intro = "A further paper reporting the same review (its citation is the main report)."
        return super().get_context_data(intro=intro, **kwargs)


class ReportDeleteView(ReviewChildMixin, DeleteRowView):
    def get_object(self) -> Report:
        return self.report()

    def get_success_url(self) -> str:
        return reverse("reviews:review-detail", args=[self.umbrella.slug, self.kwargs["pk"]])


class ExcludedListView(UmbrellaAccessMixin, ListView):
    """Reviews excluded at full text with their reasons (the PRISMA flow counts them)."""

    nav_section = "reviews"
    template_name = "reviews/excludedreview_list.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        rows = ExcludedReview.objects.filter(umbrella=self.umbrella).select_related("reason")
        return rows.order_by("authors", "year", "pk")


class ExcludedFormView(VersionedFormView):
    form_class = ExcludedReviewForm
    heading = "Excluded review"

    def get_instance(self) -> ExcludedReview:
        if "pk" not in self.kwargs:
            return ExcludedReview(umbrella=self.umbrella)
        return get_object_or_404(ExcludedReview, umbrella=self.umbrella, pk=self.kwargs["pk"])

    def get_success_url(self, instance: object) -> str:
        return reverse("reviews:excluded-list", args=[self.umbrella.slug])


class ExcludedDeleteView(DeleteRowView):
    def get_object(self) -> ExcludedReview:
        return get_object_or_404(ExcludedReview, umbrella=self.umbrella, pk=self.kwargs["pk"])

    def get_success_url(self) -> str:
        return reverse("reviews:excluded-list", args=[self.umbrella.slug])
