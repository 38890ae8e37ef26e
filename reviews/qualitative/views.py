"""Implementation (CFIR) and experience tables, and the researcher forms of their rows."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from ..access import UmbrellaAccessMixin
from ..models import ExperienceSubtheme, ImplementationFactor
from ..views import VersionedFormView
from .filters import ExperienceSubthemeFilter, ImplementationFactorFilter
from .forms import ExperienceSubthemeForm, ImplementationFactorForm
from .selectors import VALENCE_COLUMNS, experience_table, implementation_table


class ImplementationView(UmbrellaAccessMixin, TemplateView):
    template_name = "reviews/implementation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = ImplementationFactorFilter(
            self.request.GET or None,
            queryset=ImplementationFactor.objects.filter(umbrella=self.umbrella),
            umbrella=self.umbrella,
        )
        context.update(
            filter=filterset,
            table=implementation_table(filterset.qs),
            valence_labels=[v.label for v in VALENCE_COLUMNS],
        )
        return context


class ExperiencesView(UmbrellaAccessMixin, TemplateView):
    template_name = "reviews/experiences.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = ExperienceSubthemeFilter(
            self.request.GET or None,
            queryset=ExperienceSubtheme.objects.filter(theme__umbrella=self.umbrella),
            umbrella=self.umbrella,
        )
        context.update(filter=filterset, table=experience_table(self.umbrella, filterset.qs))
        return context


class FactorFormView(VersionedFormView):
    form_class = ImplementationFactorForm
    heading = "Implementation factor"

    def get_instance(self):
        if "pk" not in self.kwargs:
            return ImplementationFactor(umbrella=self.umbrella)
        return get_object_or_404(ImplementationFactor, umbrella=self.umbrella, pk=self.kwargs["pk"])

    def get_success_url(self, instance):
        return reverse("reviews:implementation", kwargs={"slug": self.umbrella.slug})


class SubthemeFormView(VersionedFormView):
    form_class = ExperienceSubthemeForm
    heading = "Experience subtheme"

    def get_instance(self):
        if "pk" not in self.kwargs:
            return ExperienceSubtheme()
        return get_object_or_404(
            ExperienceSubtheme, theme__umbrella=self.umbrella, pk=self.kwargs["pk"]
        )

    def get_success_url(self, instance):
        return reverse("reviews:experiences", kwargs={"slug": self.umbrella.slug})
