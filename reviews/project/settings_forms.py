"""The settings pages' forms: the project's details, a vocabulary term, and a merge."""

from typing import Any

from django import forms
from django.db import models

from .. import models as rm
from ..forms import VersionedForm
from .vocabularies import TermKind, key_field, register_kinds


class ProjectDetailsForm(VersionedForm):
    class Meta:
        model = rm.UmbrellaReview
        fields = [
            "title",
            "question",
            "protocol_registration",
            "search_start",
            "search_end",
            "databases_searched",
            "citation",
            "doi",
        ]
        labels = {"question": "Objective"}
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "databases_searched": forms.Textarea(attrs={"rows": 4}),
            "citation": forms.Textarea(attrs={"rows": 3}),
            "search_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "search_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class TermForm(VersionedForm):
    """A term of one project: its name (a question's code) is unique within the project."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.umbrella = self.umbrella
        for name in ("description", "text"):
            if name in self.fields:
                self.fields[name].widget = forms.Textarea(attrs={"rows": 2})

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        # The (umbrella, name) constraint is skipped by the form: umbrella is not a field.
        model = self._meta.model
        name = key_field(model)
        value = cleaned.get(name)
        if value:
            others = model._default_manager.filter(umbrella=self.umbrella, **{name: value})
            if others.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    name,
                    f"This project already has a {model._meta.verbose_name} “{value}”.",
                )
        return cleaned


def term_form(model: type[models.Model], fields: list[str], **options: Any) -> type[TermForm]:
    """A TermForm for `model` with these fields (and any other ModelForm Meta options)."""
    meta = type("Meta", (), {"model": model, "fields": fields, **options})
    return type(f"{model.__name__}Form", (TermForm,), {"Meta": meta})


VOCABULARY_FIELDS = ["name", "description", "position"]
PopulationForm = term_form(rm.Population, VOCABULARY_FIELDS)
InterventionFormatForm = term_form(rm.InterventionFormat, VOCABULARY_FIELDS)
DeliveryModeForm = term_form(rm.DeliveryMode, VOCABULARY_FIELDS)
ExclusionReasonForm = term_form(rm.ExclusionReason, VOCABULARY_FIELDS)
ResearchQuestionForm = term_form(rm.ResearchQuestion, ["code", "text", "kind", "position"])


class MergeForm(forms.Form):
    """The term to merge into: any term id is accepted here, so that the service can say why
    a term of another project, or the term itself, cannot be the target."""

    target = forms.IntegerField(label="Merge into")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].widget = forms.Select(choices=[("", "– choose a term –"), *choices])


def _kinds() -> list[TermKind]:
    return [
        TermKind(
            "questions",
            "Research questions",
            "research question",
            rm.ResearchQuestion,
            ResearchQuestionForm,
            mergeable=False,
            intro="A question in use (by a review, a result or a key-findings narrative) "
            "cannot be deleted.",
            columns=("text", "kind"),
        ),
        TermKind("populations", "Populations", "population", rm.Population, PopulationForm),
        TermKind("formats", "Intervention formats", "intervention format", rm.InterventionFormat,
                 InterventionFormatForm),
        TermKind("delivery-modes", "Delivery modes", "delivery mode", rm.DeliveryMode,
                 DeliveryModeForm),
        TermKind("exclusion-reasons", "Exclusion reasons", "exclusion reason", rm.ExclusionReason,
                 ExclusionReasonForm),
    ]  # fmt: skip


def register_vocabularies() -> None:
    """The reviews app's vocabularies, first in the settings navigation (from ready())."""
    register_kinds(*_kinds())
