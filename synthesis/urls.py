from django.urls import include, path

from reviews.routes import add_and_edit, per_format

from . import key_findings_views, study_views, summary_views, views

app_name = "synthesis"

STUDIES = "evidence/results/<int:pk>/studies/"  # one result's study-level data, re-analysed

# The pages of one umbrella review, below /u/<slug>/.
project_urls = [
    path("evidence/", views.EvidenceOverviewView.as_view(), name="overview"),
    path("evidence/outcomes/<int:pk>/", views.OutcomeDetailView.as_view(), name="outcome-detail"),
    path("overlap/outcomes/<int:pk>/", views.OutcomeOverlapView.as_view(), name="outcome-overlap"),
    *per_format(
        "evidence/results.{fmt}", views.ExportView.as_view(), "export-{fmt}", ["csv", "xlsx"]
    ),
    *add_and_edit(
        "reviews/<int:pk>/results/", views.ResultFormView.as_view(), "result", "result_pk"
    ),
    path(
        "reviews/<int:pk>/results/<int:result_pk>/check/",
        views.MarkCheckedView.as_view(),
        name="result-check",
    ),
    path(STUDIES, study_views.ReanalysisView.as_view(), name="reanalysis"),
    *add_and_edit(STUDIES, study_views.StudyEffectFormView.as_view(), "study", "study_pk"),
    path(f"{STUDIES}paste/", study_views.PasteStudiesView.as_view(), name="study-paste"),
    path(f"{STUDIES}method/", study_views.MethodView.as_view(), name="reanalysis-method"),
    path(
        f"{STUDIES}<int:study_pk>/delete/",
        study_views.StudyEffectDeleteView.as_view(),
        name="study-delete",
    ),
    path(
        "evidence/summary/",
        summary_views.SummaryOfFindingsView.as_view(),
        name="summary-of-findings",
    ),
    *per_format(
        "evidence/summary.{fmt}",
        summary_views.SummaryExportView.as_view(),
        "summary-export-{fmt}",
        ["csv", "xlsx"],
    ),
    path(
        "evidence/summary/rule/", summary_views.SelectionRuleView.as_view(), name="selection-rule"
    ),
    path(
        "evidence/summary/outcomes/<int:pk>/override/",
        summary_views.SelectionOverrideView.as_view(),
        name="selection-override",
    ),
    path("key-findings/", key_findings_views.KeyFindingsView.as_view(), name="key-findings"),
    path(
        "key-findings/<str:code>/edit/",
        key_findings_views.NarrativeFormView.as_view(),
        name="narrative-edit",
    ),
]

urlpatterns = [path("u/<slug:slug>/", include(project_urls))]
