"""A project's settings pages, for its owners: the project's details, and a page per
vocabulary (`vocabularies.KINDS`) where terms are listed with how often they are used, added,
edited (renamed, reordered), merged and deleted. Other members get a 403."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import modelform_factory
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from ..access import UmbrellaAccessMixin
from ..forms import VersionedForm
from ..versioning import StaleEdit, version_of
from ..views import VersionedFormView
from .sections import Section, settings_nav
from .settings_forms import MergeForm, ProjectDetailsForm
from .vocabularies import KINDS, TermInUse, TermKind, delete_term, merge_terms, use_counts, uses_of

STALE = "Someone changed or deleted this term since you opened the page; nothing was written. "


class SettingsMixin(UmbrellaAccessMixin):
    manage_access = True
    settings_section = "details"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["settings_nav"] = settings_nav(self.umbrella.slug)
        context["settings_section"] = self.settings_section
        return context


class OneRowSettingsView(SettingsMixin, VersionedFormView):
    """A settings section that edits the project's one row of `settings_model` (a project
    without a row uses the model's defaults; the first save creates it). Upper apps subclass
    it for their sections (AMSTAR 2, analysis), naming the `section` (which their `ready()`
    registers with the navigation), the model and the fields the page edits."""

    section: Section  # its key marks the navigation; its URL name is this page's
    settings_model: type[Any]  # a Versioned model with a one-to-one `umbrella`
    fields: list[str]
    labels: dict[str, str] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Each follows from the section and the fields, so a section is declared only once.
        cls.settings_section = cls.section.key
        cls.heading = f"{cls.section.label} settings"
        cls.form_class = modelform_factory(
            cls.settings_model, form=VersionedForm, fields=cls.fields, labels=cls.labels
        )

    def get_instance(self) -> Any:
        saved = self.settings_model.objects.filter(umbrella=self.umbrella).first()
        return saved or self.settings_model(umbrella=self.umbrella)

    def get_success_url(self, instance: object) -> str:
        return reverse(self.section.url_name, args=[self.umbrella.slug])


class ProjectSettingsView(SettingsMixin, VersionedFormView):
    template_name = "reviews/settings/details.html"
    form_class = ProjectDetailsForm
    heading = "Project details"

    def get_instance(self) -> models.Model:
        return self.umbrella

    def get_success_url(self, instance: object) -> str:
        return reverse("reviews:project-settings", args=[self.umbrella.slug])


class TermKindMixin(SettingsMixin):
    kind: TermKind
    heading = ""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if kwargs["kind"] not in KINDS:
            raise Http404("No such vocabulary.")
        self.kind = KINDS[kwargs["kind"]]
        self.settings_section = self.kind.key
        self.heading = self.kind.singular.capitalize()
        return super().dispatch(request, *args, **kwargs)

    def get_term(self) -> models.Model:
        return get_object_or_404(self.kind.model, umbrella=self.umbrella, pk=self.kwargs["pk"])

    def list_url(self) -> str:
        return reverse("reviews:settings-terms", args=[self.umbrella.slug, self.kind.key])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            kind=self.kind,
            list_url=self.list_url(),
            history_model=self.kind.model._meta.label_lower,
            **kwargs,
        )


class TermFormMixin(TermKindMixin):
    """The add and edit pages of a term: the vocabulary's form, headed by its name."""

    def get_instance(self) -> models.Model:
        raise NotImplementedError

    def make_form(self, data: Any = None) -> Any:
        return self.kind.form_class(data, instance=self.get_instance(), umbrella=self.umbrella)


class TermsView(TermFormMixin, VersionedFormView):
    """The vocabulary's terms with their uses, and the form that adds one (POST)."""

    template_name = "reviews/settings/terms.html"

    def get_instance(self) -> models.Model:
        return self.kind.model(umbrella=self.umbrella)

    def get_success_url(self, instance: object) -> str:
        return self.list_url()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        terms = use_counts(self.kind.model._default_manager.filter(umbrella=self.umbrella))
        related = [c for c in self.kind.columns if c in {"domain"}]
        rows = [
            (term, [_shown(term, column) for column in self.kind.columns])
            for term in terms.select_related(*related)
        ]
        return super().get_context_data(rows=rows, **kwargs)


def _shown(term: models.Model, column: str) -> object:
    display = getattr(term, f"get_{column}_display", None)
    return display() if display is not None else getattr(term, column)


class TermEditView(TermFormMixin, VersionedFormView):
    template_name = "reviews/settings/term_form.html"

    def get_instance(self) -> models.Model:
        return self.get_term()

    def get_success_url(self, instance: object) -> str:
        return self.list_url()


class TermMergeView(TermKindMixin, TemplateView):
    template_name = "reviews/settings/term_merge.html"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if kwargs["kind"] in KINDS and not KINDS[kwargs["kind"]].mergeable:
            raise Http404("These terms are not merged; edit or delete them instead.")
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, term: models.Model, data: Any = None) -> MergeForm:
        others = self.kind.model._default_manager.filter(umbrella=self.umbrella).exclude(pk=term.pk)
        return MergeForm(
            data,
            choices=[(other.pk, str(other)) for other in others],
            initial={"version": version_of(term)},
        )

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        term = self.get_term()
        context = self.get_context_data(term=term, uses=uses_of(term), form=self.make_form(term))
        return self.render_to_response(context)

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        term = self.get_term()
        form = self.make_form(term, request.POST)
        if form.is_valid():
            target = self.kind.model._default_manager.filter(pk=form.cleaned_data["target"]).first()
            try:
                if target is None:
                    raise ValidationError(f"No {self.kind.singular} has that id.")
                merged = merge_terms(
                    source=term, target=target, loaded_version=form.cleaned_data["version"]
                )
            except ValidationError as error:
                form.add_error("target", error)
            except StaleEdit:
                form.add_error(None, STALE + "Reload the page to see it as saved.")
            else:
                moved = ", ".join(str(use) for use in merged.moved) or "nothing used it"
                messages.success(request, f"Merged “{term}” into “{target}” ({moved}).")
                return HttpResponseRedirect(self.list_url())
        context = self.get_context_data(term=term, uses=uses_of(term), form=form)
        return self.render_to_response(context, status=400)


class TermDeleteView(TermKindMixin, TemplateView):
    template_name = "reviews/settings/term_delete.html"

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        term = self.get_term()
        return self.render_to_response(self.get_context_data(term=term, uses=uses_of(term)))

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        term = self.get_term()
        try:
            version = int(request.POST.get("version", ""))
            delete_term(term=term, loaded_version=version)
        except TermInUse as refused:
            error = refused.messages[0]
        except (StaleEdit, ValueError):
            error = STALE + "Reload the page to see it as saved."
        else:
            messages.success(request, f"Deleted the {self.kind.singular} “{term}”.")
            return HttpResponseRedirect(self.list_url())
        context = self.get_context_data(term=term, uses=uses_of(term), error=error)
        return self.render_to_response(context, status=400)
