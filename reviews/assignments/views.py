"""The owners' assignments page (every review × task, the bulk spread), the form of one
review's assignments, and the project's extraction mode (a settings section)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from ..access import UmbrellaAccessMixin
from ..models import IncludedReview
from ..project.settings_views import SettingsMixin
from ..versioning import StaleEdit
from ..views import VersionedFormView
from .forms import BulkAssignForm, ExtractionModeForm, ReviewAssignmentForm
from .models import ReviewAssignment, tasks_for
from .services import bulk_assign, set_extraction_mode


def assignments_url(umbrella: Any) -> str:
    return reverse("reviews:assignments", kwargs={"slug": umbrella.slug})


def extraction_settings_url(umbrella: Any) -> str:
    return reverse("reviews:settings-extraction", kwargs={"slug": umbrella.slug})


class AssignmentsView(UmbrellaAccessMixin, TemplateView):
    manage_access = True
    template_name = "reviews/assignments.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        tasks = tasks_for(self.umbrella.dual_extraction)
        related = [f"assignment__{task.field}" for task in tasks]
        reviews = (
            IncludedReview.objects.filter(umbrella=self.umbrella)
            .select_related("assignment", *related)
            .order_by("label")
        )
        rows = []
        for review in reviews:
            assignment = getattr(review, "assignment", None)
            people = [getattr(assignment, task.field) if assignment else None for task in tasks]
            rows.append((review, people))
        context = super().get_context_data(**kwargs)
        context.update(
            tasks=tasks,
            rows=rows,
            bulk_form=kwargs.get("bulk_form") or BulkAssignForm(umbrella=self.umbrella),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "mode" in request.POST:
            # The mode's form moved to the settings; a page opened before still posts here,
            # so its POST is passed on (307 keeps the method and body).
            return HttpResponseRedirect(extraction_settings_url(self.umbrella), status=307)
        form = BulkAssignForm(request.POST, umbrella=self.umbrella)
        if form.is_valid():
            try:
                n = bulk_assign(
                    umbrella=self.umbrella,
                    tasks=form.tasks(),
                    people=list(form.cleaned_data["people"]),
                    only_unassigned=form.cleaned_data["only_unassigned"],
                )
            except ValidationError as error:
                form.add_error("people", error)
            else:
                messages.success(request, f"{n} review{'s' if n != 1 else ''} assigned.")
                return HttpResponseRedirect(assignments_url(self.umbrella))
        return self.render_to_response(self.get_context_data(bulk_form=form), status=400)


class ExtractionSettingsView(SettingsMixin, TemplateView):
    """Settings → Extraction (owners): single entry or dual extraction, switched through
    `set_extraction_mode` under the project's edit lock."""

    template_name = "reviews/settings/extraction.html"
    settings_section = "extraction"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault(
            "form", ExtractionModeForm(instance=self.umbrella, umbrella=self.umbrella)
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ExtractionModeForm(request.POST, instance=self.umbrella, umbrella=self.umbrella)
        if form.is_valid():
            try:
                set_extraction_mode(
                    umbrella=self.umbrella,
                    mode=form.cleaned_data["extraction_mode"],
                    expected_version=form.cleaned_data["version"],
                )
            except StaleEdit:
                form.add_error(None, "The project changed since you opened the page: reload it.")
            else:
                messages.success(
                    request, f"Extraction: {self.umbrella.get_extraction_mode_display()}."
                )
                return HttpResponseRedirect(extraction_settings_url(self.umbrella))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ReviewAssignmentView(VersionedFormView):
    """Who does what on one review (owners)."""

    write_access = False
    manage_access = True
    form_class = ReviewAssignmentForm
    heading = "Assignments"

    def get_instance(self) -> ReviewAssignment:
        review = get_object_or_404(IncludedReview, umbrella=self.umbrella, pk=self.kwargs["pk"])
        return ReviewAssignment.objects.filter(review=review).first() or ReviewAssignment(
            review=review
        )

    def get_success_url(self, instance: Any) -> str:
        return assignments_url(self.umbrella)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["heading"] = f"assignments of {context['form'].instance.review.label}"
        return context
