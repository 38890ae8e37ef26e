from django.urls import path

from . import member_views, overlap_views, registry_views, views

app_name = "reviews"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("u/<slug:slug>/", views.UmbrellaDetailView.as_view(), name="umbrella-detail"),
    path("u/<slug:slug>/members/", member_views.MembersView.as_view(), name="members"),
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
]
