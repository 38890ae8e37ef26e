"""Outcome domains and outcomes on the project's settings pages: this app registers them with
the reviews app's vocabularies (from `SynthesisConfig.ready()`), whose pages list, add, edit,
merge and delete them; merging an outcome re-points its results."""

from typing import Any, cast

from django import forms

from reviews.project.settings_forms import VOCABULARY_FIELDS, TermForm, term_form
from reviews.project.vocabularies import TermKind, register_kinds

from .models import Outcome, OutcomeDomain

OutcomeDomainForm = term_form(OutcomeDomain, VOCABULARY_FIELDS)


class OutcomeForm(TermForm):
    class Meta:
        model = Outcome
        fields = ["name", "domain", "direction", "description", "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        domain = cast(forms.ModelChoiceField, self.fields["domain"])
        domain.queryset = OutcomeDomain.objects.filter(umbrella=self.umbrella)
        self.fields["domain"].help_text = "Add domains on the Outcome domains page first."


def register_vocabularies() -> None:
    register_kinds(
        TermKind(
            "outcome-domains",
            "Outcome domains",
            "outcome domain",
            OutcomeDomain,
            OutcomeDomainForm,
            intro="Domains group the outcomes in the evidence tables; add them before outcomes.",
        ),
        TermKind(
            "outcomes",
            "Outcomes",
            "outcome",
            Outcome,
            OutcomeForm,
            intro="The direction of benefit decides each result's derived finding. Merging an "
            "outcome moves its results to the outcome you choose.",
            columns=("domain", "direction"),
        ),
    )
