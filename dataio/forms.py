"""The Import data form: what the file holds, the file (its type and size checked)."""

from django import forms
from django.conf import settings

from .importers import IMPORTERS
from .workbook.archive import size

KIND_CHOICES = [(importer.kind, importer.label) for importer in IMPORTERS.values()]
SUFFIXES = {importer.kind: importer.suffixes for importer in IMPORTERS.values()}


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
