"""Django admin for the registry. Staff who are not superusers see and change only the umbrella
reviews they own or research on, the same rule as `access.can_write`, and every choice the admin
offers is limited to those projects (`admin_scoping.py`); members are managed by owners only,
through the members services, which also make whoever adds a project its owner. Every admin of
research data locks optimistically (`ResearchDataAdmin`, see `admin_locking.py`)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .admin_locking import VersionLockedAdmin, VersionLockedInline
from .admin_scoping import ProjectScopedAdmin, ScopedChoices
from .members.admin import MembershipAdmin
from .members.services import set_role
from .models import (
    DeliveryMode,
    ExcludedReview,
    ExclusionReason,
    ExperienceTheme,
    IncludedReview,
    Inclusion,
    InterventionFormat,
    Membership,
    Perspective,
    Population,
    PrimaryStudy,
    Report,
    ReportedInclusionFrequency,
    ResearchQuestion,
    StudyMerge,
    StudyReport,
    UmbrellaReview,
)
from .registry.forms import IncludedReviewForm


class ResearchDataAdmin(VersionLockedAdmin, ProjectScopedAdmin):
    """Project-scoped and optimistically locked: the base of every admin of research data."""


class ResearchQuestionInline(ScopedChoices, VersionLockedInline, admin.TabularInline):
    model = ResearchQuestion
    extra = 0


@admin.register(UmbrellaReview)
class UmbrellaReviewAdmin(ResearchDataAdmin):
    umbrella_path = "pk"
    list_display = [
        "title",
        "slug",
        "protocol_registration",
        "is_published",
        "members_link",
        "import_export",
    ]
    list_filter = ["is_published"]
    search_fields = ["title", "slug", "question", "protocol_registration"]
    prepopulated_fields = {"slug": ["title"]}
    # No inline of members: researchers change a project, owners alone its members (below).
    inlines = [ResearchQuestionInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # A project without a member can be opened by no one in the app (nor, for staff
            # who are not superusers, in the admin): whoever adds it is its first owner, as on
            # the app's "New umbrella review" page, through the same members service — in the
            # admin's transaction, so the project and its owner are written together.
            set_role(umbrella=obj, user=request.user, role=Membership.Role.OWNER)

    @admin.display(description="Members")
    def members_link(self, obj):
        url = reverse("admin:reviews_membership_changelist") + f"?umbrella__id__exact={obj.pk}"
        return format_html('<a href="{}">Members</a>', url)

    @admin.display(description="Data")
    def import_export(self, obj):
        # Bulk loading goes through the project's Import data page, so the admin uses the
        # same validation, dry run and all-or-nothing write (dataio/workbook/).
        url = reverse("dataio:import", args=[obj.slug])
        return format_html('<a href="{}">Import / export</a>', url)


admin.site.register(Membership, MembershipAdmin)


@admin.register(Population, InterventionFormat, DeliveryMode, ExclusionReason, Perspective)
class VocabularyTermAdmin(ResearchDataAdmin):
    # Terms are versioned (the settings pages lock their edits), so no list_editable here.
    list_display = ["name", "umbrella", "position"]
    list_filter = ["umbrella"]
    search_fields = ["name", "description"]


@admin.register(ResearchQuestion)
class ResearchQuestionAdmin(ResearchDataAdmin):
    list_display = ["code", "kind", "umbrella"]
    list_filter = ["kind", "umbrella"]
    search_fields = ["code", "text"]


class ReportInline(ScopedChoices, VersionLockedInline, admin.StackedInline):
    model = Report
    extra = 0


@admin.register(IncludedReview)
class IncludedReviewAdmin(ResearchDataAdmin):
    form = IncludedReviewForm
    list_display = ["label", "year", "review_type", "published_rating", "umbrella"]
    list_filter = [
        "umbrella",
        "review_type",
        "published_rating",
        "grade_used",
        "lived_experience_involvement",
        "populations",
        "formats",
        "research_questions",
    ]
    search_fields = ["label", "title", "authors", "doi", "pmid", "journal"]
    filter_horizontal = ["populations", "formats", "delivery_modes", "research_questions"]
    inlines = [ReportInline]
    list_select_related = ["umbrella"]


@admin.register(Report)
class ReportAdmin(ResearchDataAdmin):
    umbrella_path = "review__umbrella"
    list_display = ["title", "year", "review"]
    list_filter = ["review__umbrella"]
    search_fields = ["title", "authors", "doi", "pmid", "review__label"]
    autocomplete_fields = ["review"]


@admin.register(ExcludedReview)
class ExcludedReviewAdmin(ResearchDataAdmin):
    list_display = ["title", "year", "reason", "umbrella"]
    list_filter = ["umbrella", "reason"]
    search_fields = ["title", "authors", "doi", "pmid"]


@admin.register(PrimaryStudy)
class PrimaryStudyAdmin(ResearchDataAdmin):
    list_display = ["label", "year", "design", "country", "n_participants", "umbrella"]
    list_filter = ["umbrella", "design"]
    search_fields = ["label", "title", "authors", "doi", "pmid", "trial_registration"]
    readonly_fields = ["merged_into"]  # merges go through studies.services, which records them


@admin.register(Inclusion)
class InclusionAdmin(ResearchDataAdmin):
    umbrella_path = "review__umbrella"
    list_display = ["review", "study"]
    list_filter = ["review__umbrella"]
    search_fields = ["review__label", "study__label", "study__doi"]
    autocomplete_fields = ["review", "study"]
    list_select_related = ["review", "study"]


# Overlap: publication threads, merges (read-only history) and reported frequencies.
@admin.register(StudyReport)
class StudyReportAdmin(ResearchDataAdmin):
    umbrella_path = "study__umbrella"
    list_display = ["title", "study", "year"]
    search_fields = ["title", "authors", "doi", "pmid", "study__label"]
    autocomplete_fields = ["study"]


@admin.register(StudyMerge)
class StudyMergeAdmin(ProjectScopedAdmin):
    list_display = ["merged", "kept", "merged_by", "merged_at", "undone_at"]
    list_filter = ["umbrella"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportedInclusionFrequency)
class ReportedInclusionFrequencyAdmin(ResearchDataAdmin):
    list_display = ["umbrella", "times_included", "n_primary_studies", "source"]
    list_filter = ["umbrella"]


@admin.register(ExperienceTheme)
class ExperienceThemeAdmin(ResearchDataAdmin):
    """Overarching themes are a per-project list; factors, subthemes and the PRISMA counts are
    edited in the site's versioned forms (optimistic locking), not here."""

    list_display = ["name", "umbrella", "position"]
    list_filter = ["umbrella"]
    search_fields = ["name", "description"]
