from django.urls import path

from .history import views as history_views
from .members import views as member_views
from .overlap import views as overlap_views
from .prisma import views as prisma_views
from .project import views as project_views
from .qualitative import views as qualitative_views
from .registry import views as review_views
from .studies import views as study_views

app_name = "reviews"

urlpatterns = [
    path("", project_views.HomeView.as_view(), name="home"),
    path("u/<slug:slug>/", project_views.UmbrellaDetailView.as_view(), name="umbrella-detail"),
    path("u/<slug:slug>/members/", member_views.MembersView.as_view(), name="members"),
    path(
        "u/<slug:slug>/history/<str:model>/<int:pk>/",
        history_views.HistoryView.as_view(),
        name="history",
    ),
    path(
        "u/<slug:slug>/reviews/", review_views.IncludedReviewListView.as_view(), name="review-list"
    ),
    path(
        "u/<slug:slug>/reviews/<int:pk>/",
        review_views.IncludedReviewDetailView.as_view(),
        name="review-detail",
    ),
    path("u/<slug:slug>/overlap/", overlap_views.OverlapView.as_view(), name="overlap"),
    path("u/<slug:slug>/overlap/matrix.csv", overlap_views.matrix_csv, name="overlap-matrix"),
    path("u/<slug:slug>/studies/", study_views.StudyListView.as_view(), name="study-list"),
    path(
        "u/<slug:slug>/studies/duplicates/",
        study_views.DuplicatesView.as_view(),
        name="study-duplicates",
    ),
    path("u/<slug:slug>/studies/merge/", study_views.MergeView.as_view(), name="study-merge"),
    path(
        "u/<slug:slug>/studies/not-duplicate/",
        study_views.RejectView.as_view(),
        name="study-not-duplicate",
    ),
    path(
        "u/<slug:slug>/studies/merges/<int:pk>/undo/",
        study_views.UndoMergeView.as_view(),
        name="study-merge-undo",
    ),
    path(
        "u/<slug:slug>/reviews/<int:pk>/studies/",
        study_views.ReviewStudiesView.as_view(),
        name="review-studies",
    ),
    # Issue 7: implementation factors (CFIR), experience themes, PRISMA flow (key findings are
    # in synthesis: they compose the evidence tables).
    path(
        "u/<slug:slug>/implementation/",
        qualitative_views.ImplementationView.as_view(),
        name="implementation",
    ),
    path(
        "u/<slug:slug>/implementation/add/",
        qualitative_views.FactorFormView.as_view(),
        name="factor-add",
    ),
    path(
        "u/<slug:slug>/implementation/<int:pk>/edit/",
        qualitative_views.FactorFormView.as_view(),
        name="factor-edit",
    ),
    path(
        "u/<slug:slug>/experiences/",
        qualitative_views.ExperiencesView.as_view(),
        name="experiences",
    ),
    path(
        "u/<slug:slug>/experiences/add/",
        qualitative_views.SubthemeFormView.as_view(),
        name="subtheme-add",
    ),
    path(
        "u/<slug:slug>/experiences/<int:pk>/edit/",
        qualitative_views.SubthemeFormView.as_view(),
        name="subtheme-edit",
    ),
    path("u/<slug:slug>/prisma/", prisma_views.PrismaView.as_view(), name="prisma"),
    path(
        "u/<slug:slug>/prisma.svg",
        prisma_views.PrismaDownloadView.as_view(),
        {"format": "svg"},
        name="prisma-svg",
    ),
    path(
        "u/<slug:slug>/prisma.png",
        prisma_views.PrismaDownloadView.as_view(),
        {"format": "png"},
        name="prisma-png",
    ),
    path("u/<slug:slug>/prisma/edit/", prisma_views.PrismaFormView.as_view(), name="prisma-edit"),
]
