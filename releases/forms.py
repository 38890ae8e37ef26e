"""The form an owner publishes a release with."""

from django import forms


class ReleaseForm(forms.Form):
    """The notes (pre-filled with the change log against the latest release) and the number
    the owner saw, so that two owners publishing at once cannot both publish it."""

    number = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    notes = forms.CharField(
        label="Release notes",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Generated from what changed since the latest release; edit it as you "
        "wish. Left blank, the generated change log is used.",
    )

    def __init__(self, *args, expected: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_number(self) -> int:
        number = self.cleaned_data["number"]
        if number != self.expected:
            raise forms.ValidationError(
                f"Release {self.expected - 1} was published while this page was open: "
                "read what changed and publish again."
            )
        return number
