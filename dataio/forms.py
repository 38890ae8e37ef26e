from django import forms

KIND_CHOICES = [
    ("workbook", "Project workbook (.xlsx, or a .zip / .csv of CSV sheets)"),
    ("reviews", "Citation file of included reviews (.ris, .bib, .nbib)"),
    ("studies", "Citation file of primary studies (.ris, .bib, .nbib)"),
]
SUFFIXES = {"workbook": (".xlsx", ".zip", ".csv"), "reviews": (".ris", ".bib", ".nbib", ".txt")}
SUFFIXES["studies"] = SUFFIXES["reviews"]
MAX_BYTES = 50 * 1024 * 1024


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
            if upload.size > MAX_BYTES:
                self.add_error("upload", "The file is larger than 50 MB.")
        return data
