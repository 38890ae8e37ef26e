from django.urls import path

from . import key_findings_views, study_views, views

app_name = "synthesis"

urlpatterns = [
    path("u/<slug:slug>/evidence/", views.EvidenceOverviewView.as_view(), name="overview"),
    path(
        "u/<slug:slug>/evidence/outcomes/<int:pk>/",
        views.OutcomeDetailView.as_view(),
        name="outcome-detail",
    ),
    path(
        "u/<slug:slug>/overlap/outcomes/<int:pk>/",
        views.OutcomeOverlapView.as_view(),
        name="outcome-overlap",
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
    path(
        "u/<slug:slug>/evidence/results/<int:pk>/studies/",
        study_views.ReanalysisView.as_view(),
        name="reanalysis",
    ),
    path(
        "u/<slug:slug>/evidence/results/<int:pk>/studies/add/",
        study_views.StudyEffectFormView.as_view(),
        name="study-add",
    ),
    path(
        "u/<slug:slug>/evidence/results/<int:pk>/studies/paste/",
        study_views.PasteStudiesView.as_view(),
        name="study-paste",
    ),
    path(
        "u/<slug:slug>/evidence/results/<int:pk>/studies/method/",
        study_views.MethodView.as_view(),
        name="reanalysis-method",
    ),
    path(
        "u/<slug:slug>/evidence/results/<int:pk>/studies/<int:study_pk>/edit/",
        study_views.StudyEffectFormView.as_view(),
        name="study-edit",
    ),
    path(
        "u/<slug:slug>/evidence/results/<int:pk>/studies/<int:study_pk>/delete/",
        study_views.StudyEffectDeleteView.as_view(),
        name="study-delete",
    ),
    path(
        "u/<slug:slug>/key-findings/",
        key_findings_views.KeyFindingsView.as_view(),
        name="key-findings",
    ),
    path(
        "u/<slug:slug>/key-findings/<str:code>/edit/",
        key_findings_views.NarrativeFormView.as_view(),
        name="narrative-edit",
    ),
]
