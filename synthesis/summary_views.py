"""The summary of findings (page and CSV/XLSX from one selector) and the owner's pages for its
selection rule and per-outcome overrides."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from reviews.access import UmbrellaAccessMixin, can_manage
from reviews.versioning import StaleEdit, delete_versioned, save_versioned
from reviews.views import VersionedFormView, stale_context

from . import exports
from .models import Outcome, SelectionOverride, SelectionRule
from .selection import Criterion
from .selection_forms import SelectionOverrideForm, SelectionRuleForm
from .selectors.summary_of_findings import kept_summary_of_findings
from .views import active_query


class SummaryOfFindingsView(UmbrellaAccessMixin, TemplateView):
    nav_section = "findings"
    template_name = "synthesis/summary_of_findings.html"
    # Kept per data revision and recomputed after each write (registered in synthesis.apps).
    shows_figures = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        sof = kept_summary_of_findings(self.umbrella, self.request.GET)
        context.update(
            sof=sof,
            filter=sof.filter,
            criteria=list(Criterion),
            query=active_query(self.request.GET),
            can_manage=can_manage(self.request.user, self.umbrella),
        )
        return context


class SummaryExportView(UmbrellaAccessMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        frame = exports.summary_frame(kept_summary_of_findings(self.umbrella, request.GET))
        return exports.download(
            frame, f"{self.umbrella.slug}-summary-of-findings", kwargs["format"]
        )


def summary_url(umbrella_slug: str) -> str:
    return reverse("synthesis:summary-of-findings", kwargs={"slug": umbrella_slug})


class SelectionRuleView(VersionedFormView):
    manage_access = True
    form_class = SelectionRuleForm
    heading = "Selection rule of the summary of findings"

    def get_instance(self) -> SelectionRule:
        return SelectionRule.objects.filter(umbrella=self.umbrella).first() or SelectionRule(
            umbrella=self.umbrella
        )

    def get_success_url(self, instance: object) -> str:
        return summary_url(self.umbrella.slug)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["intro"] = RULE_INTRO
        return context


RULE_INTRO = (
    "When several reviews meta-analysed the same outcome, the summary of findings shows one. "
    "The criteria apply in order: each keeps the meta-analyses with the best value (a missing "
    "value is worst), and the criterion that leaves one review decides; reviews still tied "
    "after the last are taken by label. A meta-analysis with a pooled estimate always comes "
    "first, and per-outcome overrides (with their reasons) take precedence."
)


class SelectionOverrideView(UmbrellaAccessMixin, TemplateView):
    """Choose the meta-analysis an outcome's row shows, with the reason; or remove the choice."""

    manage_access = True
    template_name = "synthesis/selection_override_form.html"

    def get_outcome(self) -> Outcome:
        return get_object_or_404(Outcome, umbrella=self.umbrella, pk=self.kwargs["pk"])

    def get_instance(self, outcome: Outcome) -> SelectionOverride:
        found = SelectionOverride.objects.filter(outcome=outcome).first()
        return found or SelectionOverride(outcome=outcome)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        outcome = self.get_outcome()
        form = SelectionOverrideForm(instance=self.get_instance(outcome), umbrella=self.umbrella)
        return self.render_to_response(self.get_context_data(form=form, outcome=outcome))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        outcome = self.get_outcome()
        instance = self.get_instance(outcome)
        form = SelectionOverrideForm(request.POST, instance=instance, umbrella=self.umbrella)
        back = summary_url(self.umbrella.slug) + f"#outcome-{outcome.pk}"
        context: dict[str, Any] = {}
        if "remove" in request.POST and instance.pk:
            version = request.POST.get("version", "")
            try:
                delete_versioned(instance, loaded_version=int(version) if version.isdigit() else 0)
            except StaleEdit:
                messages.error(request, "The override changed since you opened it: check again.")
                return HttpResponseRedirect(request.path)
            messages.success(request, f"Override for {outcome} removed: the rule decides again.")
            return HttpResponseRedirect(back)
        if form.is_valid():
            try:
                save_versioned(form.instance, loaded_version=form.cleaned_data["version"])
            except StaleEdit as stale:
                context = stale_context(form, stale)
            else:
                messages.success(request, f"Override for {outcome} saved.")
                return HttpResponseRedirect(back)
        context = self.get_context_data(form=form, outcome=outcome, **context)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        outcome = kwargs["outcome"]
        context |= {
            "cancel_url": summary_url(self.umbrella.slug),
            "heading": f"selected meta-analysis for {outcome.name}",
            "intro": "Choose the meta-analysis the summary of findings shows for this outcome, "
            "whatever the rule picks, and say why: the reason is shown on the row, and every "
            "change is kept in the history.",
        }
        return context
