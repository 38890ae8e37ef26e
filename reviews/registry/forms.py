from django import forms
from django.core.exceptions import ValidationError

from ..models import IncludedReview
from .models import CITATION_FIELDS

PER_PROJECT_FIELDS = ("populations", "formats", "delivery_modes", "research_questions")


class IncludedReviewForm(forms.ModelForm):
    """Keeps a review's vocabulary terms and research questions inside its own umbrella review."""

    class Meta:
        model = IncludedReview
        fields = [
            "umbrella",
            "label",
            "reference_number",
            *CITATION_FIELDS,
            "review_type",
            "review_type_note",
            *PER_PROJECT_FIELDS,
            *IncludedReview.DETAIL_FIELDS,
        ]

    def clean(self):
        cleaned = super().clean()
        umbrella = cleaned.get("umbrella")
        if umbrella is None:
            return cleaned
        for name in PER_PROJECT_FIELDS:
            foreign = [
                str(term) for term in cleaned.get(name) or [] if term.umbrella_id != umbrella.pk
            ]
            if foreign:
                self.add_error(
                    name,
                    ValidationError(
                        "Not part of %(umbrella)s: %(terms)s.",
                        params={"umbrella": umbrella, "terms": ", ".join(foreign)},
                    ),
                )
        return cleaned
