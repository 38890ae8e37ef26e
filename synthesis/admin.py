from typing import Any

from django import forms
from django.contrib import admin

from reviews.admin import ResearchDataAdmin

from .extraction.visibility import visible_extractions, visible_rows
from .models import ExtractedResult, Extraction, Outcome, OutcomeDomain, OutcomeResult
from .services import DirectEntryRefused, refuse_direct_entry


@admin.register(OutcomeDomain)
class OutcomeDomainAdmin(ResearchDataAdmin):
    list_display = ["name", "umbrella", "position"]
    list_filter = ["umbrella"]
    search_fields = ["name"]


@admin.register(Outcome)
class OutcomeAdmin(ResearchDataAdmin):
    list_display = ["name", "domain", "direction", "umbrella"]
    list_filter = ["umbrella", "domain__name", "direction"]
    search_fields = ["name"]


class OutcomeResultAdminForm(forms.ModelForm[OutcomeResult]):
    """Adding a result here obeys the result form's rule (`refuse_direct_entry`): not in a
    project that extracts in duplicate."""

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        review = data.get("review")
        if self.instance.pk is None and review is not None:
            try:
                refuse_direct_entry(review.umbrella)
            except DirectEntryRefused as error:
                self.add_error("review", str(error))
        return data


@admin.register(OutcomeResult)
class OutcomeResultAdmin(ResearchDataAdmin):
    form = OutcomeResultAdminForm
    umbrella_path = "review__umbrella"
    list_display = ["review", "outcome", "evidence_type", "timepoint", "finding", "checked_by"]
    list_filter = ["evidence_type", "finding", "timepoint", "review__umbrella"]
    search_fields = ["review__label", "outcome__name", "extraction_id"]
    # Choices come through the scoped review and outcome admins (no other project's rows).
    autocomplete_fields = ["review", "outcome"]
    list_select_related = ["review", "outcome"]
    readonly_fields = [
        "derived_finding",
        "entered_by",
        "checked_by",
        "checked_at",
        "version",
    ]

    def save_model(self, request, obj, form, change):
        # An update clears the check through the locking helper, as the model says.
        if not change:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)


class BlindedExtractionAdmin(ResearchDataAdmin):
    """View-only: extractions change in their workflow only (a submitted one is final), and
    staff see only what the blinding rule shows them (synthesis/extraction/visibility.py)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Extraction)
class ExtractionAdmin(BlindedExtractionAdmin):
    umbrella_path = "review__umbrella"
    list_display = ["review", "slot", "extractor", "status", "version"]
    list_filter = ["slot", "status"]
    search_fields = ["review__label", "extractor__username"]
    list_select_related = ["review", "extractor"]

    def get_queryset(self, request):
        visible = visible_extractions(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)


@admin.register(ExtractedResult)
class ExtractedResultAdmin(BlindedExtractionAdmin):
    umbrella_path = "extraction__review__umbrella"
    list_display = ["extraction", "outcome", "timepoint", "estimate", "ci_low", "ci_high", "final"]
    search_fields = ["extraction__review__label", "outcome__name"]
    list_select_related = ["extraction__review", "outcome", "final"]

    def get_queryset(self, request):
        visible = visible_rows(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)
