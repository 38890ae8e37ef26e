from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("u/<slug:slug>/", views.UmbrellaDetailView.as_view(), name="umbrella-detail"),
    path("u/<slug:slug>/reviews/", views.IncludedReviewListView.as_view(), name="review-list"),
    path(
        "u/<slug:slug>/reviews/<int:pk>/",
        views.IncludedReviewDetailView.as_view(),
        name="review-detail",
    ),
]
