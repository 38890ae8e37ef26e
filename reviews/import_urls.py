from django.urls import path

from . import import_views

app_name = "dataio"

urlpatterns = [
    path("u/<slug:slug>/import/", import_views.ImportView.as_view(), name="import"),
    path(
        "u/<slug:slug>/export/workbook.<str:fmt>",
        import_views.ExportView.as_view(),
        name="export",
    ),
    path("workbook-template.xlsx", import_views.template_download, name="template"),
]
