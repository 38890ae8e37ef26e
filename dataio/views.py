"""The "Import data" page: upload, dry-run report, confirm; plus exports and the template.

The uploaded file waits server-side in a private temporary folder under a random token kept
in the session (never a path from the browser). Confirming re-reads and re-checks it inside
the writing transaction, so the data written is checked against the database as it is then.
"""

import secrets
import tempfile
from pathlib import Path

from django.http import Http404, HttpResponse
from django.views.generic import TemplateView

from reviews.access import UmbrellaAccessMixin
from reviews.models import IncludedReview

from .citations import (
    PARSERS,
    CitationFileError,
    CitationReport,
    guess_format,
    import_citations,
)
from .forms import ImportForm
from .workbook.export import csv_zip_bytes, project_tables, xlsx_bytes
from .workbook.service import import_workbook
from .workbook.template import template_bytes

UPLOADS = Path(tempfile.gettempdir()) / "umbrella-imports"
SESSION_KEY = "pending_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _run(umbrella, pending: dict, *, dry_run: bool, user=None) -> dict:
    path = UPLOADS / pending["file"]
    if pending["kind"] == "workbook":
        result = import_workbook(
            path,
            slug=umbrella.slug,
            dry_run=dry_run,
            update=pending["update"],
            user=user,
            name=pending["name"],
        )
        return {"workbook": result, "ok": result.ok}
    try:
        records = PARSERS[guess_format(pending["name"])](path.read_text(encoding="utf-8-sig"))
    except (CitationFileError, UnicodeDecodeError) as error:
        return {"citation_error": str(error), "ok": False}
    report = import_citations(umbrella, records, kind=pending["kind"], dry_run=dry_run)
    return {"citations": report, "matched": _matched_links(umbrella, report), "ok": True}


def _matched_links(umbrella, report: CitationReport) -> list[tuple[int, str, str]]:
    """Each record matched to a review already in the project, with that review's page (a
    primary study has none: its label only)."""
    labels = [label for _, label in report.matched]
    pages = {
        review.label: review.get_absolute_url()
        for review in IncludedReview.objects.filter(umbrella=umbrella, label__in=labels)
    }
    return [(number, label, pages.get(label, "")) for number, label in report.matched]


class ImportView(UmbrellaAccessMixin, TemplateView):
    nav_section = "import"
    write_access = True
    template_name = "dataio/import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ImportForm())
        return context

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            return self.confirm(request)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["upload"]
        UPLOADS.mkdir(mode=0o700, exist_ok=True)
        token = secrets.token_urlsafe(16)
        stored = f"{token}{Path(upload.name).suffix.lower()}"
        with (UPLOADS / stored).open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        pending = {
            "token": token,
            "file": stored,
            "name": upload.name,
            "kind": form.cleaned_data["kind"],
            "update": form.cleaned_data["update"],
            "slug": self.umbrella.slug,
        }
        request.session[SESSION_KEY] = pending
        outcome = _run(self.umbrella, pending, dry_run=True)
        return self.render_to_response(
            self.get_context_data(form=form, pending=pending, dry_run=True, **outcome)
        )

    def confirm(self, request):
        pending = request.session.get(SESSION_KEY)
        if (
            not pending
            or pending["token"] != request.POST.get("token")
            or pending["slug"] != self.umbrella.slug
            or not (UPLOADS / pending["file"]).exists()
        ):
            context = self.get_context_data(expired=True)
            return self.render_to_response(context, status=400)
        outcome = _run(self.umbrella, pending, dry_run=False, user=request.user)
        (UPLOADS / pending["file"]).unlink(missing_ok=True)
        del request.session[SESSION_KEY]
        return self.render_to_response(
            self.get_context_data(pending=pending, dry_run=False, done=True, **outcome)
        )


class ExportView(UmbrellaAccessMixin, TemplateView):
    """The whole project as one XLSX workbook or a ZIP of CSVs."""

    def get(self, request, *args, fmt: str, **kwargs):
        if fmt == "xlsx":
            content, kind = xlsx_bytes(project_tables(self.umbrella)), XLSX
        elif fmt == "zip":
            content, kind = csv_zip_bytes(self.umbrella), "application/zip"
        else:
            raise Http404("Unknown export format.")
        response = HttpResponse(content, content_type=kind)
        name = f"{self.umbrella.slug}-workbook.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def template_download(request):
    response = HttpResponse(template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="umbrella-workbook-template.xlsx"'
    return response
