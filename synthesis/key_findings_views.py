"""The key-findings page (one section per research question, composed from the evidence tables,
the implementation factors and the experience themes) and the narrative form beside each."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from reviews.access import UmbrellaAccessMixin
from reviews.models import KeyFindingNarrative, ResearchQuestion
from reviews.views import VersionedFormView

from .forms import KeyFindingNarrativeForm
from .selectors import key_findings


class KeyFindingsView(UmbrellaAccessMixin, TemplateView):
    nav_section = "findings"
    shows_figures = True
    template_name = "synthesis/key_findings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Composed from every result, factor and theme: cached until the data changes.
        context["sections"] = key_findings.cached_key_findings(self.umbrella)
        return context


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
        url = reverse("synthesis:key-findings", kwargs={"slug": self.umbrella.slug})
        return f"{url}#rq-{self.kwargs['code']}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        question = kwargs["form"].instance.research_question
        context["heading"] = f"Key-findings narrative for {question.code}"
        context["intro"] = question.text
        return context
