"""The PRISMA flow counts form, fieldsets in the order of the diagram."""

from django import forms

from ..forms import FieldsetsMixin, VersionedForm
from ..models import COUNT_FIELDS, PrismaFlow


class PrismaFlowForm(FieldsetsMixin, VersionedForm):
    class Meta:
        model = PrismaFlow
        fields = [*(name for name, _ in COUNT_FIELDS), "note", "internal_note"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "internal_note": forms.Textarea(attrs={"rows": 2}),
        }

    FIELDSETS = [
        ("Identification (databases and registers)",
         ["databases", "registers", "duplicates_removed", "automation_removed", "other_removed"]),
        ("Screening", ["screened", "screened_excluded", "sought", "not_retrieved", "assessed",
                       "excluded"]),
        ("Identification via other methods", ["other_identified", "other_sought",
                                              "other_not_retrieved", "other_assessed",
                                              "other_excluded"]),
        ("Included", ["studies_included", "reports_included"]),
        ("Source", ["note", "internal_note"]),
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.umbrella = self.umbrella
