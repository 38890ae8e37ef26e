"""The list of umbrella reviews, the overview page of one, and starting a new one."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.views.generic import DetailView, FormView, ListView, TemplateView

from .. import glossary
from ..access import UmbrellaAccessMixin, can_manage, listed_umbrellas
from ..publishing.models import PublicationEvent
from .forms import UmbrellaCreateForm
from .headlines import headlines
from .revisions import cached_for_project
from .selectors import umbrella_summary
from .services import create_umbrella


class HomeView(ListView):
    template_name = "reviews/home.html"
    context_object_name = "umbrellas"

    def get_queryset(self):
        return listed_umbrellas(self.request.user).order_by("title")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            may_create=may_create_projects(self.request.user),
            signup_open=settings.SIGNUP_OPEN,
            **kwargs,
        )
        # Each card leads with its project's findings (cached per project and data revision).
        context["cards"] = [(umbrella, headlines(umbrella)) for umbrella in context["umbrellas"]]
        return context


class GlossaryView(TemplateView):
    """Public: the abbreviations and ratings of every page, with their sources."""

    template_name = "reviews/glossary.html"
    extra_context = {"terms": glossary.TERMS}


class UmbrellaDetailView(UmbrellaAccessMixin, DetailView):
    nav_section = "overview"
    shows_figures = True
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
        if context["is_member"]:  # anonymous pages are kept: nothing of one visitor in them
            context["last_publication"] = (
                PublicationEvent.objects.filter(umbrella=self.umbrella).select_related("by").first()
            )
        if context["can_write"] and not self.umbrella.is_published:
            context["n_members"] = n_members = self.umbrella.members.count()
            summary = context["summary"]
            context["setup_done"] = all(
                (
                    self.umbrella.protocol_registration,
                    summary.by_research_question,
                    summary.by_population,
                    summary.n_reviews,
                    n_members > 1 or not context["can_manage"],
                )
            )
        context["headlines"] = headlines(self.umbrella)
        return context


class UmbrellaCreateView(LoginRequiredMixin, FormView):
    """Start a new umbrella review; its creator becomes its first owner."""

    template_name = "reviews/umbrella_create.html"
    form_class = UmbrellaCreateForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_create_projects(request.user):
            raise PermissionDenied("Only staff start new umbrella reviews on this site.")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            umbrella = create_umbrella(user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field, errors)
            return self.form_invalid(form)
        messages.success(self.request, f"{umbrella.title} is started: you are its owner.")
        return redirect(umbrella)


def may_create_projects(user: User | AnonymousUser) -> bool:
    """Any logged-in user, unless the site keeps that to staff (UMBRELLA_CREATE_STAFF_ONLY)."""
    return user.is_authenticated and (user.is_staff or not settings.UMBRELLA_CREATE_STAFF_ONLY)
