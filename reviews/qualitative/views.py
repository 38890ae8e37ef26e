"""Implementation (CFIR) and experience tables, and the researcher forms of their rows."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from ..access import UmbrellaAccessMixin
from ..filters import ProjectFilterSet
from ..models import ExperienceSubtheme, ImplementationFactor
from ..views import VersionedFormView
from .filters import ExperienceSubthemeFilter, ImplementationFactorFilter
from .forms import ExperienceSubthemeForm, ImplementationFactorForm
from .selectors import VALENCE_COLUMNS, experience_table, implementation_table


class FilteredTableView(UmbrellaAccessMixin, TemplateView):
    """A table of the project's rows, filtered by `filterset_class` from the query string."""

    filterset_class: type[ProjectFilterSet]

    def filtered(self, rows: QuerySet) -> ProjectFilterSet:
        return self.filterset_class(self.request.GET or None, queryset=rows, umbrella=self.umbrella)


class ImplementationView(FilteredTableView):
    template_name = "reviews/implementation.html"
    filterset_class = ImplementationFactorFilter

    def get_context_data(self, **kwargs):
        filterset = self.filtered(ImplementationFactor.objects.filter(umbrella=self.umbrella))
        return super().get_context_data(
            filter=filterset,
            table=implementation_table(filterset.qs),
            valence_labels=[v.label for v in VALENCE_COLUMNS],
            **kwargs,
        )


class ExperiencesView(FilteredTableView):
    template_name = "reviews/experiences.html"
    filterset_class = ExperienceSubthemeFilter

    def get_context_data(self, **kwargs):
        filterset = self.filtered(ExperienceSubtheme.objects.filter(theme__umbrella=self.umbrella))
        table = experience_table(self.umbrella, filterset.qs)
        return super().get_context_data(filter=filterset, table=table, **kwargs)


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
