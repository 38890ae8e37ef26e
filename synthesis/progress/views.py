"""The progress dashboard (reviews × tasks), its CSV, and each member's own tasks."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from reviews.access import UmbrellaAccessMixin, can_manage
from reviews.assignments.models import tasks_for
from reviews.csvfiles import csv_bytes
from reviews.formulas import escape_formula
from reviews.models import Membership

from ..extraction.compare import project_agreement
from ..models import ExtractedResult
from .selectors import Cell, Status, counts, filtered, matches, percent_done, progress


def task_url(cell: Cell, dual: bool) -> str:
    """Straight to the form of the task."""
    slug, pk = cell.review.umbrella.slug, cell.review.pk
    field = cell.task.field
    if field == "studies_by":
        return reverse("reviews:review-studies", args=[slug, pk])
    if field in ("rater1", "rater2", "consensus_by"):
        role = {"rater1": "first", "rater2": "second", "consensus_by": "consensus"}[field]
        return reverse("appraisal:appraisal-form", args=[slug, pk, role])
    if field in ("extractor1", "extractor2") and dual:
        slot = "first" if field == "extractor1" else "second"
        return reverse("synthesis:extraction", args=[slug, pk, slot])
    if field == "reconciler":
        return reverse("synthesis:extraction-compare", args=[slug, pk])
    if field == "extractor1":
        return reverse("synthesis:result-add", args=[slug, pk])
    return cell.review.get_absolute_url() + "#outcome-results"


class ProgressMixin(UmbrellaAccessMixin):
    member_access = True  # the team's work is for the team
    nav_section = "progress"

    def filters(self) -> tuple[int | None, str]:
        person = self.request.GET.get("person", "")
        status = self.request.GET.get("status", "")
        return (
            int(person) if person.isdigit() else None,
            status if status in Status.__members__.values() else "",
        )


class ProgressView(ProgressMixin, TemplateView):
    template_name = "synthesis/progress.html"
    rows_per_page = 100

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person_id, status = self.filters()
        rows = progress(self.umbrella)
        task_counts = counts(rows, person_id=person_id)
        shown = filtered(rows, person_id=person_id, status=status)
        page = Paginator(shown, self.rows_per_page).get_page(self.request.GET.get("page"))
        members = Membership.objects.filter(umbrella=self.umbrella).select_related("user")
        extraction, n_double = (None, 0)
        if self.umbrella.dual_extraction:
            extracted = ExtractedResult.objects.filter(
                extraction__review__umbrella=self.umbrella
            ).select_related("extraction", "outcome")
            extraction, n_double = project_agreement(extracted)
        context.update(
            tasks=tasks_for(self.umbrella.dual_extraction),
            page_obj=page,
            n_reviews=len(rows),
            n_shown=len(shown),
            task_counts=task_counts,
            percent_done=percent_done(task_counts),
            statuses=list(Status),
            people=sorted((m.user for m in members), key=lambda u: u.get_username()),
            person_id=person_id,
            status=status,
            extraction_agreement=extraction,
            n_double_extracted=n_double,
            can_manage=can_manage(self.request.user, self.umbrella),
        )
        return context


class MyTasksView(ProgressMixin, TemplateView):
    """The signed-in member's tasks, each linked to its form; the ones still to do first."""

    template_name = "synthesis/my_tasks.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        dual = self.umbrella.dual_extraction
        mine = [
            (cell, task_url(cell, dual))
            for row in progress(self.umbrella)
            for cell in row.cells
            if matches(cell, person_id=self.request.user.pk, status="")
        ]
        order = list(Status)
        mine.sort(key=lambda item: (order.index(item[0].status) == 3, item[0].review.label))
        context.update(
            tasks=mine,
            n_open=sum(1 for cell, _ in mine if cell.status != Status.DONE),
        )
        return context


class ProgressExportView(ProgressMixin, View):
    """The dashboard's rows as CSV, one line per review × task (the same filters)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person_id, status = self.filters()
        lines = [["review", "task", "assigned_to", "status"]]
        for row in filtered(progress(self.umbrella), person_id=person_id, status=status):
            for cell in row.cells:
                if not matches(cell, person_id=person_id, status=status):
                    continue
                person = cell.person.get_username() if cell.person is not None else ""
                values = [row.review.label, cell.task.label, person, cell.status.value]
                lines.append([escape_formula(v) for v in values])
        response = HttpResponse(csv_bytes(lines), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.umbrella.slug}-progress.csv"'
        )
        return response
