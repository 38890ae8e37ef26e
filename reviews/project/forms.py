"""The form that starts a new umbrella review."""

from django import forms
from django.utils.text import slugify

from ..models import UmbrellaReview

SLUG_MAX = UmbrellaReview._meta.get_field("slug").max_length


class UmbrellaCreateForm(forms.Form):
    title = forms.CharField(max_length=300)
    slug = forms.SlugField(
        label="Address",
        max_length=SLUG_MAX,
        required=False,
        help_text="The project's address, /u/<address>/: lower-case letters, digits and "
        "hyphens. Leave it blank to make one from the title.",
    )
    question = forms.CharField(
        label="Objective or question",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What the umbrella review sets out to answer; shown on its overview.",
    )

    def clean(self):
        cleaned = super().clean()
        if "slug" in cleaned and not cleaned["slug"] and cleaned.get("title"):
            cleaned["slug"] = slugify(cleaned["title"])[:SLUG_MAX].strip("-")
            if not cleaned["slug"]:
                self.add_error("slug", "No address can be made from this title: type one.")
        return cleaned
