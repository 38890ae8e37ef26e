"""The re-analysis page of one outcome result and the forms for its study-level rows."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from reviews.access import UmbrellaAccessMixin
from reviews.versioning import StaleEdit
from reviews.views import stale_context

from .forms import PasteStudiesForm, ReanalysisMethodForm, StudyEffectForm
from .models import OutcomeResult, ReanalysisMethod, StudyEffect
from .selectors import reanalysis
from .study_plots import study_forest_plot
from .study_services import (
    delete_study_effect,
    import_study_rows,
    save_study_effect,
    set_reanalysis_method,
)


def reanalysis_url(result: OutcomeResult) -> str:
    return reverse(
        "synthesis:reanalysis", kwargs={"slug": result.review.umbrella.slug, "pk": result.pk}
    )


class ResultMixin(UmbrellaAccessMixin):
    nav_section = "evidence"

    def get_result(self) -> OutcomeResult:
        results = OutcomeResult.objects.select_related("review__umbrella", "outcome")
        return get_object_or_404(results, review__umbrella=self.umbrella, pk=self.kwargs["pk"])


class ReanalysisView(ResultMixin, TemplateView):
    template_name = "synthesis/reanalysis.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = kwargs.get("result") or self.get_result()
        effects = list(result.study_effects.select_related("study"))
        method = reanalysis.chosen_method(result, self.request.GET.get("method"))
        conventions = reanalysis.project_conventions(self.umbrella)
        attempt = reanalysis.analyse(result, effects, method, conventions)
        analysis = attempt.analysis
        measure_label = result.get_measure_display() or "effect"
        context.update(
            result=result,
            effects=effects,
            method=method,
            method_label=ReanalysisMethod(method).label,
            method_form=ReanalysisMethodForm(initial={"method": method}),
            saved_method=result.reanalysis_method,
            analysis=analysis,
            error=attempt.error,
            measure_label=measure_label,
            paste_form=kwargs.get("paste_form") or PasteStudiesForm(),
            paste_errors=kwargs.get("paste_errors", []),
        )
        if analysis is not None and analysis.pooled is not None:
            comparisons = reanalysis.comparisons(result, analysis)
            context.update(
                forest_figure=study_forest_plot(analysis, measure_label=measure_label),
                pooled_rows=reanalysis.pooled_rows(analysis, measure_label),
                comparisons=comparisons,
                n_differ=sum(c.differs for c in comparisons),
                study_rows=zip(effects, analysis.row_results, strict=True),
            )
        elif not effects and result.evidence_type == "meta_analysis":
            context["reported"] = reanalysis.credibility_cell(result)
        return context


class PasteStudiesView(ReanalysisView):
    """All-or-nothing paste of study rows; errors re-render the page naming each bad row."""

    write_access = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        result = self.get_result()
        form = PasteStudiesForm(request.POST)
        errors: list[str] = []
        if form.is_valid():
            outcome = import_study_rows(result, form.cleaned_data["rows"], user=request.user)
            if not outcome.errors:
                n = len(outcome.created)
                messages.success(request, f"{n} stud{'y' if n == 1 else 'ies'} added.")
                return HttpResponseRedirect(reanalysis_url(result))
            errors = outcome.errors
        context = self.get_context_data(result=result, paste_form=form, paste_errors=errors)
        return self.render_to_response(context)


class MethodView(ResultMixin, View):
    """Save the method the page uses by default for this outcome result."""

    write_access = True

    def post(self, request, *args, **kwargs):
        result = self.get_result()
        form = ReanalysisMethodForm(request.POST)
        if form.is_valid():
            set_reanalysis_method(result, form.cleaned_data["method"])
            messages.success(
                request, f"Default method: {ReanalysisMethod(result.reanalysis_method).label}."
            )
        else:
            messages.error(request, "Choose one of the listed methods.")
        return HttpResponseRedirect(reanalysis_url(result))


class StudyEffectFormView(ResultMixin, TemplateView):
    write_access = True
    template_name = "synthesis/studyeffect_form.html"

    def get_instance(self, result) -> StudyEffect:
        if "study_pk" not in self.kwargs:
            return StudyEffect(outcome_result=result)
        return get_object_or_404(StudyEffect, outcome_result=result, pk=self.kwargs["study_pk"])

    def get(self, request, *args, **kwargs):
        result = self.get_result()
        form = StudyEffectForm(instance=self.get_instance(result), result=result)
        return self.render_to_response(self.get_context_data(form=form, result=result))

    def post(self, request, *args, **kwargs):
        result = self.get_result()
        form = StudyEffectForm(request.POST, instance=self.get_instance(result), result=result)
        context = {}
        if form.is_valid():
            try:
                effect = save_study_effect(
                    form.instance, expected_version=form.cleaned_data["version"], user=request.user
                )
            except StaleEdit as stale:
                context = stale_context(form, stale)
            else:
                messages.success(request, f"{effect.label} saved; the analysis below uses it.")
                return HttpResponseRedirect(reanalysis_url(result))
        context = self.get_context_data(form=form, result=result, **context)
        return self.render_to_response(context)


class StudyEffectDeleteView(ResultMixin, TemplateView):
    """GET asks for confirmation; only a POST (with its CSRF token) deletes."""

    write_access = True
    template_name = "synthesis/studyeffect_confirm_delete.html"

    def get_effect(self, result) -> StudyEffect:
        return get_object_or_404(StudyEffect, outcome_result=result, pk=self.kwargs["study_pk"])

    def get(self, request, *args, **kwargs):
        result = self.get_result()
        return self.render_to_response(
            self.get_context_data(result=result, effect=self.get_effect(result))
        )

    def post(self, request, *args, **kwargs):
        result = self.get_result()
        effect = self.get_effect(result)
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            delete_study_effect(effect, expected_version=version)
        except StaleEdit:
            messages.error(request, f"{effect.label} changed since you opened it: not deleted.")
        else:
            messages.success(request, f"{effect.label} deleted.")
        return HttpResponseRedirect(reanalysis_url(result))
