"""The release pages: the list, publishing one (and its status page), a release, what changed,
the draft, downloads.

Every view reaches the project through `reviews.access` (`UmbrellaAccessMixin`): whoever may
read the project reads its releases; only owners publish one. A release is read "as of" through
its frozen copy, whose pages are the ordinary pages (`read/` redirects there).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView, View

from appraisal.visibility import exported_appraisals
from dataio.workbook.export import project_tables, xlsx_bytes
from reviews.access import OWNER_ROLES, SUPERUSER, UmbrellaAccessMixin, can_manage
from reviews.models import UmbrellaReview
from reviews.project.warming import mark_updating

from . import jobs
from .cite import Citable, bibtex, csl_json
from .diff import ReleaseDiff, change_log, diff
from .draft import draft_changes, starting_notes
from .forms import ReleaseForm
from .models import PublishJob, Release
from .selectors import project_of, release_of, releases_of
from .services import next_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _shown(changes: ReleaseDiff, before: str, after: str) -> dict[str, Any]:
    """What the change tables (releases/_diff.html) need besides the diff."""
    return {
        "changes": changes,
        "before_label": before,
        "after_label": after,
        "other_sections": [
            ("Overlap of primary studies", changes.overlap, "overlap"),
            ("Key-findings narratives", changes.key_findings, "narratives"),
            ("PRISMA counts", changes.prisma, "prisma"),
        ],
    }


class ProjectReleasesMixin(UmbrellaAccessMixin):
    """The project of the URL (never a frozen copy: its releases are its project's)."""

    nav_section = "overview"


class ReleaseListView(ProjectReleasesMixin, TemplateView):
    template_name = "releases/release_list.html"

    def keeps_page(self, role: str | None) -> bool:
        # Owners see a publish on its way, which no data revision records: their list is
        # rendered each time (a few queries); everyone else's is kept per revision.
        return role not in OWNER_ROLES and role != SUPERUSER

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        umbrella = project_of(self.umbrella)
        manager = can_manage(self.request.user, self.umbrella)
        return super().get_context_data(
            releases=list(releases_of(umbrella)),
            can_manage=manager,
            # Readers learn nothing of a publish until it is a release.
            pending=jobs.pending_job(umbrella) if manager else None,
            **kwargs,
        )


class PublishReleaseView(ProjectReleasesMixin, TemplateView):
    """Owners publish the next release, its notes pre-filled with the generated change log
    (or, from a refused or failed publish's page, with the notes it was asked with). The
    POST checks what is cheap and queues the publish (`releases.jobs`): its status page
    follows it."""

    template_name = "releases/release_form.html"
    manage_access = True

    def _earlier_notes(self, umbrella: UmbrellaReview) -> str | None:
        """The notes of the finished publish job `?notes_of=<id>` of this project, if any."""
        try:
            job = PublishJob.objects.filter(
                pk=self.request.GET.get("notes_of", ""), umbrella=umbrella
            ).first()
        except ValidationError:  # not a job id
            return None
        return job.notes if job and not job.pending else None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        umbrella = project_of(self.umbrella)
        number = next_number(umbrella)
        if "form" not in kwargs:
            # A refused publish's notes, else the change log of figures kept per revision;
            # while those are being computed the notes start blank (publishing then writes
            # the log) and the page says so.
            notes = self._earlier_notes(umbrella)
            if notes is None:
                notes = starting_notes(umbrella, releases_of(umbrella).first())
                if notes is None:
                    mark_updating(umbrella)
                    kwargs["notes_updating"] = True
            kwargs["form"] = ReleaseForm(
                initial={"number": number, "notes": notes or ""}, expected=number
            )
        return super().get_context_data(number=number, pending=jobs.pending_job(umbrella), **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        umbrella = project_of(self.umbrella)
        form = ReleaseForm(request.POST, expected=next_number(umbrella))
        for reason in jobs.cheap_refusals(umbrella):
            form.add_error(None, reason)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        assert isinstance(request.user, User)  # manage_access: logged in
        try:
            job = jobs.start(
                umbrella=umbrella,
                user=request.user,
                number=form.cleaned_data["number"],
                notes=form.cleaned_data["notes"],
            )
        except jobs.PublishPending as pending:
            messages.error(request, str(pending))
            return redirect(pending.job)
        return redirect(job)


class PublishJobMixin(ProjectReleasesMixin):
    """A publish job's pages: owners only, the URL's job id of this project only."""

    manage_access = True

    def get_job(self) -> PublishJob:
        return get_object_or_404(
            PublishJob.objects.select_related("user", "release"),
            pk=self.kwargs["job"],
            umbrella=project_of(self.umbrella),
        )


class PublishStatusView(PublishJobMixin, TemplateView):
    """A publish on its way (the page refreshes itself while it waits or runs, and offers to
    cancel it while it waits), then its outcome: the release, the reasons it was refused, the
    failure or the cancel."""

    template_name = "releases/publish_status.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["job"] = self.get_job()  # in place of the URL's id
        return super().get_context_data(**kwargs)


class PublishCancelView(PublishJobMixin, View):
    """Cancel a queued publish (POST only); too late once the worker has started it."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        job = self.get_job()
        assert isinstance(request.user, User)  # manage_access: logged in
        if jobs.cancel(job, request.user):
            messages.success(request, f"Cancelled: release {job.number} was not published.")
            return redirect(job)
        job.refresh_from_db(fields=["status"])  # the worker (or another owner) moved it first
        if job.pending:
            why = "the worker has started publishing it, in one transaction that is not cut short"
        else:
            why = f"it has ended ({job.get_status_display()})"
        messages.error(request, f"Release {job.number} can no longer be cancelled: {why}.")
        return redirect(job)


class ReleaseDetailView(ProjectReleasesMixin, TemplateView):
    template_name = "releases/release_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        umbrella = project_of(self.umbrella)
        release = release_of(umbrella, self.kwargs["number"], light=True)
        # Only the latest number: not its stored workbook (megabytes on a large project).
        return super().get_context_data(
            release=release,
            previous=release.number - 1 if release.number > 1 else None,
            latest_number=next_number(umbrella) - 1,
            **kwargs,
        )


def _numbers(request: HttpRequest, numbers: list[int]) -> tuple[int | None, int | None, str]:
    """The two releases asked for (`from`, `to`), else the latest two; an error in words."""
    default_to = numbers[0] if numbers else None
    default_from = numbers[1] if len(numbers) > 1 else None
    chosen = []
    for name, default in (("from", default_from), ("to", default_to)):
        raw = request.GET.get(name, "")
        if not raw:
            chosen.append(default)
            continue
        if not raw.isdigit() or int(raw) not in numbers:
            return None, None, f"There is no release {raw!r} to compare ('{name}')."
        chosen.append(int(raw))
    return chosen[0], chosen[1], ""


class ChangesView(ProjectReleasesMixin, TemplateView):
    """What changed between any two releases, from their stored figures alone."""

    template_name = "releases/changes.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        umbrella = project_of(self.umbrella)
        numbers = list(
            Release.objects.filter(umbrella=umbrella)
            .order_by("-number")
            .values_list("number", flat=True)
        )
        first, second, error = _numbers(self.request, numbers)
        context: dict[str, Any] = {"numbers": numbers, "error": error, "first": first}
        context["second"] = second
        if first is not None and second is not None:
            stored = dict(
                Release.objects.filter(umbrella=umbrella, number__in=[first, second]).values_list(
                    "number", "figures"
                )
            )
            changes = diff(stored[first], stored[second])
            context |= _shown(changes, f"Release {first}", f"Release {second}")
        return super().get_context_data(**context, **kwargs)

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        if context["error"]:
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


class DraftChangesView(ProjectReleasesMixin, TemplateView):
    """The draft against the latest release: what the next release would change."""

    template_name = "releases/draft.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        umbrella = project_of(self.umbrella)
        latest = releases_of(umbrella).first()  # its figures are read only if not kept
        # Kept per data revision (releases.draft): a repeated view is a cache read. While they
        # are computed after a write, the page says "Updating…" and shows the previous
        # revision's changes if kept, headed as such (base.html's notice), never as current.
        changes, current = draft_changes(umbrella, latest)
        context: dict[str, Any] = {"latest": latest, "updating": not current}
        if not current:
            mark_updating(umbrella)
            context["figures_updating"] = changes is not None
        if changes is not None:
            before = f"Release {latest.number}" if latest else "No release"
            after = "Current version" if current else "Before the latest change"
            context |= {"notes": change_log(changes), **_shown(changes, before, after)}
        return super().get_context_data(
            can_manage=can_manage(self.request.user, umbrella), **context, **kwargs
        )


class ReadReleaseView(ProjectReleasesMixin, View):
    """`releases/<n>/read/<page>`: the page as of release n, on the release's frozen copy."""

    def get(
        self, request: HttpRequest, *args: Any, number: int, rest: str = "", **kwargs: Any
    ) -> HttpResponse:
        release = release_of(project_of(self.umbrella), number, light=True)
        return HttpResponseRedirect(f"/u/{release.snapshot.slug}/{rest}")


class ReleaseWorkbookView(ProjectReleasesMixin, View):
    """The release's workbook, holding of the appraisals what the reader may see of them
    (the frozen copy's export follows the same blinding rule as the live one)."""

    def get(self, request: HttpRequest, *args: Any, number: int, **kwargs: Any) -> HttpResponse:
        release = release_of(project_of(self.umbrella), number, light=True)
        copy = release.snapshot
        tables = project_tables(copy, exported_appraisals(request.user, copy))
        response = HttpResponse(xlsx_bytes(tables), content_type=XLSX)
        name = f"{self.umbrella.slug}-release-{number}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class CiteView(ProjectReleasesMixin, View):
    """Cite this version: BibTeX or CSL-JSON."""

    FORMATS = {
        "bib": (bibtex, "application/x-bibtex; charset=utf-8"),
        "json": (csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8"),
    }

    def get(
        self, request: HttpRequest, *args: Any, number: int, fmt: str, **kwargs: Any
    ) -> HttpResponse:
        umbrella = project_of(self.umbrella)
        release = release_of(umbrella, number, light=True)
        item = Citable(
            slug=umbrella.slug,
            title=umbrella.title,
            version=release.number,
            issued=release.published_at.date(),
            url=request.build_absolute_uri(release.get_absolute_url()),
            doi=umbrella.doi,
            note=umbrella.citation,
        )
        write, kind = self.FORMATS[fmt]
        response = HttpResponse(write(item), content_type=kind)
        name = f"{umbrella.slug}-release-{number}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
