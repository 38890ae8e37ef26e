from django.urls import path

from . import (
    history_views,
    member_views,
    overlap_views,
    prisma_views,
    qualitative_views,
    registry_views,
    views,
)

app_name = "reviews"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("u/<slug:slug>/", views.UmbrellaDetailView.as_view(), name="umbrella-detail"),
    path("u/<slug:slug>/members/", member_views.MembersView.as_view(), name="members"),
    path(
        "u/<slug:slug>/history/<str:model>/<int:pk>/",
        history_views.HistoryView.as_view(),
        name="history",
    ),
    path("u/<slug:slug>/reviews/", views.IncludedReviewListView.as_view(), name="review-list"),
    path(
        "u/<slug:slug>/reviews/<int:pk>/",
        views.IncludedReviewDetailView.as_view(),
        name="review-detail",
    ),
    path("u/<slug:slug>/overlap/", overlap_views.OverlapView.as_view(), name="overlap"),
    path(
        "u/<slug:slug>/overlap/outcomes/<int:pk>/",
        overlap_views.OutcomeOverlapView.as_view(),
        name="outcome-overlap",
    ),
    path("u/<slug:slug>/overlap/matrix.csv", overlap_views.matrix_csv, name="overlap-matrix"),
    path("u/<slug:slug>/studies/", registry_views.StudyListView.as_view(), name="study-list"),
    path(
        "u/<slug:slug>/studies/duplicates/",
        registry_views.DuplicatesView.as_view(),
        name="study-duplicates",
    ),
    path("u/<slug:slug>/studies/merge/", registry_views.MergeView.as_view(), name="study-merge"),
    path(
        "u/<slug:slug>/studies/not-duplicate/",
        registry_views.RejectView.as_view(),
        name="study-not-duplicate",
    ),
    path(
        "u/<slug:slug>/studies/merges/<int:pk>/undo/",
        registry_views.UndoMergeView.as_view(),
        name="study-merge-undo",
    ),
    path(
        "u/<slug:slug>/reviews/<int:pk>/studies/",
        registry_views.ReviewStudiesView.as_view(),
        name="review-studies",
    ),
    # Issue 7: implementation factors (CFIR), experience themes, key findings, PRISMA flow.
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
    path(
        "u/<slug:slug>/key-findings/",
        qualitative_views.KeyFindingsView.as_view(),
        name="key-findings",
    ),
    path(
        "u/<slug:slug>/key-findings/<str:code>/edit/",
        qualitative_views.NarrativeFormView.as_view(),
        name="narrative-edit",
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
