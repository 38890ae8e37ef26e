"""Forms of the citation-matrix entry and de-duplication pages."""

from django import forms

from ..models import PrimaryStudy
from .study_lists import ParsedList, parse_csv, parse_identifiers, parse_ris

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class TickStudiesForm(forms.Form):
    studies = forms.ModelMultipleChoiceField(
        label="Studies this review includes",
        queryset=PrimaryStudy.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, umbrella, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studies"].queryset = PrimaryStudy.objects.active().filter(umbrella=umbrella)


class PasteIdentifiersForm(forms.Form):
    identifiers = forms.CharField(
        label="DOIs or PubMed ids, one per line",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Each must already be in the registry (as a study or one of its reports).",
    )

    def parsed(self) -> ParsedList:
        return parse_identifiers(self.cleaned_data["identifiers"])


class UploadStudiesForm(forms.Form):
    file = forms.FileField(
        label="CSV or RIS file of the review's included studies",
        help_text="CSV columns: label, title, authors, year, doi, pmid, journal, design, "
        "country, n_participants, trial_registration (a header row; DOI, PMID or title needed).",
    )
    create_missing = forms.TypedChoiceField(
        label="Rows not in the registry",
        choices=[("false", "Report them (match only)"), ("true", "Add them to the registry")],
        coerce=lambda value: value == "true",
        initial="false",
        widget=forms.RadioSelect,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB.")
        name = upload.name.lower()
        if not name.endswith((".csv", ".ris", ".txt")):
            raise forms.ValidationError("Upload a .csv or a .ris file.")
        try:
            upload.text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None
        return upload

    def parsed(self) -> ParsedList:
        upload = self.cleaned_data["file"]
        is_csv = upload.name.lower().endswith(".csv")
        return parse_csv(upload.text) if is_csv else parse_ris(upload.text)


class MergeForm(forms.Form):
    kept = forms.IntegerField(widget=forms.HiddenInput)
    merged = forms.IntegerField(widget=forms.HiddenInput)


class RejectForm(forms.Form):
    a = forms.IntegerField(widget=forms.HiddenInput)
    b = forms.IntegerField(widget=forms.HiddenInput)
