"""The "Import data" page: upload, then a status page that follows the background dry run,
shows its report, and offers Confirm and Cancel; plus exports and the template.

The upload waits in the project's upload folder under its job's random id (`dataio.uploads`),
never a name or path from the browser. Every job page looks the job up by id *and* project
*and* the user who uploaded it, behind the same access rule as the import page (writers of
the project), so an id alone shows nobody else's report.
"""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView, View

from appraisal.visibility import exported_appraisals
from reviews.access import UmbrellaAccessMixin
from reviews.models import IncludedReview

from . import jobs, uploads
from .forms import ImportForm
from .metaumbrella.export import export_metaumbrella
from .models import ImportJob
from .workbook.export import csv_zip_bytes, project_tables, xlsx_bytes
from .workbook.template import template_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_JOBS = 10


class ImportView(UmbrellaAccessMixin, TemplateView):
    nav_section = "import"
    write_access = True
    template_name = "dataio/import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ImportForm())
        mine = ImportJob.objects.filter(umbrella=self.umbrella, user=self.request.user)
        context["jobs"] = mine[:RECENT_JOBS]
        return context

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = jobs.start(
                    umbrella=self.umbrella,
                    user=request.user,
                    upload=form.cleaned_data["upload"],
                    kind=form.cleaned_data["kind"],
                    update=form.cleaned_data["update"],
                )
            except uploads.UploadRefused as error:
                form.add_error("upload", f"The upload was not kept: {error}.")
            else:
                return redirect(job)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class JobMixin(UmbrellaAccessMixin):
    """The job named in the URL, if it is this project's and this user's (else 404)."""

    write_access = True

    def get_job(self) -> ImportJob:
        return get_object_or_404(
            ImportJob, pk=self.kwargs["job"], umbrella=self.umbrella, user=self.request.user
        )


class ImportStatusView(JobMixin, TemplateView):
    """Progress while the task runs (the page refreshes itself), then the report."""

    template_name = "dataio/import_status.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = context["job"] = self.get_job()
        context["progress"] = uploads.read_progress(job) if job.running else {}
        context["cancellable"] = job.status in jobs.CANCELLABLE
        context["done"] = job.status == ImportJob.Status.DONE
        context["max_problems"] = settings.IMPORT_REPORT_MAX_PROBLEMS
        citations = job.report.get("citations") or {}
        context["matched"] = _matched_links(self.umbrella, job.kind, citations.get("matched", []))
        return context


def _matched_links(umbrella, kind: str, matched: list) -> list[tuple[int, str, str]]:
    """Each record matched (same DOI or PMID) to a row already in the project, with that
    review's page when the file held reviews (a primary study has no page: its label only)."""
    labels = [label for _, label in matched]
    pages = {}
    if kind == "reviews" and labels:
        pages = {
            review.label: review.get_absolute_url()
            for review in IncludedReview.objects.filter(umbrella=umbrella, label__in=labels)
        }
    return [(number, label, pages.get(label, "")) for number, label in matched]


class ImportConfirmView(JobMixin, View):
    def post(self, request, *args, **kwargs):
        job = self.get_job()
        if not jobs.confirm(job):
            messages.error(
                request,
                f"{job.name} cannot be imported now ({job.get_status_display().lower()}). "
                "Nothing was written.",
            )
        return redirect(job)


class ImportCancelView(JobMixin, View):
    def post(self, request, *args, **kwargs):
        job = self.get_job()
        if not jobs.cancel(job):
            messages.error(request, f"{job.name} can no longer be cancelled.")
            return redirect(job)
        messages.success(request, f"Cancelled: {job.name} was deleted; nothing was written.")
        return redirect("dataio:import", self.umbrella.slug)


class ImportReportView(JobMixin, View):
    """Every problem of the dry run as CSV (the page lists the first ones only)."""

    def get(self, request, *args, **kwargs):
        job = self.get_job()
        path = uploads.report_path(job)
        if not path.exists():
            raise Http404("This report has expired or the import had no problems.")
        stem = job.name.rsplit(".", 1)[0] or "import"
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=f"{stem}-problems.csv",
            content_type="text/csv; charset=utf-8",
        )


class ExportView(UmbrellaAccessMixin, TemplateView):
    """The whole project as one XLSX workbook or a ZIP of CSVs, holding of the AMSTAR 2
    appraisals what the user may see on the pages (appraisal.visibility)."""

    def get(self, request, *args, fmt: str, **kwargs):
        if fmt not in ("xlsx", "zip"):
            raise Http404("Unknown export format.")
        tables = project_tables(self.umbrella, exported_appraisals(request.user, self.umbrella))
        if fmt == "xlsx":
            content, kind = xlsx_bytes(tables), XLSX
        else:
            content, kind = csv_zip_bytes(tables), "application/zip"
        response = HttpResponse(content, content_type=kind)
        name = f"{self.umbrella.slug}-workbook.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class MetaumbrellaExportView(UmbrellaAccessMixin, View):
    """The study-level rows in metaumbrella's input format (docs/exchange.md); whoever may
    read the project may download it (it holds no rater's or draft appraisal)."""

    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            export_metaumbrella(self.umbrella), content_type="text/csv; charset=utf-8"
        )
        name = f"{self.umbrella.slug}-metaumbrella.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def template_download(request):
    response = HttpResponse(template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="umbrella-workbook-template.xlsx"'
    return response
