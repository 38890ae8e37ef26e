from django.urls import path

from . import views

app_name = "dataio"

urlpatterns = [
    path("u/<slug:slug>/import/", views.ImportView.as_view(), name="import"),
    path(
        "u/<slug:slug>/import/<uuid:job>/", views.ImportStatusView.as_view(), name="import-status"
    ),
    path(
        "u/<slug:slug>/import/<uuid:job>/confirm/",
        views.ImportConfirmView.as_view(),
        name="import-confirm",
    ),
    path(
        "u/<slug:slug>/import/<uuid:job>/cancel/",
        views.ImportCancelView.as_view(),
        name="import-cancel",
    ),
    path(
        "u/<slug:slug>/import/<uuid:job>/problems.csv",
        views.ImportReportView.as_view(),
        name="import-report",
    ),
    path("u/<slug:slug>/export/workbook.<str:fmt>", views.ExportView.as_view(), name="export"),
    path(
        "u/<slug:slug>/export/metaumbrella.csv",
        views.MetaumbrellaExportView.as_view(),
        name="export-metaumbrella",
    ),
    path("workbook-template.xlsx", views.template_download, name="template"),
]
