"""The PRISMA 2020 flow diagram page, its SVG and PNG downloads, and the counts form."""

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView

from ..access import UmbrellaAccessMixin
from ..models import COUNT_FIELDS, PrismaFlow
from ..views import VersionedFormView
from .flow import NOT_REPORTED, PrismaCounts, check, flow_svg
from .forms import PrismaFlowForm

TITLE = "PRISMA 2020 flow diagram"


def flow_of(umbrella) -> PrismaFlow:
    """The stored flow, or an empty one (every count not reported) when none is recorded."""
    try:
        return umbrella.prisma_flow
    except PrismaFlow.DoesNotExist:
        return PrismaFlow(umbrella=umbrella)


def diagram(flow: PrismaFlow) -> tuple[PrismaCounts, str]:
    counts = flow.counts()
    return counts, flow_svg(counts, title=TITLE, unit="reviews")


class PrismaView(UmbrellaAccessMixin, TemplateView):
    template_name = "reviews/prisma.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        flow = flow_of(self.umbrella)
        counts, svg = diagram(flow)
        context.update(
            flow=flow,
            # flow_svg escapes every piece of text it writes.
            svg=mark_safe(svg),
            rows=[(label, getattr(counts, name)) for name, label in COUNT_FIELDS],
            reasons=list(counts.excluded_by_reason.items()),
            problems=check(counts),
            not_reported=NOT_REPORTED,
        )
        return context


class PrismaDownloadView(UmbrellaAccessMixin, View):
    def get(self, request, *args, **kwargs):
        _, svg = diagram(flow_of(self.umbrella))
        name = f"{self.umbrella.slug}-prisma"
        if kwargs["format"] == "png":
            try:
                import cairosvg  # needs libcairo; imported here so the site runs without it
            except (ImportError, OSError):
                raise Http404("PNG export is not available on this server; use the SVG.") from None
            body = cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=2)
            response = HttpResponse(body, content_type="image/png")
        else:
            response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.{kwargs["format"]}"'
        return response


class PrismaFormView(VersionedFormView):
    form_class = PrismaFlowForm
    heading = "PRISMA flow counts"
    template_name = "reviews/prisma_form.html"

    def get_instance(self):
        return flow_of(self.umbrella)

    def get_success_url(self, instance):
        return reverse("reviews:prisma", kwargs={"slug": self.umbrella.slug})
