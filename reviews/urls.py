from django.urls import include, path

from .assignments import views as assignment_views
from .history import views as history_views
from .members import views as member_views
from .overlap import views as overlap_views
from .prisma import views as prisma_views
from .project import settings_views
from .project import views as project_views
from .publishing import views as publishing_views
from .qualitative import views as qualitative_views
from .registry import edit_views
from .registry import views as review_views
from .routes import add_and_edit, per_action, per_format
from .studies import views as study_views

app_name = "reviews"

# The pages of one umbrella review, below /u/<slug>/.
project_urls = [
    path("", project_views.UmbrellaDetailView.as_view(), name="umbrella-detail"),
    path("members/", member_views.MembersView.as_view(), name="members"),
    path("assignments/", assignment_views.AssignmentsView.as_view(), name="assignments"),
    path(
        "reviews/<int:pk>/assignments/",
        assignment_views.ReviewAssignmentView.as_view(),
        name="review-assignments",
    ),
    path("members/invite/", member_views.InviteView.as_view(), name="invite"),
    *(
        path(
            f"members/invitations/<int:pk>/{action}/",
            member_views.InvitationActionView.as_view(action=action),
            name=f"invitation-{action}",
        )
        for action in ("resend", "revoke")
    ),
    path("publish/", publishing_views.PublishView.as_view(), name="publish"),
    path("settings/", settings_views.ProjectSettingsView.as_view(), name="project-settings"),
    path("settings/terms/<slug:kind>/", settings_views.TermsView.as_view(), name="settings-terms"),
    path(
        "settings/extraction/",
        assignment_views.ExtractionSettingsView.as_view(),
        name="settings-extraction",
    ),
    *per_action(
        "settings/terms/<slug:kind>/<int:pk>/",
        "settings-term",
        edit=settings_views.TermEditView.as_view(),
        merge=settings_views.TermMergeView.as_view(),
        delete=settings_views.TermDeleteView.as_view(),
    ),
    path("history/<str:model>/<int:pk>/", history_views.HistoryView.as_view(), name="history"),
    path("reviews/", review_views.IncludedReviewListView.as_view(), name="review-list"),
    path(
        "reviews/<int:pk>/", review_views.IncludedReviewDetailView.as_view(), name="review-detail"
    ),
    *add_and_edit(
        "reviews/",
        edit_views.ReviewFormView.as_view(),
        "review",
        delete=edit_views.ReviewDeleteView.as_view(),
    ),
    *add_and_edit(
        "reviews/<int:pk>/reports/",
        edit_views.ReportFormView.as_view(),
        "report",
        "report_pk",
        delete=edit_views.ReportDeleteView.as_view(),
    ),
    path("excluded/", edit_views.ExcludedListView.as_view(), name="excluded-list"),
    *add_and_edit(
        "excluded/",
        edit_views.ExcludedFormView.as_view(),
        "excluded",
        delete=edit_views.ExcludedDeleteView.as_view(),
    ),
    path("overlap/", overlap_views.OverlapView.as_view(), name="overlap"),
    path("overlap/matrix.csv", overlap_views.matrix_csv, name="overlap-matrix"),
    path("studies/", study_views.StudyListView.as_view(), name="study-list"),
    path("studies/duplicates/", study_views.DuplicatesView.as_view(), name="study-duplicates"),
    path("studies/merge/", study_views.MergeView.as_view(), name="study-merge"),
    path("studies/not-duplicate/", study_views.RejectView.as_view(), name="study-not-duplicate"),
    path(
        "studies/merges/<int:pk>/undo/",
        study_views.UndoMergeView.as_view(),
        name="study-merge-undo",
    ),
    path(
        "reviews/<int:pk>/studies/", study_views.ReviewStudiesView.as_view(), name="review-studies"
    ),
    # Implementation factors (CFIR), experience themes, PRISMA flow (key findings are in
    # synthesis: they compose the evidence tables).
    path("implementation/", qualitative_views.ImplementationView.as_view(), name="implementation"),
    *add_and_edit("implementation/", qualitative_views.FactorFormView.as_view(), "factor"),
    path("experiences/", qualitative_views.ExperiencesView.as_view(), name="experiences"),
    *add_and_edit("experiences/", qualitative_views.SubthemeFormView.as_view(), "subtheme"),
    path("prisma/", prisma_views.PrismaView.as_view(), name="prisma"),
    *per_format(
        "prisma.{fmt}", prisma_views.PrismaDownloadView.as_view(), "prisma-{fmt}", ["svg", "png"]
    ),
    path("prisma/edit/", prisma_views.PrismaFormView.as_view(), name="prisma-edit"),
]

urlpatterns = [
    path("", project_views.HomeView.as_view(), name="home"),
    path("new/", project_views.UmbrellaCreateView.as_view(), name="umbrella-create"),
    path("glossary/", project_views.GlossaryView.as_view(), name="glossary"),
    path(
        "invitations/<str:token>/",
        member_views.AcceptInvitationView.as_view(),
        name="invitation-accept",
    ),
    path("accounts/signup/", member_views.SignUpView.as_view(), name="signup"),
    path("u/<slug:slug>/", include(project_urls)),
]
