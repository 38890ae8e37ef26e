"""The list of umbrella reviews and the overview page of one."""

from django.views.generic import DetailView, ListView

from ..access import UmbrellaAccessMixin, can_manage, visible_umbrellas
from .headlines import headlines
from .revisions import cached_for_project
from .selectors import umbrella_summary


class HomeView(ListView):
    template_name = "reviews/home.html"
    context_object_name = "umbrellas"

    def get_queryset(self):
        return visible_umbrellas(self.request.user).order_by("title")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Each card leads with its project's findings (cached per project and data revision).
        context["cards"] = [(umbrella, headlines(umbrella)) for umbrella in context["umbrellas"]]
        return context


class UmbrellaDetailView(UmbrellaAccessMixin, DetailView):
    nav_section = "overview"
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
        context["headlines"] = headlines(self.umbrella)
        return context
