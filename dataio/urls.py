from django.urls import path

from . import views

app_name = "dataio"

urlpatterns = [
    path("u/<slug:slug>/import/", views.ImportView.as_view(), name="import"),
    path("u/<slug:slug>/export/workbook.<str:fmt>", views.ExportView.as_view(), name="export"),
    path("workbook-template.xlsx", views.template_download, name="template"),
]
