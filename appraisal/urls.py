from django.urls import path, re_path

from reviews.routes import per_format

from . import settings_views, views

app_name = "appraisal"

urlpatterns = [
    path(
        "u/<slug:slug>/settings/amstar2/",
        settings_views.AppraisalSettingsView.as_view(),
        name="settings",
    ),
    path("u/<slug:slug>/appraisal/", views.AppraisalTableView.as_view(), name="appraisal-table"),
    *per_format(
        "u/<slug:slug>/appraisal/amstar2.{fmt}",
        views.AppraisalExportView.as_view(),
        "appraisal-export-{fmt}",
        ["csv", "xlsx"],
        kwarg="fmt",
    ),
    path(
        "u/<slug:slug>/appraisal/robvis.csv",
        views.AppraisalRobvisView.as_view(),
        name="appraisal-export-robvis",
    ),
    path(
        "u/<slug:slug>/reviews/<int:pk>/appraisal/compare/",
        views.CompareView.as_view(),
        name="appraisal-compare",
    ),
    re_path(
        r"^u/(?P<slug>[-\w]+)/reviews/(?P<pk>\d+)/appraisal/(?P<role>first|second|consensus)/$",
        views.AppraisalFormView.as_view(),
        name="appraisal-form",
    ),
]
