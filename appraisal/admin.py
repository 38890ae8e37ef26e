from django.contrib import admin

from reviews.admin import ResearchDataAdmin

from .models import Appraisal, AppraisalSettings, ItemAnswer
from .services import recompute_overall


class ItemAnswerInline(admin.TabularInline):
    model = ItemAnswer
    extra = 0


@admin.register(Appraisal)
class AppraisalAdmin(ResearchDataAdmin):
    umbrella_path = "review__umbrella"
    list_display = ["review", "role", "rater", "status", "overall", "variant", "version"]
    list_filter = ["role", "status", "overall", "variant", "review__umbrella"]
    search_fields = ["review__label", "rater__username"]
    readonly_fields = ["overall", "version", "created_at", "updated_at"]
    autocomplete_fields = ["review"]
    list_select_related = ["review", "rater"]
    inlines = [ItemAnswerInline]

    def save_related(self, request, form, formsets, change):
        # Answers edited here must move the stored rating too.
        super().save_related(request, form, formsets, change)
        recompute_overall(form.instance)


@admin.register(AppraisalSettings)
class AppraisalSettingsAdmin(ResearchDataAdmin):
    list_display = ["umbrella", "use_adapted_variants"]
    list_filter = ["use_adapted_variants"]
    search_fields = ["umbrella__title"]
