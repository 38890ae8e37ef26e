"""The forms of included reviews, their further reports and excluded reviews: the admin's
(`IncludedReviewForm`) and the researchers' pages' (with optimistic locking)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from ..forms import FieldsetsMixin, VersionedForm
from ..models import ExcludedReview, ExclusionReason, IncludedReview, Report
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


def refuse_duplicates(form: forms.ModelForm, rows, *, what: str) -> None:
    """Add an error to `doi` / `pmid` when another of `rows` (one project's reviews) has the
    same identifier, with a link to that row where it has a page."""
    instance = form.instance
    for name, label in (("doi", "DOI"), ("pmid", "PMID")):
        value = getattr(instance, name, "")  # normalised by the model's clean()
        if not value or name in form.errors:
            continue
        other = rows.filter(**{name: value}).exclude(pk=instance.pk).first()
        if other is None:
            continue
        message: str
        url = getattr(other, "get_absolute_url", None)
        if url is not None:
            message = format_html(
                'Another {} of this project has the {} {}: <a href="{}">{}</a>.',
                what, label, value, url(), other,
            )  # fmt: skip
        else:
            message = f"Another {what} of this project has the {label} {value}: “{other}”."
        form.add_error(name, message)


class ReviewForm(FieldsetsMixin, VersionedForm):
    """An included review as researchers enter it: its citation (the main report), type,
    vocabularies and research questions (this project's only) and what it reports."""

    FIELDSETS = [
        ("Review", ["label", "reference_number", "review_type", "review_type_note"]),
        ("Citation (the main report)", list(CITATION_FIELDS)),
        ("Scope", list(PER_PROJECT_FIELDS)),
        ("As reported", list(IncludedReview.DETAIL_FIELDS)),
    ]

    class Meta:
        model = IncludedReview
        fields = ["label", "reference_number", *CITATION_FIELDS, "review_type", "review_type_note",
                  *PER_PROJECT_FIELDS, *IncludedReview.DETAIL_FIELDS]  # fmt: skip
        widgets = {
            **dict.fromkeys(PER_PROJECT_FIELDS, forms.CheckboxSelectMultiple),
            "title": forms.Textarea(attrs={"rows": 2}),
            "authors": forms.Textarea(attrs={"rows": 2}),
            "search_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.umbrella = self.umbrella
        for name in PER_PROJECT_FIELDS:
            field = self.fields[name]
            field.queryset = field.queryset.model.objects.filter(umbrella=self.umbrella)

    def clean(self):
        cleaned = super().clean()
        label = cleaned.get("label")
        reviews = IncludedReview.objects.filter(umbrella=self.umbrella)
        if label and reviews.filter(label=label).exclude(pk=self.instance.pk).exists():
            self.add_error("label", f"Another review of this project has the label “{label}”.")
        return cleaned

    def _post_clean(self):
        super()._post_clean()  # the model's clean() has normalised the DOI and PMID by now
        reviews = IncludedReview.objects.filter(umbrella=self.umbrella)
        refuse_duplicates(self, reviews, what="included review")
        refuse_duplicates(self, ExcludedReview.objects.filter(umbrella=self.umbrella),
                          what="excluded review")  # fmt: skip


class ReportForm(VersionedForm):
    """A further paper of an included review."""

    class Meta:
        model = Report
        fields = [*CITATION_FIELDS, "reference_number", "note"]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in ("title", "note")}

    def __init__(self, *args, review: IncludedReview, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.review = review

    def clean(self):
        cleaned = super().clean()
        title = cleaned.get("title")
        others = Report.objects.filter(review=self.instance.review, title=title)
        if title and others.exclude(pk=self.instance.pk).exists():
            self.add_error("title", "This review already has a report with this title.")
        return cleaned


class ExcludedReviewForm(VersionedForm):
    """A review excluded at full text, with its reason (this project's reasons only)."""

    class Meta:
        model = ExcludedReview
        fields = [*CITATION_FIELDS, "reason", "note"]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in ("title", "note")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.umbrella = self.umbrella
        self.fields["reason"].queryset = ExclusionReason.objects.filter(umbrella=self.umbrella)
        self.fields["reason"].help_text = "The project's exclusion reasons (Settings)."

    def _post_clean(self):
        super()._post_clean()  # the model's clean() has normalised the DOI and PMID by now
        refuse_duplicates(self, ExcludedReview.objects.filter(umbrella=self.umbrella),
                          what="excluded review")  # fmt: skip
        refuse_duplicates(self, IncludedReview.objects.filter(umbrella=self.umbrella),
                          what="included review")  # fmt: skip
