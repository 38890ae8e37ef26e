"""Pages of the primary-study registry: the list, candidate duplicates (merge, reject, undo)
and the citation-matrix entry of one review."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import OuterRef, Q
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import ListView, TemplateView, View

from ..access import UmbrellaAccessMixin
from ..models import IncludedReview, Inclusion, PrimaryStudy, StudyMerge, StudyReport
from ..queries import count_of
from .forms import (
    MergeForm,
    PasteIdentifiersForm,
    RejectForm,
    TickStudiesForm,
    UploadStudiesForm,
)
from .services import (
    MergeError,
    StudyListError,
    candidate_pairs,
    import_review_studies,
    merge_studies,
    reject_candidate,
    set_review_studies,
    undo_merge,
)


class StudyListView(UmbrellaAccessMixin, ListView):
    template_name = "reviews/primarystudy_list.html"
    paginate_by = 50

    def get_queryset(self):
        # Counts as subqueries, not joins + COUNT(DISTINCT): PostgreSQL then counts for the 50
        # rows of the page only, and the paginator's COUNT(*) needs no join at all.
        studies = (
            PrimaryStudy.objects.active()
            .filter(umbrella=self.umbrella)
            .annotate(
                n_reviews=count_of(Inclusion.objects.filter(study=OuterRef("pk"))),
                n_reports=count_of(StudyReport.objects.filter(study=OuterRef("pk"))),
                n_merged=count_of(PrimaryStudy.objects.filter(merged_into=OuterRef("pk"))),
            )
            .order_by("label", "pk")
        )
        self.review = self.selected_review()
        if self.review is not None:
            studies = studies.filter(
                pk__in=Inclusion.objects.filter(review=self.review).values("study_id")
            )
        query = self.request.GET.get("q", "").strip()
        for term in query.split():
            studies = studies.filter(
                Q(label__icontains=term)
                | Q(title__icontains=term)
                | Q(authors__icontains=term)
                | Q(doi__icontains=term)
                | Q(pmid=term)
            )
        return studies

    def selected_review(self) -> IncludedReview | None:
        """The review named by `?review=<pk>` (its studies only), if it is in this project."""
        value = self.request.GET.get("review", "")
        if not value.isdigit():
            return None
        return IncludedReview.objects.filter(umbrella=self.umbrella, pk=value).first()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "q": self.request.GET.get("q", ""),
            "review": self.review,
        }


def _studies_url(umbrella):
    return redirect("reviews:study-duplicates", slug=umbrella.slug)


class DuplicatesView(UmbrellaAccessMixin, TemplateView):
    template_name = "reviews/duplicates.html"
    write_access = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pairs"] = candidate_pairs(self.umbrella)
        context["merges"] = StudyMerge.objects.filter(umbrella=self.umbrella).select_related(
            "kept", "merged", "merged_by", "undone_by"
        )[:50]
        return context


class _StudyPairView(UmbrellaAccessMixin, View):
    """A decision about two registry studies of this project, posted from the duplicates page."""

    write_access = True
    form_class: type[forms.Form]
    invalid_message = ""  # shown when the form is incomplete ("" shows nothing)

    def decide(self, first: PrimaryStudy, second: PrimaryStudy) -> str:
        """Record the decision (MergeError if it cannot be) and say what was done."""
        raise NotImplementedError

    def post(self, request, slug):
        form = self.form_class(request.POST)
        if form.is_valid():
            studies = PrimaryStudy.objects.filter(umbrella=self.umbrella)
            first, second = (get_object_or_404(studies, pk=pk) for pk in form.cleaned_data.values())
            try:
                done = self.decide(first, second)
            except MergeError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, done)
        elif self.invalid_message:
            messages.error(request, self.invalid_message)
        return _studies_url(self.umbrella)


class MergeView(_StudyPairView):
    form_class = MergeForm
    invalid_message = "Choose the study to keep and the one to merge."

    def decide(self, first: PrimaryStudy, second: PrimaryStudy) -> str:
        merge_studies(kept=first, merged=second, user=self.request.user, reason="confirmed")
        return f"Merged {second.label} into {first.label}."


class RejectView(_StudyPairView):
    form_class = RejectForm

    def decide(self, first: PrimaryStudy, second: PrimaryStudy) -> str:
        reject_candidate(a=first, b=second, user=self.request.user)
        return f"Recorded: {first.label} and {second.label} are different."


class UndoMergeView(UmbrellaAccessMixin, View):
    write_access = True

    def post(self, request, slug, pk):
        merge = get_object_or_404(StudyMerge, umbrella=self.umbrella, pk=pk)
        try:
            undo_merge(merge=merge, user=request.user)
        except MergeError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Undone: {merge.merged.label} is a study of its own again.")
        return _studies_url(self.umbrella)


class ReviewStudiesView(UmbrellaAccessMixin, TemplateView):
    """Enter one review's column of the citation matrix: tick, paste, or upload."""

    template_name = "reviews/review_studies.html"
    write_access = True
    actions = {"tick", "paste", "upload"}

    def get_review(self):
        return get_object_or_404(IncludedReview, umbrella=self.umbrella, pk=self.kwargs["pk"])

    def forms(self, data=None, files=None, action=""):
        review = self.review
        current = review.inclusions.filter(study__merged_into__isnull=True).values_list(
            "study_id", flat=True
        )
        return {
            "tick_form": TickStudiesForm(
                data if action == "tick" else None,
                umbrella=self.umbrella,
                initial={"studies": list(current)},
            ),
            "paste_form": PasteIdentifiersForm(data if action == "paste" else None),
            "upload_form": UploadStudiesForm(
                data if action == "upload" else None, files if action == "upload" else None
            ),
        }

    def get(self, request, *args, **kwargs):
        self.review = self.get_review()
        return self.render_to_response(self.get_context_data(**self.forms()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["review"] = self.review
        return context

    def post(self, request, *args, **kwargs):
        self.review = self.get_review()
        action = request.POST.get("action", "")
        forms = self.forms(request.POST, request.FILES, action)
        problems = []
        if action not in self.actions:
            problems = ["Unknown action."]
        elif action == "tick" and forms["tick_form"].is_valid():
            ids = {s.pk for s in forms["tick_form"].cleaned_data["studies"]}
            added, removed = set_review_studies(review=self.review, study_ids=ids)
            messages.success(request, f"{added} studies added, {removed} removed.")
            return redirect(request.path)
        elif action in {"paste", "upload"} and forms[f"{action}_form"].is_valid():
            form = forms[f"{action}_form"]
            parsed = form.parsed()
            create = action == "upload" and form.cleaned_data["create_missing"]
            problems = [str(p) for p in parsed.problems]
            if not problems:
                try:
                    report = import_review_studies(
                        review=self.review, rows=parsed.studies, create_missing=create
                    )
                except StudyListError as error:
                    problems = [str(p) for p in error.problems]
                else:
                    messages.success(request, _summary(report))
                    return redirect(request.path)
        context = self.get_context_data(**forms, problems=problems, action=action)
        return self.render_to_response(context, status=400)


def _summary(report) -> str:
    parts = [f"{len(report.linked)} studies linked"]
    if report.created:
        parts.append(f"{len(report.created)} added to the registry ({', '.join(report.created)})")
    if report.already_linked:
        parts.append(f"{len(report.already_linked)} already linked")
    if report.repeated_rows:
        rows = ", ".join(str(r) for r in report.repeated_rows)
        parts.append(f"rows {rows} repeat a study listed earlier")
    return "; ".join(parts) + ". Nothing was skipped."
