"""The publish page: the checklist, the switch and the record of past switches (owners)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import TemplateView

from ..access import UmbrellaAccessMixin
from ..versioning import StaleEdit
from .checks import run_checks
from .models import PublicationEvent
from .services import set_published


class PublishView(UmbrellaAccessMixin, TemplateView):
    template_name = "reviews/publish.html"
    manage_access = True
    nav_section = "overview"

    def get_context_data(self, **kwargs):
        checks = run_checks(self.umbrella)
        events = PublicationEvent.objects.filter(umbrella=self.umbrella).select_related("by")
        return super().get_context_data(
            checks=checks,
            n_warnings=sum(1 for check in checks if not check.ok),
            events=events[:20],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        publish = request.POST.get("publish")
        if publish not in {"yes", "no"}:
            messages.error(request, "Choose whether to publish or unpublish the umbrella review.")
            return self.render_to_response(self.get_context_data(), status=400)
        try:
            version = int(request.POST.get("version", ""))
            set_published(
                umbrella=self.umbrella,
                published=publish == "yes",
                user=request.user,
                loaded_version=version,
            )
        except ValueError:
            messages.error(request, "The form was incomplete: reload the page and try again.")
            return self.render_to_response(self.get_context_data(), status=400)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.render_to_response(self.get_context_data(), status=400)
        except StaleEdit:
            self.umbrella.refresh_from_db()
            messages.error(
                request,
                "The umbrella review changed since this page was opened (it is now "
                f"{'published' if self.umbrella.is_published else 'unpublished'}): "
                "check the list below and try again.",
            )
            return self.render_to_response(self.get_context_data(), status=409)
        if publish == "yes":
            messages.success(request, "Published: anyone can now read this umbrella review.")
        else:
            messages.success(request, "Unpublished: only members can now read it.")
        return redirect("reviews:publish", slug=self.umbrella.slug)
