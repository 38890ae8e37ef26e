"""The admin of AMSTAR 2 appraisals. Blinded like every other surface: staff see only the
appraisals the blinding rule shows them (`visibility.visible_appraisals`) — in the list, its
search and filters, the change form, its answers and its history — so a staff member who is
one rater never reads the other rater's appraisal before both have submitted."""

from django.contrib import admin

from reviews.admin import ResearchDataAdmin

from .models import Appraisal, AppraisalSettings, ItemAnswer
from .services import recompute_overall
from .visibility import visible_answers, visible_appraisals


class ItemAnswerInline(admin.TabularInline):
    model = ItemAnswer
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=visible_answers(request.user))


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

    def get_queryset(self, request):
        # Every admin view of an appraisal (list, search, filters, change form, history,
        # delete) starts from this queryset: a hidden appraisal does not exist here.
        visible = visible_appraisals(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)

    def save_related(self, request, form, formsets, change):
        # Answers edited here must move the stored rating too.
        super().save_related(request, form, formsets, change)
        recompute_overall(form.instance)


@admin.register(AppraisalSettings)
class AppraisalSettingsAdmin(ResearchDataAdmin):
    list_display = ["umbrella", "use_adapted_variants"]
    list_filter = ["use_adapted_variants"]
    search_fields = ["umbrella__title"]
