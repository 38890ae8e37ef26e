from django.urls import include, path, register_converter

from reviews.routes import add_and_edit, per_action, per_format

from . import key_findings_views, settings_views, study_views, summary_views, views
from .extraction import views as extraction_views
from .progress import views as progress_views

app_name = "synthesis"


class SlotConverter:
    """The two extraction slots, as the URL names them."""

    regex = "first|second"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SlotConverter, "slot")

STUDIES = "evidence/results/<int:pk>/studies/"  # one result's study-level data, re-analysed
EXTRACTION = "reviews/<int:pk>/extraction/"  # dual extraction of one review's results
SLOT = EXTRACTION + "<slot:slot>/"

# The pages of one umbrella review, below /u/<slug>/.
project_urls = [
    path("settings/analysis/", settings_views.AnalysisSettingsView.as_view(), name="settings"),
    path("evidence/", views.EvidenceOverviewView.as_view(), name="overview"),
    path("evidence/outcomes/<int:pk>/", views.OutcomeDetailView.as_view(), name="outcome-detail"),
    path("overlap/outcomes/<int:pk>/", views.OutcomeOverlapView.as_view(), name="outcome-overlap"),
    *per_format(
        "evidence/results.{fmt}", views.ExportView.as_view(), "export-{fmt}", ["csv", "xlsx"]
    ),
    *add_and_edit(
        "reviews/<int:pk>/results/",
        views.ResultFormView.as_view(),
        "result",
        "result_pk",
        check=views.MarkCheckedView.as_view(),
    ),
    path(STUDIES, study_views.ReanalysisView.as_view(), name="reanalysis"),
    *add_and_edit(
        STUDIES,
        study_views.StudyEffectFormView.as_view(),
        "study",
        "study_pk",
        delete=study_views.StudyEffectDeleteView.as_view(),
    ),
    path(f"{STUDIES}paste/", study_views.PasteStudiesView.as_view(), name="study-paste"),
    path(f"{STUDIES}method/", study_views.MethodView.as_view(), name="reanalysis-method"),
    *per_action(
        EXTRACTION,
        "extraction",
        compare=extraction_views.CompareView.as_view(),
        reconcile=extraction_views.ReconcileView.as_view(),
    ),
    path(SLOT, extraction_views.ExtractionView.as_view(), name="extraction"),
    *add_and_edit(
        SLOT + "rows/",
        extraction_views.RowFormView.as_view(),
        "extraction-row",
        "row_pk",
        delete=extraction_views.RowDeleteView.as_view(),
    ),
    path(
        "extraction/extractions.csv",
        extraction_views.ExtractionExportView.as_view(),
        name="extraction-export",
    ),
    path("progress/", progress_views.ProgressView.as_view(), name="progress"),
    path("progress.csv", progress_views.ProgressExportView.as_view(), name="progress-csv"),
    path("my-tasks/", progress_views.MyTasksView.as_view(), name="my-tasks"),
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
