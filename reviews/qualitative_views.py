"""Implementation (CFIR) and experience tables, key findings, and their researcher forms."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from . import key_findings
from .access import UmbrellaAccessMixin
from .models import (
    ExperienceSubtheme,
    ImplementationFactor,
    KeyFindingNarrative,
    ResearchQuestion,
)
from .qualitative import VALENCE_COLUMNS, experience_table, implementation_table
from .qualitative_filters import ExperienceSubthemeFilter, ImplementationFactorFilter
from .qualitative_forms import (
    ExperienceSubthemeForm,
    ImplementationFactorForm,
    KeyFindingNarrativeForm,
)
from .revisions import cached_for_project
from .versioning import StaleEdit, conflicts, save_versioned


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


class KeyFindingsView(UmbrellaAccessMixin, TemplateView):
    template_name = "reviews/key_findings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Composed from every result, factor and theme: cached until the data changes.
        context["sections"] = cached_for_project(
            self.umbrella, "key-findings", "", lambda: key_findings.key_findings(self.umbrella)
        )
        return context


class VersionedFormView(UmbrellaAccessMixin, TemplateView):
    """GET shows the form; POST validates and saves with optimistic locking, or re-renders
    with every error (and, for a stale edit, both versions of each differing field)."""

    write_access = True
    template_name = "reviews/versioned_form.html"
    form_class = None
    heading = ""

    def get_instance(self):
        raise NotImplementedError

    def get_success_url(self, instance) -> str:
        raise NotImplementedError

    def make_form(self, data=None):
        return self.form_class(data, instance=self.get_instance(), umbrella=self.umbrella)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.make_form()))

    def extra_save_fields(self) -> dict:
        return {}

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        stale = None
        if form.is_valid():
            instance = form.save(commit=False)
            try:
                saved = save_versioned(
                    instance,
                    expected_version=form.cleaned_data["version"],
                    save_m2m=form.save_m2m,
                    **self.extra_save_fields(),
                )
            except StaleEdit as error:
                stale = error.current
            else:
                verb = "added" if saved.created else "saved"
                messages.success(request, f"{self.heading or 'Changes'} {verb}.")
                return HttpResponseRedirect(self.get_success_url(saved.instance))
        context = self.get_context_data(form=form)
        if stale is not None:
            context.update(stale=stale, conflicts=conflicts(form, stale))
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = self.heading
        context["cancel_url"] = self.get_success_url(None)
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


class NarrativeFormView(VersionedFormView):
    form_class = KeyFindingNarrativeForm
    heading = "Key-findings narrative"

    def get_instance(self):
        question = get_object_or_404(
            ResearchQuestion, umbrella=self.umbrella, code=self.kwargs["code"]
        )
        narrative = KeyFindingNarrative.objects.filter(research_question=question).first()
        return narrative or KeyFindingNarrative(umbrella=self.umbrella, research_question=question)

    def extra_save_fields(self):
        return {"updated_by": self.request.user}

    def get_success_url(self, instance):
        url = reverse("reviews:key-findings", kwargs={"slug": self.umbrella.slug})
        return f"{url}#rq-{self.kwargs['code']}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        question = kwargs["form"].instance.research_question
        context["heading"] = f"Key-findings narrative for {question.code}"
        context["intro"] = question.text
        return context
