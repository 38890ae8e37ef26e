"""The Import data form: what the file holds, the file (its type and size checked)."""

from django import forms
from django.conf import settings

from .workbook.archive import size

KIND_CHOICES = [
    ("workbook", "Project workbook (.xlsx, or a .zip / .csv of CSV sheets)"),
    ("reviews", "Citation file of included reviews (.ris, .bib, .nbib)"),
    ("studies", "Citation file of primary studies (.ris, .bib, .nbib)"),
    ("metaumbrella", "Study-level data in metaumbrella's format (.csv)"),
    ("ccar_matrix", "Citation matrix in ccaR's layout (.csv, as the overlap page downloads it)"),
]
SUFFIXES = {"workbook": (".xlsx", ".zip", ".csv"), "reviews": (".ris", ".bib", ".nbib", ".txt")}
SUFFIXES["studies"] = SUFFIXES["reviews"]
SUFFIXES["metaumbrella"] = SUFFIXES["ccar_matrix"] = (".csv",)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="What the file holds", choices=KIND_CHOICES, initial="workbook")
    upload = forms.FileField(label="File")
    update = forms.BooleanField(
        label="Update rows that already exist (matched by natural key) where the file differs",
        required=False,
    )

    def clean(self):
        data = super().clean()
        upload, kind = data.get("upload"), data.get("kind")
        if upload and kind:
            if not upload.name.lower().endswith(SUFFIXES[kind]):
                self.add_error("upload", f"Expected one of {', '.join(SUFFIXES[kind])}.")
            limit = settings.UPLOAD_MAX_BYTES
            if upload.size > limit:
                self.add_error(
                    "upload",
                    f"The file is {size(upload.size)}; at most {size(limit)} may be uploaded "
                    "(setting UPLOAD_MAX_BYTES).",
                )
        return data
