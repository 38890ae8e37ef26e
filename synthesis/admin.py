from django.contrib import admin

from .models import Outcome, OutcomeDomain, OutcomeResult


@admin.register(OutcomeDomain)
class OutcomeDomainAdmin(admin.ModelAdmin):
    list_display = ["name", "umbrella", "position"]
    list_filter = ["umbrella"]
    search_fields = ["name"]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "direction", "umbrella"]
    list_filter = ["umbrella", "domain__name", "direction"]
    search_fields = ["name"]


@admin.register(OutcomeResult)
class OutcomeResultAdmin(admin.ModelAdmin):
    list_display = ["review", "outcome", "evidence_type", "timepoint", "finding", "checked_by"]
    list_filter = ["evidence_type", "finding", "timepoint", "review__umbrella"]
    search_fields = ["review__label", "outcome__name", "extraction_id"]
    list_select_related = ["review", "outcome"]
    readonly_fields = [
        "derived_finding",
        "entered_by",
        "checked_by",
        "checked_at",
        "version",
    ]
