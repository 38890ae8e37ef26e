from django.urls import include, path

from reviews.routes import per_action

from . import views

app_name = "dataio"

JOB = "import/<uuid:job>/"  # one upload on its way through the dry run and the import

# The pages of one umbrella review, below /u/<slug>/.
project_urls = [
    path("import/", views.ImportView.as_view(), name="import"),
    path(JOB, views.ImportStatusView.as_view(), name="import-status"),
    *per_action(
        JOB,
        "import",
        confirm=views.ImportConfirmView.as_view(),
        cancel=views.ImportCancelView.as_view(),
    ),
    path(f"{JOB}problems.csv", views.ImportReportView.as_view(), name="import-report"),
    path("export/workbook.<str:fmt>", views.ExportView.as_view(), name="export"),
    path(
        "export/metaumbrella.csv",
        views.MetaumbrellaExportView.as_view(),
        name="export-metaumbrella",
    ),
]

urlpatterns = [
    path("u/<slug:slug>/", include(project_urls)),
    path("workbook-template.xlsx", views.template_download, name="template"),
]
