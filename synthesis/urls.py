from django.urls import path

from . import views

app_name = "synthesis"

urlpatterns = [
    path("u/<slug:slug>/evidence/", views.EvidenceOverviewView.as_view(), name="overview"),
    path(
        "u/<slug:slug>/evidence/outcomes/<int:pk>/",
        views.OutcomeDetailView.as_view(),
        name="outcome-detail",
    ),
    path(
        "u/<slug:slug>/evidence/results.csv",
        views.ExportView.as_view(),
        {"format": "csv"},
        name="export-csv",
    ),
    path(
        "u/<slug:slug>/evidence/results.xlsx",
        views.ExportView.as_view(),
        {"format": "xlsx"},
        name="export-xlsx",
    ),
    path(
        "u/<slug:slug>/reviews/<int:pk>/results/add/",
        views.ResultFormView.as_view(),
        name="result-add",
    ),
    path(
        "u/<slug:slug>/reviews/<int:pk>/results/<int:result_pk>/edit/",
        views.ResultFormView.as_view(),
        name="result-edit",
    ),
    path(
        "u/<slug:slug>/reviews/<int:pk>/results/<int:result_pk>/check/",
        views.MarkCheckedView.as_view(),
        name="result-check",
    ),
]
