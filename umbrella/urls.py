from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Umbrella-review evidence database"
admin.site.site_title = "Evidence database admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("reviews.urls")),
    path("", include("synthesis.urls")),
    path("", include("appraisal.urls")),
    path("", include("dataio.urls")),  # workbook import/export (issue 8)
]
