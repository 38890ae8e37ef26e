"""The 16-item AMSTAR 2 form, built from the instrument held in `amstar2.py`."""

from dataclasses import dataclass

from django import forms

from . import amstar2
from .models import AnswerChoice
from .services import ItemInput

LABELS = dict(AnswerChoice.choices)


@dataclass(frozen=True)
class ItemFields:
    """One item's bound fields and guidance, in the order the template shows them."""

    item: amstar2.Item
    scored: bool
    guidance: str
    answer: forms.BoundField | None
    rct: forms.BoundField | None
    nrsi: forms.BoundField | None
    justification: forms.BoundField
    errors: list[str]


def _choices(item: int, review_type: str | None) -> list[tuple[str, str]]:
    return [(value, LABELS[value]) for value in amstar2.allowed_answers(item, review_type)]


class AppraisalForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, review_type: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_errors: dict[int, list[str]] = {}
        self.review_type = review_type
        self.variant = amstar2.variant_for(review_type)
        for item in amstar2.ITEMS:
            choices = _choices(item.number, review_type)
            parts = ("rct", "nrsi") if item.split_by_design else ("answer",)
            for part in parts:
                label = {"rct": "Randomised studies", "nrsi": "Non-randomised studies"}.get(
                    part, "Answer"
                )
                self.fields[f"item_{item.number}_{part}"] = forms.ChoiceField(
                    label=label, choices=choices, required=False, widget=forms.RadioSelect
                )
            self.fields[f"item_{item.number}_justification"] = forms.CharField(
                label="Justification",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def _bound(self, number: int, part: str) -> forms.BoundField | None:
        name = f"item_{number}_{part}"
        return self[name] if name in self.fields else None

    def items(self) -> list[ItemFields]:
        """Per-item fields with guidance adapted to the variant in force."""
        return [
            ItemFields(
                item=item,
                scored=self.variant.scores(item.number),
                guidance=self.variant.adapted_guidance.get(item.number, ""),
                answer=self._bound(item.number, "answer"),
                rct=self._bound(item.number, "rct"),
                nrsi=self._bound(item.number, "nrsi"),
                justification=self[f"item_{item.number}_justification"],
                errors=self.item_errors.get(item.number, []),
            )
            for item in amstar2.ITEMS
        ]

    def set_item_errors(self, error) -> None:
        """Attach a service ValidationError keyed `item_N` to the items it names; any other
        message (a simultaneous save, a vanished appraisal) goes to the top of the form."""
        found = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        for key, messages in found.items():
            if key.startswith("item_"):
                self.item_errors.setdefault(int(key.removeprefix("item_")), []).extend(messages)
            else:
                self.add_error(None, messages)

    def item_inputs(self) -> dict[int, ItemInput]:
        data = self.cleaned_data
        return {
            item.number: ItemInput(
                answer=data.get(f"item_{item.number}_answer", "") or "",
                rct=data.get(f"item_{item.number}_rct", "") or "",
                nrsi=data.get(f"item_{item.number}_nrsi", "") or "",
                justification=data.get(f"item_{item.number}_justification", ""),
            )
            for item in amstar2.ITEMS
        }


def initial_from(appraisal, prefill: dict[int, str] | None = None) -> dict:
    """Form initial values from a stored appraisal, or from agreed answers for a consensus."""
    initial: dict = {"version": appraisal.version if appraisal else 0}
    if appraisal is not None:
        for answer in appraisal.answers.all():
            n = answer.item
            if n in amstar2.SPLIT_ITEMS:
                initial[f"item_{n}_rct"] = answer.answer_rct or answer.answer
                initial[f"item_{n}_nrsi"] = answer.answer_nrsi
            else:
                initial[f"item_{n}_answer"] = answer.answer
            initial[f"item_{n}_justification"] = answer.justification
    for n, value in (prefill or {}).items():
        initial[f"item_{n}_rct" if n in amstar2.SPLIT_ITEMS else f"item_{n}_answer"] = value
    return initial
