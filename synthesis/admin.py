from django.contrib import admin

from reviews.admin import ResearchDataAdmin

from .models import Outcome, OutcomeDomain, OutcomeResult


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


@admin.register(OutcomeResult)
class OutcomeResultAdmin(ResearchDataAdmin):
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
